"""pytest fixtures for alcsim's fakes, registered through the `pytest11` entry point.

`sf_org` starts an isolated org on a free port for one test and gives its URLs, credentials, CA
bundle and a ready simple-salesforce client; `sf_org_factory` starts more with their own config.
"""

from __future__ import annotations

import pytest

from alcsim.simulators.alcmeon.pytest_fixtures import (  # noqa: F401  (fixtures are registered by import)
    alcmeon_env,
    alcmeon_env_factory,
    alcmeon_webhook_receiver,
)
from alcsim.simulators.common.clock import Clock
from alcsim.simulators.topology.fixtures import topology, topology_clock, topology_factory  # noqa: F401


@pytest.fixture
def sf_clock() -> Clock:
    """A clock the test may move; the org under test reads time from it."""
    return Clock()


@pytest.fixture
def sf_org_factory(sf_clock, tmp_path):
    from alcsim.simulators.salesforce.config import OrgConfig
    from alcsim.simulators.salesforce.running import start_org

    started = []

    def start(config: OrgConfig | dict | None = None, data_dir=None, clock: Clock | None = None):
        if isinstance(config, dict):
            config = OrgConfig.from_dict(config)
        running = start_org(config, data_dir=data_dir, clock=clock or sf_clock)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def sf_org(sf_org_factory):
    """A running org with the package at its current version; `.client()` is a simple-salesforce client."""
    return sf_org_factory()


@pytest.fixture
def sf(sf_org):
    """A ready simple-salesforce client on `sf_org`."""
    return sf_org.client()
