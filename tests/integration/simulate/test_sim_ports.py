"""`alcsim simulate`'s ports: a busy one said in one line (which port, which part, how to pick another), exit 2;
the connector's port held from its publication on, so no other process can take it before it serves."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from alcsim.simulators.topology.files import scenario_path
from alcsim.simulators.topology.simulate import simulate

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def held_port():
    """A port some other program listens on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def _one_to_one_on(tmp_path: Path, **ports: int) -> Path:
    """one-to-one with every port free (0) but those given (connector, env, org)."""
    data = yaml.safe_load(scenario_path("one-to-one").read_text())
    data["connector"]["port"] = ports.get("connector", 0)
    data["environments"][0]["port"] = ports.get("env", 0)
    data["orgs"][0]["port"] = ports.get("org", 0)
    path = tmp_path / "one-to-one.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _run(args: list[str]):
    return CliRunner().invoke(simulate, [*args, "--duration", "1", "--headless", "--rate", "0"])


def test_a_busy_environment_port_names_the_environment_and_exits_2(tmp_path, held_port):
    topology = _one_to_one_on(tmp_path, env=held_port)
    answer = _run(["--topology", str(topology), "--dashboard-port", "0"])
    assert answer.exit_code == 2, answer.output
    (line,) = answer.output.strip().splitlines()
    assert line.startswith(
        f"alcsim simulate: port {held_port} is already in use (environment brand listens there)"
    )
    assert f"`port:` of environment brand in {topology}" in line and "PORTS=free" in line
    assert "Traceback" not in answer.output and answer.exception.__class__ is SystemExit


def test_a_busy_connector_port_is_found_before_anything_starts(tmp_path, held_port):
    answer = _run(["--topology", str(_one_to_one_on(tmp_path, connector=held_port)), "--dashboard-port", "0"])
    assert answer.exit_code == 2
    assert f"port {held_port} is already in use (the connector listens there)" in answer.output


def test_a_busy_dashboard_port_says_how_to_pick_another(tmp_path, held_port):
    answer = _run(["--topology", str(_one_to_one_on(tmp_path)), "--dashboard-port", str(held_port)])
    assert answer.exit_code == 2, answer.output
    assert f"port {held_port} is already in use (the dashboard listens there)" in answer.output
    assert "--dashboard-port N (make simulate DASHBOARD_PORT=N)" in answer.output


def test_the_makefile_passes_the_quiet_rate_the_dashboard_port_and_free_ports():
    dry = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "simulate", "RATE=0", "PORTS=free", "DASHBOARD_PORT=8555"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--rate 0" in dry and "--dashboard-port 8555" in dry and "--free-ports" in dry
    default = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "simulate"], capture_output=True, text=True
    ).stdout
    assert "--dashboard-port 8440" in default and "--free-ports" not in default


def test_the_connectors_port_is_held_from_its_publication_until_it_serves(topology_factory):
    """The old probe (free_port) released the port before the connector bound it; now nobody can bind it."""
    rt = topology_factory("one-to-one", durable=True)
    port = int(rt.connector_url.rsplit(":", 1)[1])
    with socket.socket() as intruder, pytest.raises(OSError):
        intruder.bind(("127.0.0.1", port))
    rt.stop_connector()
    rt.start_connector()  # the restart binds the published port again (SO_REUSEADDR)
    assert rt.admin("GET", "/health").status_code == 200


def test_serve_connector_on_a_taken_port_says_so_in_one_line(tmp_path, held_port):
    from alcsim.simulators.topology.cli import connector

    answer = CliRunner().invoke(connector, ["--topology", str(_one_to_one_on(tmp_path, connector=held_port))])
    assert answer.exit_code == 2
    assert answer.output.strip() == (
        f"alcsim serve connector: port {held_port} is already in use (the connector listens there): stop what"
        f" holds it, or change `port:` of the connector in {tmp_path / 'one-to-one.yaml'}"
    )
