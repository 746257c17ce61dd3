"""Chaos for the connector tests and bench: seeded faults of every kind on both sides, and end-state checks."""

from __future__ import annotations

import random
import threading
import time

from simple_salesforce.exceptions import SalesforceError

from alcsim.simulators.topology.observe import Observed, check_invariants
from alcsim.simulators.topology.simulate import Simulation

# What the driver itself calls in an environment (customers, agents): left alone, so the count of
# messages written stays exact; every route the connector calls is faulted.
ENV_FAULT_PATHS = r"^(?!/_sim/ext/(customers|tasks|users)/)"
ORG_FAULT_PATHS = r"^/services/data/"


def _common_rules(share: float) -> tuple[list[dict], float]:
    """Six rules per side, each firing with `share / 6`: together about `share` of the matching calls."""
    part = share / 6
    return [
        {"kind": "error", "status": 503, "probability": part},
        {"kind": "drop", "probability": part},
        {"kind": "latency", "latency_ms": 150, "probability": part},
    ], part


def _org_rules(share: float) -> list[dict]:
    common, part = _common_rules(share)
    return [
        *common,
        {
            "kind": "error",
            "status": 400,
            "error_code": "UNABLE_TO_LOCK_ROW",
            "message": "unable to obtain exclusive access to this record",
            "probability": part,
        },
        {
            "kind": "error",
            "status": 403,
            "error_code": "REQUEST_LIMIT_EXCEEDED",
            "message": "TotalRequests Limit exceeded.",
            "headers": {"Retry-After": "1"},
            "probability": part,
        },
        {
            "kind": "error",
            "status": 401,
            "error_code": "INVALID_SESSION_ID",
            "message": "Session expired or invalid",
            "probability": part,
        },
    ]


def _env_rules(share: float) -> list[dict]:
    common, part = _common_rules(share)
    return [
        *common,
        {
            "kind": "error",
            "status": 429,
            "error_code": "Rate limit reached",
            "message": "{'rate_limited_until': '2000-01-01T00:00:00Z'}",
            "probability": part,
        },
        {
            "kind": "error",
            "status": 502,
            "error_code": "server-error",
            "message": "bad gateway",
            "probability": part,
        },
    ]


class FlakyDeliveries:
    """Fails a share of the webhook notifications and package callouts the connector receives: half
    refused before anything is stored, half stored and then answered 503 (a lost acknowledgement)."""

    def __init__(self, wsgi_app, seed: int, share: float):
        self.wsgi_app, self.share, self.on = wsgi_app, share, True
        self.random, self.lock = random.Random(seed), threading.Lock()
        self.failed = 0

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if (
            self.on
            and environ.get("REQUEST_METHOD") == "POST"
            and path.startswith(("/alcmeon/", "/package/"))
        ):
            with self.lock:
                roll = self.random.random()
            if roll < self.share:
                if roll >= self.share / 2:
                    answered = self.wsgi_app(environ, lambda *args, **kwargs: None)
                    if hasattr(answered, "close"):
                        answered.close()
                with self.lock:
                    self.failed += 1
                start_response("503 Service Unavailable", [("Content-Type", "application/json")])
                return [b'{"error": "upstream-unavailable", "details": "a chaos fault"}']
        return self.wsgi_app(environ, start_response)


class ChaosSimulation(Simulation):
    """simulate.py's driver; a Salesforce agent's call refused by a fault is just a failed click."""

    def step(self, env: str) -> None:
        try:
            super().step(env)
        except SalesforceError:
            self.observed.count(env, "errors")


