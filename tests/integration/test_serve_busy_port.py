"""`alcsim serve salesforce|alcmeon` on a port another program holds: one line (which port, which part, how to
pick another), exit 2, no traceback; as `alcsim simulate` says it (tests/integration/simulate/test_sim_ports.py)."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from alcsim.simulators.cli import main


@pytest.fixture
def held_port():
    """A port some other program listens on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


@pytest.mark.parametrize(("fake", "part"), [("salesforce", "the org"), ("alcmeon", "the environment")])
def test_serve_on_a_taken_port_says_so_in_one_line_and_exits_2(held_port, fake, part):
    answer = CliRunner().invoke(main, ["serve", fake, "--port", str(held_port)])
    assert answer.exit_code == 2, answer.output
    assert answer.exception.__class__ is SystemExit  # not the OSError's traceback
    (line,) = answer.output.strip().splitlines()
    assert line == (
        f"alcsim serve {fake}: port {held_port} is already in use ({part} listens there): stop what holds it,"
        " or pick another with --port N (0 picks a free one)"
    )
    assert "Traceback" not in answer.output
