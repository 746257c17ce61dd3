"""The Connector: built from a config by a factory; owns the store, the gateways, the engine and the app."""

# Nothing lives at module level: every Connector has its own queue, sessions and threads, so tests run
# several side by side. Endpoints are added before `start()`, which lets a launcher bind the connector's
# port first and hand its URL to the orgs (package callouts) and environments (webhook URL). Features
# plug their job handlers and routes in at construction, each by its `register(connector)` (as Flask's
# `register_blueprint`), so a broken feature fails the construction instead of going missing.

from __future__ import annotations

import contextlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from alcsim.connector import callouts, crm_errors, matching_api, queue_routes
from alcsim.connector.alcmeon import EnvironmentEndpoint, EnvironmentGateway
from alcsim.connector.app import create_app
from alcsim.connector.clock import Clock, SystemClock
from alcsim.connector.engine import Dispatcher, Engine, EngineSettings
from alcsim.connector.jobs import ACTION_JOB, CALLOUT_JOB, conversation_key
from alcsim.connector.retry import CallFailed, Permanent, Retryable
from alcsim.connector.salesforce import OrgEndpoint, OrgGateway
from alcsim.connector.scoped_ids import conversation_id_of
from alcsim.connector.store import Store
from alcsim.connector.sync import RELEVANT_ACTIONS, ConversationSync, SettingsCache
from alcsim.connector.widget import pages as widget_pages
from alcsim.connector.widget import routes as widget_routes

log = logging.getLogger("alcsim.connector")
ACTIONS_PAGE = 10  # AR 3.3: GET /actions answers at most 10 actions a call


class Feature(Protocol):
    def register(self, connector: Connector) -> None: ...


# In order: the widget's pages use the widget that its routes create; the engagement wraps the
# `alcmeon.action` handler the Connector registers first.
FEATURES: tuple[Feature, ...] = (
    queue_routes,
    callouts,
    matching_api,
    widget_routes,
    widget_pages,
    crm_errors,
)


@dataclass
class ConnectorConfig:
    name: str = "connector"
    db_path: str | Path | None = None  # None: in memory (lost on restart); a file survives kill -9
    callout_secrets: dict[tuple[str, str], str] = field(default_factory=dict)  # (org, env) -> secret
    engine: EngineSettings = field(default_factory=EngineSettings)
    catch_up_seconds: float = 10.0
    settings_ttl: float = 1.0
    clock: Clock = field(default_factory=SystemClock)  # the harness passes the topology's shared clock
    # The bearer token of the /admin routes (connector/app.py); unset, a random one nobody else knows.
    admin_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))