class Chaos:
    def __init__(self, rt, clock, seed: int, share: float):
        self.rt, self.clock, self.seed, self.share = rt, clock, seed, share
        self.flaky: FlakyDeliveries | None = None
        self.clock_moved = 0.0  # clock seconds `settle` moved on (a back-off cap per turn)

    def _org_session(self, org: str):
        running = self.rt.org(org)
        session = running.session()
        session.headers["Authorization"] = f"Bearer {running.access_token()}"
        return session, running.instance_url

    def start(self) -> None:
        for index, org in enumerate(sorted(self.rt.orgs)):
            session, url = self._org_session(org)
            session.post(f"{url}/_sim/faults", json={"seed": self.seed + index}).raise_for_status()
            for rule in _org_rules(self.share):
                session.post(f"{url}/_sim/faults", json={**rule, "path": ORG_FAULT_PATHS}).raise_for_status()
        for index, env in enumerate(sorted(self.rt.envs)):
            handle = self.rt.env(env)
            handle.session.post(f"{handle.url}/_sim/faults", json={"seed": self.seed + 100 + index})
            for rule in _env_rules(self.share):
                handle.session.post(
                    f"{handle.url}/_sim/faults", json={**rule, "path": ENV_FAULT_PATHS}
                ).raise_for_status()
        app = self.rt.connector.app
        self.flaky = FlakyDeliveries(app.wsgi_app, self.seed, self.share)
        app.wsgi_app = self.flaky

    def stop(self) -> None:
        for org in self.rt.orgs:
            session, url = self._org_session(org)
            session.delete(f"{url}/_sim/faults").raise_for_status()
        for env in self.rt.envs:
            handle = self.rt.env(env)
            handle.session.delete(f"{handle.url}/_sim/faults").raise_for_status()
        if self.flaky:
            self.flaky.on = False

    def traffic(
        self, seconds: float | None = None, rate: float = 6, clock_jumps: int = 2, steps: int | None = None
    ) -> ChaosSimulation:
        """Seeded traffic for `seconds`, or `steps` events on simulated time (simulate.py's `run`); the
        clock jumps 61 minutes `clock_jumps` times, so the org sessions (2 h) and the Alcméon tokens (1 h)
        expire under the connector's feet (between two runs of steps: it still has the backlog to sync)."""
        simulation = ChaosSimulation(self.rt, self.seed, Observed(), rate)
        simulation.seed_all()
        self.start()
        if steps is not None:
            for turn in range(clock_jumps + 1):
                share = steps * (turn + 1) // (clock_jumps + 1) - steps * turn // (clock_jumps + 1)
                simulation.run(None, steps=share)
                if turn < clock_jumps:
                    self.clock.advance(minutes=61)
            return simulation
        runner = threading.Thread(target=simulation.run, args=(seconds,), daemon=True)
        runner.start()
        for _ in range(clock_jumps):
            runner.join(seconds / (clock_jumps + 1))
            self.clock.advance(minutes=61)
        runner.join()
        return simulation

    def settle(self, timeout: float = 60.0) -> float:
        """Faults off, then real seconds until the topology settled (the clock moves a back-off cap a turn)."""
        self.stop()
        started = time.monotonic()
        self.clock_moved = 0.0
        while True:
            self.clock.advance(61)
            self.clock_moved += 61
            self.rt.admin("POST", "/catch-up")
            try:
                self.rt.wait_idle(1.0)
                return time.monotonic() - started
            except AssertionError:
                if time.monotonic() - started > timeout:
                    raise


def end_state_problems(rt, simulation: ChaosSimulation) -> dict[str, list[str]]:
    """lost, duplicated and wrong records, Salesforce closes not applied in Alcméon, sync errors."""
    found: dict[str, list[str]] = {"invariants": [], "wrong": [], "closes": [], "errors": []}
    found["invariants"] = check_invariants(rt, simulation.written, simulation.matched_then_replied)
    conversations = {}
    for handle in rt.envs.values():
        for account in handle.session.get(f"{handle.url}/v1/social-accounts/", params={"limit": 100}).json()[
            "data"
        ]:
            for c in handle.ext("GET", "/conversations", params={"account_id": account["id"]}).json():
                conversations[c["scoped_id"]] = c
    for org, running in rt.orgs.items():
        person = rt.topology.org(org).person_accounts
        lookup = "alcmeon__Account__c" if person else "alcmeon__Contact__c"
        session, url = running.session(), running.instance_url
        session.headers["Authorization"] = f"Bearer {running.access_token()}"
        callouts = [c["body"] for c in session.get(f"{url}/_sim/package/callouts").json()["callouts"]]
        moved = {c["scoped_id"] for c in callouts if "OwnerId" in (c.get("changes") or {})}
        for record in rt.conversations(org):
            scoped = record["alcmeon__scoped_id__c"]
            conversation = conversations.get(scoped)
            if conversation is None:
                found["wrong"].append(f"{scoped}: no such conversation in Alcméon")
                continue
            status = "CLOSED" if conversation["status"] == "closed" else "OPEN"
            if record["alcmeon__Status__c"] != status:
                found["wrong"].append(f"{scoped}: status {record['alcmeon__Status__c']}, Alcméon {status}")
            contact = conversation["social_user"]["crm_contact_id"]
            if (record[lookup] or None) != (contact or None):
                found["wrong"].append(f"{scoped}: {lookup} {record[lookup]}, Alcméon {contact}")
            # A record the mapping put in a queue stays there unless a Salesforce agent moved it (one
            # reached through a match, SYNC-03, has no queue and keeps the integration user).
            queue = record["alcmeon__To_SF_Queue_Id__c"]
            if queue and scoped not in moved and record["OwnerId"] != queue:
                found["wrong"].append(f"{scoped}: owner {record['OwnerId']} is not the mapped queue {queue}")
        for callout in callouts:
            closed = (callout.get("changes") or {}).get("alcmeon__Status__c")
            closed = closed.get("new") if isinstance(closed, dict) else closed
            target = conversations.get(callout["scoped_id"])
            if closed == "CLOSED" and (target is None or target["status"] != "closed"):
                found["closes"].append(f"{callout['scoped_id']}: closed in {org}, open in Alcméon")
    found["errors"] = [f"{e['job_type']}: {e['detail']}" for e in rt.admin("GET", "/sync-errors").json()]
    return {k: v for k, v in found.items() if v}
