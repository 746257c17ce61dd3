"""One fake Alcméon environment: built by `create_environment(config)`, served over HTTPS by `start()`."""

from __future__ import annotations

import string
from pathlib import Path

from flask import Flask, Response, jsonify, request

from alcsim.simulators.alcmeon.actions import ActionLog
from alcsim.simulators.alcmeon.auth import Credentials, RateLimiter
from alcsim.simulators.alcmeon.config import EnvironmentConfig
from alcsim.simulators.alcmeon.custom_fields import CustomFieldValues
from alcsim.simulators.alcmeon.directory import Directory
from alcsim.simulators.alcmeon.engagement import Engagement
from alcsim.simulators.alcmeon.errors import AlcmeonError
from alcsim.simulators.alcmeon.inbox import Inbox
from alcsim.simulators.alcmeon.notifications import Notifier
from alcsim.simulators.alcmeon.rcs import RcsMessaging
from alcsim.simulators.alcmeon.seeding import apply_seed, seed_defaults
from alcsim.simulators.alcmeon.settings import OrgSettings
from alcsim.simulators.alcmeon.store import Store
from alcsim.simulators.common.clock import Clock
from alcsim.simulators.common.faults import FaultRules
from alcsim.simulators.common.ids import IdSource
from alcsim.simulators.common.journal import Journal
from alcsim.simulators.common.runner import ServerThread
from alcsim.simulators.common.tls import LocalCA, local_ca


class AlcmeonEnvironment:
    """Provides what `simulators.common.admin` expects: clock, journal, faults, reset, snapshots, seed."""

    def __init__(
        self, config: EnvironmentConfig | None = None, clock: Clock | None = None, ca: LocalCA | None = None
    ):
        self.config = config or EnvironmentConfig()
        self.clock = clock or Clock()
        self.ca = ca
        # Ids and secrets repeat for a seed, and differ between instances that share one.
        seed = None if self.config.seed is None else f"{self.config.seed}:{self.config.instance_id}"
        self.ids = IdSource(seed)
        self.journal = Journal()
        self.faults = FaultRules(self.config.seed)
        path = None
        if self.config.data_dir:
            path = Path(self.config.data_dir) / f"alcmeon-{self.config.instance_id}.sqlite3"
        self.store = Store(path)
        now = self.clock.timestamp
        self.actions = ActionLog(self.store, now, self.task_url)
        self.directory = Directory(self.store, now)
        self.custom_values = CustomFieldValues(self.store)
        self.notifier = Notifier(self.store, self.actions, self.config, now, self.journal)
        self.inbox = Inbox(self.store, self.directory, self.actions, self.config, now, self.notifier.later)
        self.credentials = Credentials(self.store, self.config, now, lambda: self.ids.token(40))
        self.rate_limits = RateLimiter(self.config, now)
        self.settings = OrgSettings(self.store, self.directory)
        self.engagement = Engagement(self)
        self.rcs = RcsMessaging(self)
        self.server: ServerThread | None = None
        self.base_url = self.config.base_url
        if self.store.is_empty():
            seed_defaults(self)
        from alcsim.simulators.alcmeon.app import (
            create_app,
        )  # the app needs the environment, the environment does not need the app

        self.app: Flask = create_app(self)

    # Identity.
    @property
    def instance_id(self) -> str:
        return self.config.instance_id

    def application(self, index: int = 0) -> dict:
        return self.store.all("SELECT * FROM applications ORDER BY id")[index]

    @property
    def secret(self) -> str:
        return self.application()["secret"]

    def new_secret(self) -> str:
        # APP: the secret is hexadecimal.
        return self.ids.token(32, alphabet=string.hexdigits[:16])

    def task_url(self, task_id: int) -> str:
        return f"{self.base_url}/c/v3/#/{self.instance_id}/task/{task_id}"

    # Serving.
    def start(self, host: str = "127.0.0.1", port: int = 0) -> AlcmeonEnvironment:
        self.ca = self.ca or local_ca()
        self.server = ServerThread(self.app, host=host, port=port, ca=self.ca).start()
        self.base_url = self.server.url
        if not self.config.webhook_ca_bundle:
            # Receivers in a simulation are local: trust the same local CA that signs the fakes' certificates.
            self.notifier.session.verify = self.ca.ca_bundle
        self.notifier.start()
        return self

    @property
    def url(self) -> str:
        return self.base_url

    def stop(self) -> None:
        self.notifier.stop()
        if self.server is not None:
            self.server.stop()
            self.server = None

    def __enter__(self) -> AlcmeonEnvironment:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # Admin API hooks (simulators/common/admin.py).
    def reset(self) -> None:
        secrets = [app["secret"] for app in self.store.all("SELECT secret FROM applications ORDER BY id")]
        self.store.wipe()
        self.rate_limits.clear()
        self.journal.clear()
        self.faults.clear()
        seed_defaults(self, secrets)

    def snapshot(self, name: str) -> None:
        self.store.snapshot(name)

    def restore(self, name: str) -> bool:
        return self.store.restore(name)

    def seed(self, payload: dict) -> Response:
        try:
            created = apply_seed(self, payload)
        except AlcmeonError as exc:
            return self.vendor_error(exc.status, exc.error, exc.details)
        return jsonify(created), 201

    def vendor_error(self, status: int, code: str, message: str) -> Response:
        response = jsonify({"error": code, "details": message})
        response.status_code = status
        return response

    def admin_denied(self) -> Response | None:
        """The admin API and the extensions take the environment's own credentials (Basic or Bearer)."""
        try:
            self.credentials.authenticate(request.headers.get("Authorization"))
        except AlcmeonError as exc:
            return self.vendor_error(exc.status, exc.error, exc.details)
        return None

    # Conveniences for tests and the traffic generator.
    def run_due(self) -> dict:
        return self.notifier.run_due()

    def describe(self) -> dict:
        return {
            "base_url": self.base_url,
            "instance_id": self.instance_id,
            "client_id": self.instance_id,
            "application_secret": self.secret,
            "token_url": f"{self.base_url}/v1/oauth2/token",
            "ca_bundle": self.ca.ca_bundle if self.ca else None,
            "openapi": f"{self.base_url}/openapi.json",
        }


def create_environment(
    config: EnvironmentConfig | dict | None = None, clock: Clock | None = None, ca: LocalCA | None = None
) -> AlcmeonEnvironment:
    if isinstance(config, dict):
        config = EnvironmentConfig.from_dict(config)
    return AlcmeonEnvironment(config, clock, ca)


__all__ = ["AlcmeonEnvironment", "create_environment"]
