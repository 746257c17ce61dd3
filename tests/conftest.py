"""Hooks for every test process of the suite (the controller and each xdist worker)."""

from __future__ import annotations

import gc
import os

import pytest

# The collector's thresholds for a test process (CPython's are 700, 10, 10). A test starts topologies,
# hundreds of thousands of objects that live for the test and then go, and every full collection while one
# runs walks all of them: at the default thresholds the collector took 7% of the suite's CPU time (about 26
# of 350 seconds over two workers) and 1.1 of 15 seconds in the acceptance suite, with most young objects
# collected only to be freed by their reference counts soon after. Collected ten times less often, it takes
# under half of that; a process holds a few more megabytes of garbage between collections.
THRESHOLDS = (10_000, 20, 10)


def pytest_configure(config):
    gc.set_threshold(*THRESHOLDS)
    pin_worker(config)


def pin_worker(config) -> None:
    """An xdist worker runs on a core of its own, when there are as many cores as workers.

    A test and the fakes it talks to are threads of one process that hand a request and its answer to
    each other; alone, such a process keeps one core busy, and pinned to one it runs as fast (the
    acceptance suite: 11.7 s either way). Two unpinned workers on two cores wake each other's threads
    on both cores, and each hand-off waited for the other worker's time slice: the acceptance suite
    took 8.9 s with `-n 2`, and 6.8 s with each worker on its own core. Children (chromium, a CLI, a
    fake in its own process) stay with their worker.
    """
    worker = getattr(config, "workerinput", None)
    if worker is None or not hasattr(os, "sched_setaffinity"):
        return
    cores = sorted(os.sched_getaffinity(0))
    count = int(worker.get("workercount", 0))
    if 1 < count <= len(cores):
        os.sched_setaffinity(0, {cores[int(worker["workerid"].removeprefix("gw")) % len(cores)]})


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """Freeze what the session leaves in memory before the process ends.

    After the last test, pytest runs five full garbage collections (to report unraisable exceptions) and
    the interpreter more while it shuts down; over the objects of the topologies and fakes a worker kept
    (about 380,000 in an acceptance worker) they took two seconds, which every xdist worker spent after
    its last result was in and the controller waited for. Frozen objects are never traversed again; the
    only cost is that a cycle left by a test and holding a failing `__del__` is no longer reported then.
    """
    gc.freeze()
