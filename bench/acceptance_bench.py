"""Wall time of the acceptance suite (tests/acceptance), serial and with `-n 2`, as pytest subprocesses."""

# Issue 15's goals sit beside the figures: under 40 s serial, and at least 1.8 times faster with two
# xdist workers than serial. Both runs follow one untimed collection that may write bytecode: with
# PYTHONDONTWRITEBYTECODE set (as on some CI machines) and sources edited since their .pyc, every process
# would compile them again, and `-n 2` starts three processes, so the timed runs measure the suite from
# warm caches, as `make test` is measured. Each run's CPU seconds and the machine's load when it started
# are written too: on a shared machine a wall time alone says little. The two are run in turns, three times
# each, and compared by their medians: on this shared machine one serial run took anything from 12 to 17 s
# within minutes, more than the difference being measured.

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"(\d+) (passed|failed|error|errors|skipped)")
GOALS = {"serial_under_seconds": 40.0, "speed_up_with_2_workers_at_least": 1.8}
ROUNDS = 3
BASE = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "tests/acceptance"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _warm_up() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([*BASE, "--collect-only"], cwd=ROOT, env=env, capture_output=True, check=False)


def _pytest(workers: str) -> dict:
    load = round(os.getloadavg()[0], 2)
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run([*BASE, "-n", workers], cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = round(time.perf_counter() - started, 1)
    tail = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]
    counts = {kind: int(n) for n, kind in SUMMARY.findall(tail)}
    failed = [
        line.split(" ", 1)[1] for line in done.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))
    ]
    return {
        "wall_seconds": seconds,
        "cpu_seconds": round(_children_cpu() - cpu, 1),
        "load_average_at_start": load,
        "exit_code": done.returncode,
        "outcome": counts,
        "failed": failed,
    }


def _median_run(runs: list[dict]) -> dict:
    return sorted(runs, key=lambda r: r["wall_seconds"])[len(runs) // 2]


def run(results: dict) -> None:
    results["method"] = (
        "pytest -p no:randomly tests/acceptance as a subprocess (-n 0, then -n 2, in turns, three times each;"
        " the median of each), wall time including start-up and collection, after one untimed collection that"
        " warms the bytecode caches; `-n 2` alone, so tests/acceptance/acc_schedule.py shares the"
        " topology-ordered scenarios by work stealing"
    )
    results["machine_cpus"] = os.cpu_count()
    _warm_up()
    runs: dict[str, list[dict]] = {"serial": [], "xdist_2": []}
    for _ in range(ROUNDS):
        runs["serial"].append(_pytest("0"))
        runs["xdist_2"].append(_pytest("2"))
    results["serial"] = _median_run(runs["serial"])
    results["xdist_2"] = _median_run(runs["xdist_2"])
    results["wall_seconds_of_each_run"] = {k: [r["wall_seconds"] for r in v] for k, v in runs.items()}
    report = ROOT / "reports" / "cucumber.json"
    if report.exists():
        features = json.loads(report.read_text(encoding="utf-8"))
        results["scenario_runs"] = sum(len(f["elements"]) for f in features)
    serial, parallel = results["serial"]["wall_seconds"], results["xdist_2"]["wall_seconds"]
    results["serial_seconds"] = serial
    results["xdist_2_seconds"] = parallel
    results["speed_up_with_2_workers"] = round(serial / parallel, 2) if parallel else None
    results["goals"] = GOALS
    results["goals_met"] = {
        "serial_under_seconds": serial < GOALS["serial_under_seconds"],
        "speed_up_with_2_workers_at_least": bool(parallel)
        and serial / parallel >= GOALS["speed_up_with_2_workers_at_least"],
        "every_scenario_passed": all(
            r["exit_code"] == 0 and not r["failed"] for group in runs.values() for r in group
        ),
    }


if __name__ == "__main__":
    section: dict = {}
    run(section)
    print(json.dumps(section, indent=2))
