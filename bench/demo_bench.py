"""Demo stories: from starting `alcsim demo` to the dashboard answering, and each step from Next to visible."""

# Start: `start_demo` (what `alcsim demo NAME` calls) until the story page answers 200, in process; and
# once as the command itself (`python -m alcsim.simulators.demo.cli NAME`, imports included) until the
# printed story page answers. Steps: every story of the catalog played through the dashboard's HTTP
# routes as the story page does: POST …/next, then GET …/state until the step is no longer running.
# Free ports everywhere, so a bench never fights a demo someone runs on the fixed ones.

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

from alcsim.simulators.demo.cli import start_demo
from alcsim.simulators.demo.stories import CATALOG

ROOT = Path(__file__).resolve().parent.parent
STARTS = 5
STORY = "all-in-salesforce"
POLL = 0.01


def _summary(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    return {
        "count": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def _ready(url: str, headers: dict, deadline: float) -> None:
    while time.perf_counter() < deadline:
        try:
            if requests.get(url, headers=headers, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(POLL)
    raise TimeoutError(url)


def _start_in_process() -> list[float]:
    seconds = []
    for _ in range(STARTS):
        started = time.perf_counter()
        demo = start_demo(STORY, free_ports=True)
        try:
            headers = {"Authorization": f"Bearer {demo.rt.admin_token}"}
            _ready(f"{demo.dashboard.url}/demo/{STORY}", headers, started + 60)
            seconds.append(time.perf_counter() - started)
        finally:
            demo.stop()
    return seconds


def _start_command() -> float:
    """The command as `make demo STORY=…` runs it (imports included), until its story page answers."""
    args = [sys.executable, "-m", "alcsim.simulators.demo.cli", STORY, "--free-ports"]
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in process.stdout:
            if line.startswith("open the story: "):
                url = line.split(": ", 1)[1].strip()
                break
        else:
            raise RuntimeError("`alcsim demo` printed no story URL")
        _ready(url, {}, started + 60)  # the /login?token=… link: 200 once it redirected to the story page
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=20)


def _steps() -> tuple[list[float], dict, list[str]]:
    latencies, per_story, failed = [], {}, []
    for story in CATALOG:
        demo = start_demo(story.name, free_ports=True)
        try:
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {demo.rt.admin_token}"
            base = f"{demo.dashboard.url}/demo/{story.name}"
            mine = []
            for index, step in enumerate(story.steps):
                clicked = time.perf_counter()
                session.post(f"{base}/next", json={}, timeout=10).raise_for_status()
                while True:
                    state = session.get(f"{base}/state", timeout=10).json()
                    result = state["steps"][index]
                    if result["status"] in ("passed", "failed"):
                        break
                    time.sleep(POLL)
                mine.append(time.perf_counter() - clicked)
                if result["status"] == "failed":
                    failed.append(f"{story.name}/{step.name}: {result['reason']}")
            latencies += mine
            per_story[story.name] = round(statistics.median(mine) * 1000, 1)
        finally:
            demo.stop()
    return latencies, per_story, failed


def run(results: dict) -> None:
    results["start_to_dashboard_ready_in_process"] = {"story": STORY, **_summary(_start_in_process())}
    results["start_to_dashboard_ready_command_seconds"] = round(_start_command(), 2)
    latencies, per_story, failed = _steps()
    results["step_next_to_visible"] = _summary(latencies)
    results["step_median_ms_by_story"] = per_story
    results["steps_failed"] = failed
