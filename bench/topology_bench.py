"""Topology start: many-to-many from `start_topology` to every server accepting TLS, beside bare HTTPS servers."""

# Ready: `start_topology` returned (orgs installed, environments seeded, the connector logged in, the
# settings written, its workers running) and each of its servers has accepted a TLS connection. The floor
# starts as many bare cheroot HTTPS servers, with the same shared TLS adapter and thread pool, serving a
# trivial WSGI app, until each has accepted one. One start is made first and not counted: it pays the
# imports and the metadata parsed once per process. Free ports, so a bench never fights a running topology.

from __future__ import annotations

import socket
import ssl
import statistics
import threading
import time

from cheroot import wsgi

from alcsim.simulators.common.runner import SERVER_THREADS, ssl_adapter
from alcsim.simulators.common.tls import local_ca
from alcsim.simulators.topology.files import load, scenario_path
from alcsim.simulators.topology.launch import start_topology

TOPOLOGY = "many-to-many"
RUNS = 5
GOAL_SECONDS = 0.3


def _handshake(context: ssl.SSLContext, port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1"):
            pass  # the handshake is done in wrap_socket: the server accepted


def _ports(rt) -> list[int]:
    return [int(url.rsplit(":", 1)[1]) for url in (*rt.urls().values(), rt.connector_url)]


def _topology_start(topology, context: ssl.SSLContext) -> tuple[float, float, int]:
    """Seconds of wall time and of this process's CPU from start to ready, and the number of servers."""
    wall, cpu = time.perf_counter(), time.process_time()
    rt = start_topology(topology)
    try:
        ports = _ports(rt)
        for port in ports:
            _handshake(context, port)
        return time.perf_counter() - wall, time.process_time() - cpu, len(ports)
    finally:
        rt.stop()


def _trivial(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def _bare_servers(count: int, context: ssl.SSLContext) -> float:
    """Seconds until `count` bare cheroot HTTPS servers each accepted a TLS connection."""
    adapter = ssl_adapter(local_ca())
    started = time.perf_counter()
    servers, threads = [], []
    try:
        for _ in range(count):
            server = wsgi.Server(("127.0.0.1", 0), _trivial, numthreads=SERVER_THREADS)
            server.ssl_adapter = adapter
            server.expiration_interval = 0.05  # as ServerThread: its stop() is noticed sooner
            server.prepare()
            servers.append(server)
            thread = threading.Thread(target=server.serve, daemon=True)
            thread.start()
            threads.append(thread)
        for server in servers:
            _handshake(context, server.bind_addr[1])
        return time.perf_counter() - started
    finally:
        for server in servers:
            server.stop()
        for thread in threads:
            thread.join(timeout=5)


def run(section: dict) -> None:
    topology = load(scenario_path(TOPOLOGY)).with_free_ports()
    context = ssl.create_default_context(cafile=local_ca().ca_bundle)
    _, _, servers = _topology_start(topology, context)  # warm: imports, parsed metadata, the TLS adapter
    starts = [_topology_start(topology, context) for _ in range(RUNS)]
    walls = sorted(s[0] for s in starts)
    _bare_servers(servers, context)
    floors = sorted(_bare_servers(servers, context) for _ in range(RUNS))
    median, floor = statistics.median(walls), statistics.median(floors)
    section.update(
        {
            "topology": TOPOLOGY,
            "servers": servers,
            "runs": RUNS,
            "start_to_ready_median_s": round(median, 3),
            "start_to_ready_runs_s": [round(s, 3) for s in walls],
            # This process's CPU seconds per start: on a shared machine the wall figure moves with the
            # others' load, this one much less.
            "start_cpu_median_s": round(statistics.median(s[1] for s in starts), 3),
            "floor_bare_https_servers_median_s": round(floor, 4),
            "ratio_to_floor": round(median / floor, 1) if floor else None,
            "goal_s": GOAL_SECONDS,
            "meets_goal": median < GOAL_SECONDS,
        }
    )
