"""Topology start: many-to-many from `start_topology` to every server answering a request, beside bare HTTPS servers."""

# Ready: `start_topology` returned (orgs installed, environments seeded, the connector logged in, the
# settings written, its workers running) and each of its servers has answered a real request: a TLS
# connection, then a GET of its open health route answered 200 by its app. The floor starts as many bare
# cheroot HTTPS servers, with the same shared TLS adapter and thread pool, serving a trivial WSGI app, until
# each has answered a GET the same way. One start is made first and not counted: it pays the
# imports and the metadata parsed once per process. Free ports, so a bench never fights a running topology.

from __future__ import annotations

import http.client
import ssl
import statistics
import threading
import time
from collections import defaultdict
from contextlib import ExitStack
from unittest import mock

from cheroot import wsgi

from alcsim.simulators.common.admin import ADMIN_PREFIX
from alcsim.simulators.common.runner import SERVER_THREADS, ssl_adapter
from alcsim.simulators.common.tls import local_ca
from alcsim.simulators.topology import bootstrap, launch
from alcsim.simulators.topology.files import load, scenario_path
from alcsim.simulators.topology.launch import start_topology

TOPOLOGY = "many-to-many"
RUNS = 5
GOAL_SECONDS = 0.3


def _answers(context: ssl.SSLContext, port: int, path: str) -> None:
    """A TLS connection to `port`, then `GET path` answered 200 (by the app, not only by the server)."""
    connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise AssertionError(f"GET {path} on port {port} answered {response.status}")
    finally:
        connection.close()


def _health_routes(rt) -> list[tuple[int, str]]:
    """Each server's port and its route open without credentials: the fakes' admin health, the
    connector's load-balancer probe."""
    fakes = [(int(url.rsplit(":", 1)[1]), f"{ADMIN_PREFIX}/health") for url in rt.urls().values()]
    return [*fakes, (int(rt.connector_url.rsplit(":", 1)[1]), "/admin/health")]


def _topology_start(topology, context: ssl.SSLContext) -> tuple[float, float, int]:
    """Seconds of wall time and of this process's CPU from start to ready, and the number of servers."""
    wall, cpu = time.perf_counter(), time.process_time()
    rt = start_topology(topology)
    try:
        routes = _health_routes(rt)
        for port, path in routes:
            _answers(context, port, path)
        return time.perf_counter() - wall, time.process_time() - cpu, len(routes)
    finally:
        rt.stop()


# The steps of `start_topology` the breakdown times, by the names it calls them by.
PHASES = {
    "orgs": (launch, "start_org"),
    "environments_built": (launch, "create_environment"),
    "connector_built": (launch.RunningTopology, "new_connector"),
    "settings_written": (bootstrap, "apply_settings"),
    "connector_started": (launch.RunningTopology, "start_connector"),
}


def _timed(spent: dict, phase: str, step):
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return step(*args, **kwargs)
        finally:
            spent[phase] += time.perf_counter() - started

    return timed


def _breakdown(topology, context: ssl.SSLContext) -> dict:
    """Median wall ms of each step of a start, over starts of their own (the counted ones run unwrapped)."""
    runs = []
    for _ in range(RUNS):
        spent: dict = defaultdict(float)
        with ExitStack() as patches:
            for phase, (owner, name) in PHASES.items():
                patches.enter_context(
                    mock.patch.object(owner, name, _timed(spent, phase, getattr(owner, name)))
                )
            total, _, _ = _topology_start(topology, context)
        spent["other"] = total - sum(spent.values())  # the ready requests, the connector's bind, the rest
        runs.append(spent)
    return {phase: round(statistics.median(r[phase] for r in runs) * 1000, 1) for phase in [*PHASES, "other"]}


def _trivial(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def _bare_servers(count: int, context: ssl.SSLContext) -> float:
    """Seconds until `count` bare cheroot HTTPS servers each answered a GET."""
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
            _answers(context, server.bind_addr[1], "/")
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
    breakdown = _breakdown(topology, context)
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
            "start_breakdown_median_ms": breakdown,
            "floor_bare_https_servers_median_s": round(floor, 4),
            "ratio_to_floor": round(median / floor, 1) if floor else None,
            "goal_s": GOAL_SECONDS,
            "meets_goal": median < GOAL_SECONDS,
        }
    )
