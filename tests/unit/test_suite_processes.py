"""What tests/conftest.py sets up in every test process: the collector's thresholds and a worker's core."""

from __future__ import annotations

import gc
import os


def test_the_collector_runs_at_the_suites_thresholds():
    assert gc.get_threshold() == (10_000, 20, 10)


def test_an_xdist_worker_runs_on_one_core_of_its_own_and_a_lone_process_on_every_core(request):
    """Under `-n 2` on two cores gw0 runs on the first and gw1 on the second; serially, or with more
    workers than cores, the process keeps every core its parent had."""
    worker = getattr(request.config, "workerinput", None)
    cores = sorted(os.sched_getaffinity(os.getppid()))  # the controller's, or the shell's
    if worker is not None and 1 < int(worker["workercount"]) <= len(cores):
        index = int(worker["workerid"].removeprefix("gw"))
        assert os.sched_getaffinity(0) == {cores[index % len(cores)]}
    else:
        assert sorted(os.sched_getaffinity(0)) == cores