class Connector:
    def __init__(self, config: ConnectorConfig, features: Iterable[Feature] = FEATURES):
        self.config = config
        self.clock = config.clock
        self.store = Store(config.db_path, self.clock)
        self.dispatcher = Dispatcher()
        self.engine = Engine(self.store, self.dispatcher, config.engine)
        self.engine.org_of = self.org_of_job
        self._environments: dict[str, EnvironmentGateway] = {}
        self._orgs: dict[str, OrgGateway] = {}
        self.settings = SettingsCache(lambda env: self._environments[env].settings(), config.settings_ttl)
        self.dispatcher.register(ACTION_JOB, ConversationSync(self))
        self.app = create_app(self)
        # Told of each sync error an admin ignores (crm_errors settles it on the message in Alcméon).
        self.ignored_hooks: list[Callable[[dict], None]] = []
        self._stop = threading.Event()
        self._catch_up_now = threading.Event()
        self._catch_up_thread: threading.Thread | None = None
        for feature in features:
            feature.register(self)

    # -- parts ------------------------------------------------------------------------------------
    def add_environment(self, endpoint: EnvironmentEndpoint) -> EnvironmentGateway:
        self._environments[endpoint.name] = EnvironmentGateway(endpoint, self.clock)
        return self._environments[endpoint.name]

    def add_org(self, endpoint: OrgEndpoint) -> OrgGateway:
        self._orgs[endpoint.name] = OrgGateway(endpoint, self.clock)
        return self._orgs[endpoint.name]

    def environment(self, name: str) -> EnvironmentGateway:
        return self._environments[name]

    def environment_endpoint(self, name: str) -> EnvironmentEndpoint | None:
        gateway = self._environments.get(name)
        return gateway.endpoint if gateway else None

    def environments(self) -> dict[str, EnvironmentGateway]:
        return dict(self._environments)

    def org(self, name: str) -> OrgGateway:
        return self._orgs[name]

    def orgs(self) -> dict[str, OrgGateway]:
        return dict(self._orgs)

    def org_by_id(self, org_id: str) -> OrgGateway | None:
        for gateway in self._orgs.values():
            if gateway.organization_id and org_id[:15] == gateway.organization_id[:15]:
                return gateway
        return None

    def org_ids(self) -> dict[str, str]:
        return {name: g.organization_id for name, g in self._orgs.items()}

    def resolve_org(self, name_or_id: str | None) -> str | None:
        if name_or_id is None:
            return None
        if name_or_id in self._orgs:
            return self._orgs[name_or_id].organization_id
        return name_or_id if self.org_by_id(name_or_id) else None

    def callout_secret(self, org: str, env: str) -> str | None:
        return self.config.callout_secrets.get((org, env))

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self, login_timeout: float = 30.0) -> Connector:
        # Real elapsed time, not the shared clock: how long to keep trying the orgs' logins at start.
        deadline = time.monotonic() + login_timeout
        for gateway in self._orgs.values():
            while True:
                try:
                    gateway.login()
                    break
                except Retryable:
                    if time.monotonic() > deadline:
                        raise
                    self._stop.wait(0.2)
        self.engine.start()
        self._catch_up_thread = threading.Thread(
            target=self._catch_up_loop, name="connector-catch-up", daemon=True
        )
        self._catch_up_thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._catch_up_now.set()
        self.engine.stop()
        if self._catch_up_thread:
            self._catch_up_thread.join(timeout=10)
        self.store.close()

    # -- ways in ----------------------------------------------------------------------------------
    def receive_action(self, env: str, action_id: int, action: dict) -> int | None:
        """Store one Action as a job (deduplicated by its id: redeliveries and catch-up add nothing)."""
        return self.receive_actions(env, [(action_id, action)])[0]

    def receive_actions(self, env: str, actions: list[tuple[int, dict]]) -> list[int | None]:
        """Store Actions as jobs in one transaction, in order; the id of each job added, else None."""
        rows = []
        for action_id, action in actions:
            task = action.get("task") or {}
            conversation_id = task.get("conversation_id") or (task.get("conversation") or {}).get("id")
            relevant = action.get("type") in RELEVANT_ACTIONS and conversation_id is not None
            payload = {
                "env": env,
                "conversation_id": conversation_id,
                "action": {
                    "id": action_id,
                    "type": action.get("type"),
                    # The account's org link names the org of an error raised before the conversation is read.
                    "account_id": (action.get("account") or {}).get("id"),
                    "user": action.get("user") or {},
                    "data": action.get("data") if action.get("type") == "tag" else None,
                    "task": {
                        "id": task.get("id"),
                        "url": task.get("url"),
                        "tags": task.get("tags") or [],
                        "message": {"id": (task.get("message") or {}).get("id")},
                    },
                },
            }
            key = conversation_key(env, conversation_id)
            state = "pending" if relevant else "skipped"
            rows.append((ACTION_JOB, key, f"action:{env}:{action_id}", payload, state))
        job_ids = self.store.enqueue_many(rows)
        if any(job_id and row[4] == "pending" for job_id, row in zip(job_ids, rows, strict=True)):
            self.engine.wake()
        return job_ids

    def receive_callout(self, org: str, env: str, callout_id: int, callout: dict) -> int | None:
        """Store one package callout; the Salesforce -> Alcméon rules handle `package.callout` jobs."""
        try:
            conversation_id = conversation_id_of(callout["scoped_id"])
        except ValueError:
            conversation_id = callout["scoped_id"]  # not Alcméon's layout: still one ordering key per record
        payload = {"env": env, "org": org, "callout": callout, "conversation_id": conversation_id}
        job_id = self.store.enqueue(
            CALLOUT_JOB,
            conversation_key(env, payload["conversation_id"]),
            f"callout:{org}:{env}:{callout_id}",
            payload,
        )
        if job_id:
            self.engine.wake()
        return job_id

    # -- catch-up through GET /actions (AR 3.3) ---------------------------------------------------
    def catch_up(self, env: str) -> int:
        """Read every action after the last one seen without a gap; store those the webhook missed.

        AR 3.3: at most 10 actions a call, so a backlog takes one call per 10 actions; each page is
        stored in one transaction, and while pages come full, claims wait for full batches (engine.py)."""
        gateway = self._environments[env]
        cursor_name, prefix = f"actions:{env}", f"action:{env}:"
        added, held = 0, False
        cursor = self.store.advance_contiguous(cursor_name, prefix)
        with contextlib.ExitStack() as filling:
            while True:
                actions = gateway.actions_after(cursor)
                ids = self.receive_actions(env, [(int(a["id"]), a) for a in actions]) if actions else []
                added += sum(1 for job_id in ids if job_id)
                cursor = self.store.advance_contiguous(cursor_name, prefix)
                if len(actions) < ACTIONS_PAGE:  # fewer than a page means we reached the end
                    return added
                if added and not held:
                    held = True
                    filling.enter_context(self.engine.filling())  # a backlog: more pages follow

    def catch_up_all(self) -> int:
        total = 0
        for env in list(self._environments):
            try:
                total += self.catch_up(env)
            except (Retryable, Permanent) as exc:
                log.warning("catch-up of %s failed: %s", env, exc)
        return total

    def _catch_up_loop(self) -> None:
        while not self._stop.is_set():
            self.catch_up_all()
            # A real pause between two catch-ups (a poll period), not a moment on the shared clock.
            self._catch_up_now.wait(self.config.catch_up_seconds)
            self._catch_up_now.clear()

    # -- sync errors (SYNC-10) --------------------------------------------------------------------
    def org_of_job(self, job) -> str | None:
        """The org a failed job belongs to when its handler could not say (it failed before knowing):
        a callout or a propagation names it; an action's account is linked to one (AR 1.8); an
        environment linked to one org only gives that one. None leaves the error under every org of
        its environment (`sync_errors_of`)."""
        payload = job.payload
        if payload.get("org_id"):
            return payload["org_id"]
        named = self._orgs.get(payload.get("org") or "")
        if named is not None and named.organization_id:
            return named.organization_id
        env = payload.get("env")
        account = (payload.get("action") or {}).get("account_id")
        if env in self._environments and account is not None:
            try:
                links = self.settings.get(env).get("links") or []
            except CallFailed:
                links = []  # the environment is what failed: fall back on the topology below
            for link in links:
                if link.get("social_account_id") == account and link.get("org_id"):
                    return link["org_id"]
        orgs = [self._orgs[o].organization_id for o in self.orgs_of_environment(env)]
        return orgs[0] if len(orgs) == 1 and orgs[0] else None

    def orgs_of_environment(self, env: str | None) -> list[str]:
        """Names of the orgs that exchange callouts with `env` (the topology's links)."""
        return sorted({org for org, e in self.config.callout_secrets if e == env and org in self._orgs})

    def sync_errors_of(self, org_id: str | None, state: str | None = "pending") -> list[dict]:
        """An org's sync errors, with those stored without an org by one of its environments."""
        name = next((n for n, i in self.org_ids().items() if i and org_id and i[:15] == org_id[:15]), None)
        envs = tuple(sorted({e for o, e in self.config.callout_secrets if o == name}))
        return self.store.sync_errors(org_id, state, envs)

    def retry_error(self, error_id: int) -> dict | None:
        rows = self.store.all("SELECT * FROM sync_errors WHERE id = ? AND state = 'pending'", error_id)
        if not rows:
            return None
        self.store.requeue(rows[0]["job_id"])
        self.engine.wake()
        return self.store.set_error_state(error_id, "retried")

    def ignore_error(self, error_id: int) -> dict | None:
        rows = self.store.all("SELECT * FROM sync_errors WHERE id = ? AND state = 'pending'", error_id)
        if not rows:
            return None
        self.store.finish([rows[0]["job_id"]], "ignored")
        ignored = self.store.set_error_state(error_id, "ignored")
        for hook in self.ignored_hooks:
            hook(ignored)
        return ignored
