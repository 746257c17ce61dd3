"""Cucumber JSON of the acceptance run, written by each pytest(-xdist) process and merged into reports/."""

# pytest-bdd's own `--cucumberjson` writes its file on the xdist controller from reports whose scenario
# data stays on the workers (pytest-bdd 9 keeps it in a per-process registry), so with `-n` it writes no
# scenario at all. Each process here writes its part (`reports/cucumber/<run>-<worker>.json`, Cucumber's
# format) when it finishes, then merges every part of the same run into reports/cucumber.json and the
# HTML living documentation; the process that finishes last writes the complete files.

from __future__ import annotations

import json
import os
import re
import time
import uuid
from pathlib import Path

import pytest
from pytest_bdd.reporting import test_report_context_registry

from alcsim.simulators.acceptance import living_doc

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ROOT / "features"
PARTS = pytest.StashKey[dict]()
RULE_TAG = re.compile(r"^[A-Z0-9]+-\d\d$")


def _state(config) -> dict:
    if PARTS not in config.stash:
        worker = getattr(config, "workerinput", None)
        run = worker["testrunuid"] if worker else uuid.uuid4().hex
        config.stash[PARTS] = {
            "run": run,
            "worker": worker["workerid"] if worker else "main",
            "started": time.time(),
            "features": {},
        }
    return config.stash[PARTS]


def _result(step: dict, report, failed_here: bool) -> dict:
    status = "failed" if step["failed"] else ("passed" if step["duration"] is not None else "skipped")
    if report.skipped:
        status = "skipped"
    result = {"status": status, "duration": int((step["duration"] or 0) * 1_000_000_000)}
    if failed_here:
        result["error_message"] = str(report.longrepr)[-4000:]
    return result


def record(config, report) -> None:
    """From pytest_runtest_makereport (after pytest-bdd filled its registry): one Cucumber element per scenario run (outline examples included)."""
    try:
        context = test_report_context_registry[report]
    except KeyError:
        return
    scenario = context.scenario
    if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
        return
    state = _state(config)
    feature = scenario["feature"]
    uri = os.path.relpath(feature["filename"], ROOT)
    entry = state["features"].setdefault(
        uri,
        {
            "keyword": feature["keyword"],
            "uri": uri,
            "name": feature["name"] or uri,
            "id": uri.lower().replace(" ", "-"),
            "line": feature["line_number"],
            "description": feature["description"],
            "language": feature["language"],
            "tags": [{"name": f"@{t}", "line": feature["line_number"] - 1} for t in feature["tags"]],
            "elements": [],
        },
    )
    first_failure = True
    steps = []
    for step in scenario["steps"]:
        failed_here = step["failed"] and first_failure
        first_failure = first_failure and not step["failed"]
        steps.append(
            {
                "keyword": step["keyword"],
                "name": step["name"],
                "line": step["line_number"],
                "match": {"location": ""},
                "result": _result(step, report, failed_here),
            }
        )
    if report.failed and not any(s["result"]["status"] == "failed" for s in steps):
        steps.append(
            {
                "keyword": "Then",
                "name": "(outside the steps)",
                "line": scenario["line_number"],
                "match": {"location": ""},
                "result": {"status": "failed", "duration": 0, "error_message": str(report.longrepr)[-4000:]},
            }
        )
    entry["elements"].append(
        {
            "keyword": scenario["keyword"],
            "id": context.name,
            "name": scenario["name"],
            "line": scenario["line_number"],
            "description": scenario["description"],
            "type": "scenario",
            "tags": [{"name": f"@{t}", "line": scenario["line_number"] - 1} for t in scenario["tags"]],
            "steps": steps,
        }
    )


def finish(session) -> None:
    """pytest_sessionfinish: write this process's part, then merge the parts of this run."""
    state = session.config.stash.get(PARTS, None)
    if not state or not state["features"]:
        return
    reports = ROOT / "reports"
    parts = reports / "cucumber"
    parts.mkdir(parents=True, exist_ok=True)
    part = parts / f"{state['run']}-{state['worker']}.json"
    part.write_text(
        json.dumps(
            {
                "run": state["run"],
                "worker": state["worker"],
                "started": state["started"],
                "features": list(state["features"].values()),
            },
            indent=1,
        )
    )
    living_doc.merge_and_render(reports, FEATURES)
