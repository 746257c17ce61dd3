"""The Connector: built from a config by a factory; owns the store, the gateways, the engine and the app."""

# Nothing lives at module level: every Connector has its own queue, sessions and threads, so tests run
# several side by side. Endpoints are added before `start()`, which lets a launcher bind the connector's
# port first and hand its URL to the orgs (package callouts) and environments (webhook URL).

from __future__ import annotations

import importlib
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from alcsim.connector.alcmeon import EnvironmentEndpoint, EnvironmentGateway
from alcsim.connector.app import create_app
from alcsim.connector.engine import Dispatcher, Engine, EngineSettings
from alcsim.connector.retry import Permanent, Retryable
from alcsim.connector.salesforce import OrgEndpoint, OrgGateway
from alcsim.connector.store import Store
from alcsim.connector.sync import RELEVANT_ACTIONS, ConversationSync, SettingsCache

log = logging.getLogger("alcsim.connector")
ACTION_JOB = "alcmeon.action"
CALLOUT_JOB = "package.callout"
# Modules that plug handlers and routes in, if present: each may define `register(connector)`.
EXTENSIONS = (
    "alcsim.connector.rules.to_alcmeon",
    "alcsim.connector.widget.backend",
    "alcsim.connector.widget.engagement",
    "alcsim.connector.widget.pages",
    "alcsim.connector.crm_errors",
)


@dataclass
class ConnectorConfig:
    name: str = "connector"
    db_path: str | Path | None = None  # None: in memory (lost on restart); a file survives kill -9
    callout_secrets: dict[tuple[str, str], str] = field(default_factory=dict)  # (org, env) -> secret
    engine: EngineSettings = field(default_factory=EngineSettings)
    catch_up_seconds: float = 10.0
    settings_ttl: float = 1.0
    extensions: tuple[str, ...] = EXTENSIONS


def conversation_key(env: str, conversation_id) -> str:
    """The ordering key shared by both directions: one conversation of one environment."""
    return f"{env}:{conversation_id}"


def conversation_id_of(scoped_id: str) -> int | str:
    """The conversation part of a scoped id (docs/assumptions.md layout: last part, base 36)."""
    last = scoped_id.rsplit(":", 1)[-1]
    try:
        return int(last, 36)
    except ValueError:
        return scoped_id


class Connector:
    def __init__(self, config: ConnectorConfig):
        self.config = config
        self.store = Store(config.db_path)
        self.dispatcher = Dispatcher()
        self.engine = Engine(self.store, self.dispatcher, config.engine)
        self._environments: dict[str, EnvironmentGateway] = {}
        self._orgs: dict[str, OrgGateway] = {}
        self.settings = SettingsCache(lambda env: self._environments[env].settings(), config.settings_ttl)
        self.dispatcher.register(ACTION_JOB, ConversationSync(self))
        self.app = create_app(self)
        self._stop = threading.Event()
        self._catch_up_now = threading.Event()
        self._catch_up_thread: threading.Thread | None = None
        for name in config.extensions:
            self._load_extension(name)

    def _load_extension(self, name: str) -> None:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            return
        if not hasattr(module, "register"):
            return
        try:
            module.register(self)
        except Exception:
            # A broken extension must not stop the sync it does not own; its jobs stay parked, not lost,
            # and run once a fixed version registers their handler.
            log.exception("extension %s failed to register; its job types stay parked", name)

    # -- parts ------------------------------------------------------------------------------------
    def add_environment(self, endpoint: EnvironmentEndpoint) -> EnvironmentGateway:
        self._environments[endpoint.name] = EnvironmentGateway(endpoint)
        return self._environments[endpoint.name]

    def add_org(self, endpoint: OrgEndpoint) -> OrgGateway:
        self._orgs[endpoint.name] = OrgGateway(endpoint)
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
        task = action.get("task") or {}
        conversation_id = task.get("conversation_id") or (task.get("conversation") or {}).get("id")
        relevant = action.get("type") in RELEVANT_ACTIONS and conversation_id is not None
        payload = {
            "env": env,
            "conversation_id": conversation_id,
            "action": {
                "id": action_id,
                "type": action.get("type"),
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
        job_id = self.store.enqueue(
            ACTION_JOB,
            conversation_key(env, conversation_id),
            f"action:{env}:{action_id}",
            payload,
            state="pending" if relevant else "skipped",
        )
        if job_id and relevant:
            self.engine.wake()
        return job_id

    def receive_callout(self, org: str, env: str, callout_id: int, callout: dict) -> int | None:
        """Store one package callout; the Salesforce -> Alcméon rules handle `package.callout` jobs."""
        payload = {
            "env": env,
            "org": org,
            "callout": callout,
            "conversation_id": conversation_id_of(callout["scoped_id"]),
        }
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
        """Read every action after the last one seen without a gap; store those the webhook missed."""
        gateway = self._environments[env]
        cursor_name, prefix = f"actions:{env}", f"action:{env}:"
        added = 0
        while True:
            cursor = self.store.advance_contiguous(cursor_name, prefix)
            actions = gateway.actions_after(cursor)
            for action in actions:
                if self.receive_action(env, int(action["id"]), action):
                    added += 1
            self.store.advance_contiguous(cursor_name, prefix)
            if len(actions) < 10:  # API-02: at most 10 per call; fewer means we reached the end
                return added

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
            self._catch_up_now.wait(self.config.catch_up_seconds)
            self._catch_up_now.clear()

    # -- sync errors (SYNC-10) --------------------------------------------------------------------
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
        if "alcsim.connector.crm_errors" in self.config.extensions:
            from alcsim.connector.crm_errors import settle_ignored

            settle_ignored(self, ignored)
        return ignored
