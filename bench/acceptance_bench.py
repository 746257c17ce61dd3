"""Wall time of the acceptance suite (tests/acceptance), serial and with `-n 2`, as pytest subprocesses."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"(\d+) (passed|failed|error|errors|skipped)")


def _pytest(workers: str | None) -> dict:
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "tests/acceptance"]
    if workers:
        args += ["-n", workers]
    started = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = round(time.perf_counter() - started, 1)
    tail = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]
    counts = {kind: int(n) for n, kind in SUMMARY.findall(tail)}
    failed = [
        line.split(" ", 1)[1] for line in done.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))
    ]
    return {"wall_seconds": seconds, "exit_code": done.returncode, "outcome": counts, "failed": failed}


def run(results: dict) -> None:
    results["method"] = "pytest tests/acceptance as a subprocess, wall time including start-up and collection"
    results["serial"] = _pytest(None)
    results["xdist_2"] = _pytest("2")
    report = ROOT / "reports" / "cucumber.json"
    if report.exists():
        features = json.loads(report.read_text(encoding="utf-8"))
        results["scenario_runs"] = sum(len(f["elements"]) for f in features)
    if results["xdist_2"]["wall_seconds"]:
        results["speed_up_with_2_workers"] = round(
            results["serial"]["wall_seconds"] / results["xdist_2"]["wall_seconds"], 2
        )


if __name__ == "__main__":
    section: dict = {}
    run(section)
    print(json.dumps(section, indent=2))
