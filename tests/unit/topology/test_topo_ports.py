"""Which port each part of `alcsim simulate` takes, and the one line said when a port is taken."""

from __future__ import annotations

import socket

import pytest

from alcsim.simulators.common.runner import PortInUse, ServerThread
from alcsim.simulators.topology import ports
from alcsim.simulators.topology.files import load, scenario_path


def test_the_parts_take_the_files_ports_in_start_order_and_the_dashboard_its_default():
    topology = load(scenario_path("many-to-one"))
    parts = ports.assign(topology)
    assert [(p.label, p.port) for p in parts] == [
        ("the connector", 9420),
        ("environment brand-fr", 9421),
        ("environment brand-kr", 9422),
        ("org shared", 9423),
        ("the dashboard", ports.DASHBOARD_PORT),
    ]
    assert ports.assign(load(scenario_path("one-to-one")), dashboard_port=9999)[-1].port == 9999


def test_free_ports_put_every_part_and_the_dashboard_on_ports_the_os_picks():
    topology = load(scenario_path("one-to-many"))
    parts = ports.assign(topology, free=True)
    assert {p.port for p in parts} == {0}
    assert topology.connector.port == 0 and {o.port for o in topology.orgs} == {0}


def test_every_scenario_pins_distinct_ports_apart_from_the_dashboards():
    seen: dict[int, str] = {}
    for path in sorted(scenario_path("one-to-one").parent.glob("*.yaml")):
        for part in ports.assign(load(path))[:-1]:
            assert part.port, f"{path.name}: {part.label} has no fixed port"
            assert part.port not in seen, f"{path.name}: {part.label} and {seen.get(part.port)}"
            assert part.port != ports.DASHBOARD_PORT
            seen[part.port] = f"{path.name} {part.label}"


def test_a_busy_port_is_named_with_its_part_and_how_to_pick_another():
    parts = ports.assign(load(scenario_path("one-to-one")))
    line = ports.busy_message(parts, 9401, "scenarios/one-to-one.yaml")
    assert line.startswith("port 9401 is already in use (environment brand listens there)")
    assert "`port:` of environment brand in scenarios/one-to-one.yaml" in line
    assert "--free-ports (make simulate PORTS=free)" in line and "\n" not in line
    dashboard = ports.busy_message(parts, ports.DASHBOARD_PORT, "scenarios/one-to-one.yaml")
    assert "(the dashboard listens there)" in dashboard
    assert "--dashboard-port N (make simulate DASHBOARD_PORT=N)" in dashboard


def test_a_server_on_a_taken_port_raises_port_in_use_naming_it():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(PortInUse) as raised:
            ServerThread(lambda e, s: [], port=port, tls=False)
        assert raised.value.port == port and "already in use" in str(raised.value)


def test_a_server_binds_the_same_port_again_after_serving_on_an_os_chosen_one():
    """The connector's restart: first on port 0, then the port it published, with TIME_WAIT leftovers."""
    import requests

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    first = ServerThread(app, port=0, tls=False).start()
    port = first.port
    session = requests.Session()
    session.trust_env = False
    assert session.get(f"http://127.0.0.1:{port}/").text == "ok"
    first.stop()  # the server closes the kept-alive connection first: its side lingers in TIME_WAIT
    again = ServerThread(app, port=port, tls=False).start()
    try:
        assert requests.get(f"http://127.0.0.1:{port}/", proxies={"http": None}).text == "ok"
    finally:
        again.stop()


def test_the_readmes_port_table_matches_the_files():
    readme = (scenario_path("one-to-one").parents[1] / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith("| ") and " 94" in line]
    for path in scenario_path("one-to-one").parent.glob("*.yaml"):
        topology = load(path)
        (row,) = [r for r in rows if r.startswith(f"| {topology.name} |")]
        for part in ports.assign(topology)[:-1]:
            assert str(part.port) in row, f"{topology.name}: {part.label} on {part.port} not in {row}"
