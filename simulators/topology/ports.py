"""The ports `alcsim simulate` listens on, which part holds each, and the one line said when one is taken."""

# A topology file pins its parts' ports (each file of scenarios/ owns a block of ten, 94N0 to 94N9:
# connector, then environments and orgs in file order); `port: 0` there means any free port. The
# dashboard listens on DASHBOARD_PORT unless told otherwise. `--free-ports` puts every part, the dashboard
# too, on ports the OS picks (tests and fixtures always do). docs/assumptions.md, "Simulate's ports".

from __future__ import annotations

from dataclasses import dataclass

from alcsim.simulators.topology.model import Topology

DASHBOARD_PORT = 8440


@dataclass(frozen=True)
class Part:
    """One listening part: "environment brand", "org main", "the connector", "the dashboard"."""

    label: str
    port: int  # 0: a free port the OS picks


def assign(topology: Topology, dashboard_port: int = DASHBOARD_PORT, free: bool = False) -> list[Part]:
    """Each part and its port, in the order they start; with `free`, the topology is set to free ports."""
    if free:
        topology.with_free_ports()
        dashboard_port = 0
    parts = [Part("the connector", topology.connector.port)]
    parts += [Part(f"environment {e.name}", e.port) for e in topology.environments]
    parts += [Part(f"org {o.name}", o.port) for o in topology.orgs]
    return [*parts, Part("the dashboard", dashboard_port)]


FREE_HINT = "run on free ports with --free-ports (make simulate PORTS=free)"


def busy_message(parts: list[Part], port: int, topology_file: str, free_hint: str = FREE_HINT) -> str:
    """One line naming the port, the part that wanted it and how to pick another."""
    part = next((p for p in parts if p.port == port), None)
    label = part.label if part else "a part of the topology"
    if part and part.label == "the dashboard":
        how = "pick another with --dashboard-port N (make simulate DASHBOARD_PORT=N)"
    else:
        where = f"`port:` of {label} in {topology_file}" if part else f"the ports in {topology_file}"
        how = f"change {where}"
    choices = f"{how}, or {free_hint}" if free_hint else f"or {how}"
    return f"port {port} is already in use ({label} listens there): stop what holds it, {choices}"
