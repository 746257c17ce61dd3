"""SYNC-10 on Alcméon's side: a failed push marks its message CRM_SYNCHRO_ERROR until it syncs or is ignored.

The connector keeps the errors (retry one, retry all, ignore); this module mirrors them onto the message
in Alcméon, where the org's settings show errors pending (alcmeon-reference 1.11). Each report or
settlement is a job of its own, so it survives a restart and is retried like any other call.
"""

from __future__ import annotations

from alcsim.connector.engine import Outcome
from alcsim.connector.jobs import CRM_ERROR_JOB
from alcsim.connector.retry import Permanent, Retryable
from alcsim.connector.store import Job


def _enqueue(connector, env: str, message_id, org, state: str, details: str, origin: str) -> None:
    if not env or message_id is None or not org:
        return  # an error not tied to a message (e.g. a callout) has nothing to mark in Alcméon
    gateway = connector.orgs().get(org)
    org_id = gateway.organization_id if gateway is not None and gateway.organization_id else org
    connector.store.enqueue(
        CRM_ERROR_JOB,
        key=f"crm-error:{env}:{message_id}",
        dedupe=f"crm-error:{origin}:{state}",
        payload={
            "target_env": env,
            "message_id": message_id,
            "org_id": org_id,
            "state": state,
            "details": details,
        },
    )
    connector.engine.wake()


def on_engine_event(connector, event: str, job: Job, data: dict) -> None:
    if job.type == CRM_ERROR_JOB:
        return  # failing to mark an error is itself kept as a sync error, never reported again (no loop)
    env = job.payload.get("env", "")
    if event == "error":
        _enqueue(
            connector,
            env,
            data.get("message_id"),
            data.get("org"),
            "pending",
            data.get("detail", ""),
            f"job{job.id}",
        )
    elif event == "resolved":
        for error in data["errors"]:
            _enqueue(
                connector,
                error["env"],
                error["message_id"],
                error["org"],
                "resolved",
                "",
                f"error{error['id']}",
            )


def settle_ignored(connector, error: dict) -> None:
    _enqueue(connector, error["env"], error["message_id"], error["org"], "ignored", "", f"error{error['id']}")


class CrmErrorReporter:
    def __init__(self, connector):
        self.connector = connector

    def __call__(self, groups: list[list[Job]]) -> list[Outcome]:
        outcomes = []
        for group in groups:
            outcome = Outcome.done()
            for job in group:  # in order: the last state of a message wins
                p = job.payload
                gateway = self.connector.environment(p["target_env"])
                try:
                    if p["state"] == "pending":
                        gateway.report_crm_error(p["message_id"], p["org_id"], p["details"])
                    else:
                        gateway.settle_crm_error(p["message_id"], p["org_id"], p["state"])
                except Retryable as exc:
                    outcome = Outcome("retry", str(exc), exc.retry_after)
                    break
                except Permanent as exc:
                    if exc.status == 404 and p["state"] != "pending":
                        continue  # nothing left to settle on that message
                    outcome = Outcome("error", str(exc))
                    break
            outcomes.append(outcome)
        return outcomes


def register(connector) -> None:
    connector.dispatcher.register(CRM_ERROR_JOB, CrmErrorReporter(connector))
    connector.engine.hooks.append(lambda event, job, data: on_engine_event(connector, event, job, data))
    connector.ignored_hooks.append(lambda error: settle_ignored(connector, error))
