"""pytest fixtures for alcsim's orgs, environments and topologies (the `pytest11` entry point loads it)."""

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
    """Start more orgs: `start(config=None, data_dir=None, clock=None)` returns a running org.

    `config` is a dict (the keys of an org config file) or an OrgConfig; the orgs read `sf_clock` unless
    given a clock, and every one is stopped after the test."""
    from alcsim.simulators.salesforce.config import OrgConfig
    from alcsim.simulators.salesforce.running import start_org

    started = []

    def start(config: OrgConfig | dict | None = None, data_dir=None, clock: Clock | None = None):
        __tracebackhide__ = True  # a config mistake shows as the test's line and the problems
        if config is not None and not isinstance(config, OrgConfig):
            config = OrgConfig.from_dict(config, source="sf_org_factory(config)")
        running = start_org(config, data_dir=data_dir, clock=clock or sf_clock)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def sf_org(sf_org_factory):
    """A fresh org with the package at its current version: `.instance_url`, `.client()`, `.session()`.

    `.client()` is a simple-salesforce client logged in as the integration user; `.session()` a requests
    session that trusts the org's CA; `.token_url`, `.ca_bundle` and `.describe()` what other clients need."""
    return sf_org_factory()


@pytest.fixture
def sf(sf_org):
    """A ready simple-salesforce client on `sf_org`."""
    return sf_org.client()
