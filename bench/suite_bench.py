"""Wall and CPU time of the whole suite as `make test` runs it, from a warm `.venv` (issue 15: under 3 min)."""

# The suite runs as `make test` runs it (two xdist workers sharing work by worksteal, a missing client tool
# a failure), minus the install steps, which find everything in place. The floor is the same command with
# `--collect-only`: starting the workers and collecting every test, the part no test can save. The slowest
# tests are written beside the figures, since they are what the next cut has to take on.

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 180.0
SUMMARY = re.compile(r"(\d+) (passed|failed|error|errors|skipped|xfailed|xpassed)")
DURATION = re.compile(r"^(\d+\.\d+)s (setup|call|teardown)\s+(\S+)")
COMMAND = [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "worksteal"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _pytest(*more: str) -> tuple[dict, str]:
    # As `make test` runs it: bytecode written (see the Makefile's test target), a missing tool a failure.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["ALCSIM_REQUIRE_TOOLS"] = "1"
    load, cpu, started = round(os.getloadavg()[0], 2), _children_cpu(), time.perf_counter()
    done = subprocess.run([*COMMAND, *more], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    figures = {
        "wall_seconds": round(time.perf_counter() - started, 1),
        "cpu_seconds": round(_children_cpu() - cpu, 1),
        "load_average_at_start": load,
        "exit_code": done.returncode,
    }
    return figures, done.stdout


def run(results: dict) -> None:
    results["method"] = " ".join(["pytest", *COMMAND[3:]]) + " from the repository, as `make test` runs it"
    floor, _ = _pytest("--collect-only")
    suite, out = _pytest("--durations=15")
    lines = out.strip().splitlines()
    suite["outcome"] = {kind: int(n) for n, kind in SUMMARY.findall(lines[-1] if lines else "")}
    suite["failed"] = [line.split(" ", 1)[1] for line in lines if line.startswith(("FAILED ", "ERROR "))]
    suite["slowest"] = [
        {"seconds": float(m[1]), "phase": m[2], "test": m[3]}
        for m in (DURATION.match(line) for line in lines)
        if m
    ]
    results["suite"] = suite
    results["floor_start_and_collect"] = floor
    results["ratio_to_floor"] = round(suite["wall_seconds"] / floor["wall_seconds"], 1)
    results["goal_seconds"] = GOAL_SECONDS
    results["meets_goal"] = suite["exit_code"] == 0 and suite["wall_seconds"] < GOAL_SECONDS


if __name__ == "__main__":
    import json

    section: dict = {}
    run(section)
    print(json.dumps(section, indent=2))
