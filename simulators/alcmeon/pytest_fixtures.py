"""pytest fixtures: `alcmeon_env` (an isolated environment over HTTPS), a factory, and a webhook receiver."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from alcsim.simulators.common.clock import Clock

if TYPE_CHECKING:
    from alcsim.simulators.alcmeon.running import AlcmeonHandle

# The fake is imported inside the fixtures: the plugin loads in every pytest process of a user's project
# (each xdist worker and its controller too), most of which never start an environment.


@pytest.fixture
def alcmeon_env_factory():
    """Start more Alcméon environments: `make(config=None, clock=None)` returns an AlcmeonHandle.

    `config` is a dict or an EnvironmentConfig; each environment gets its own instance id unless the
    config names one, and every one is stopped after the test."""
    from alcsim.simulators.alcmeon.running import start_environment

    started: list[AlcmeonHandle] = []

    def make(config=None, clock: Clock | None = None) -> AlcmeonHandle:
        # Environments of one test get distinct instance ids, so their scoped ids never collide in an org.
        if config is None or (isinstance(config, dict) and "instance_id" not in config):
            config = {**(config or {}), "instance_id": str(4242 + len(started))}
        __tracebackhide__ = True
        handle = start_environment(config, clock, source="alcmeon_env_factory(config)")
        started.append(handle)
        return handle

    yield make
    for handle in started:
        handle.session.close()
        # The runner's shutdown waits out its poll interval; stopping in the background keeps tests fast.
        threading.Thread(target=handle.env.stop, daemon=True).start()


@pytest.fixture
def alcmeon_env(alcmeon_env_factory) -> AlcmeonHandle:
    """A fresh Alcméon environment on a free port: `.url`, `.credentials`, `.session`, `.customer_writes()`.

    `.session` is a requests session that trusts the local CA and sends the application's Basic auth;
    `.ext(method, path)` calls the simulator extensions, `.clock` is the environment's clock."""
    return alcmeon_env_factory()


@pytest.fixture
def alcmeon_webhook_receiver():
    """A local notify endpoint that keeps what it receives: give `.url` as a webhook, `.wait_for(count)`.

    Each of `.received` holds the raw `body`, the `headers` (with the signature) and the parsed `json`;
    set `.status` to answer with an error."""
    from alcsim.simulators.alcmeon.running import WebhookReceiver

    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()
