"""pytest fixtures: `topology_factory` starts a whole topology (fakes and connector, one Clock); `topology` one-to-one."""

from __future__ import annotations

import pytest

from alcsim.simulators.common.clock import Clock


@pytest.fixture
def topology_clock() -> Clock:
    """The one clock the fakes of a topology share (silence windows, token expiry)."""
    return Clock()


@pytest.fixture
def topology_factory(topology_clock, tmp_path):
    """Start whole topologies: `start(name, durable=False, with_connector=True)` returns a RunningTopology.

    `name` is a topology of scenarios/ ("many-to-one") or the path of a topology file; its fakes and
    connector listen on free ports and read `topology_clock`. `durable=True` keeps the connector's queue
    (and the fakes) in files under tmp_path, so a test can stop the connector, or kill it, and start it
    again."""
    from alcsim.simulators.topology.files import load, scenario_path
    from alcsim.simulators.topology.launch import start_topology

    started = []

    def start(name: str = "one-to-one", durable: bool = False, with_connector: bool = True):
        topology = load(scenario_path(name)).with_free_ports()
        data_dir = tmp_path / f"topology-{len(started)}" if durable else None
        if data_dir:
            data_dir.mkdir()
        running = start_topology(topology, topology_clock, data_dir, with_connector=with_connector)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def topology(topology_factory):
    """The one-to-one topology running: its orgs, its environment and the connector on one clock.

    `.org(name).client()`, `.env(name).customer_writes(...)`, `.connector`, `.admin(method, path)` for
    the connector's admin routes, `.wait_for_record(...)`."""
    return topology_factory("one-to-one")
