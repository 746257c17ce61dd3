"""The acceptance run's reports: parts merged into reports/cucumber.json and the HTML living documentation."""

# Each pytest process writes its part (tests/acceptance/acc_reporting.py); the parts of the newest run
# are merged under a file lock, so with pytest-xdist the process that finishes last leaves complete
# files. The HTML page is what a sales engineer shows: every capability, its features in the users'
# words, each scenario with its rule tags and the outcome of each step, and the rule coverage.

from __future__ import annotations

import fcntl
import html
import json
import time
from pathlib import Path

from alcsim.simulators.acceptance import coverage as cov

ORDER = [
    "package",
    "sync",
    "update",
    "matching",
    "view360",
    "widget",
    "engagement",
    "workflows",
    "topologies",
    "platform",
]  # the capabilities in the order a reader meets them

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2733;padding:0 1rem}
h1{margin-bottom:.2rem} h2{border-bottom:2px solid #d8dee6;padding-bottom:.2rem;margin-top:2.2rem}
.summary span{display:inline-block;margin-right:1.2rem;font-weight:600}
.feature{border:1px solid #d8dee6;border-radius:8px;padding:.6rem 1rem;margin:1rem 0;background:#fbfcfd}
.desc{white-space:pre-line;color:#4a5766;margin:.2rem 0 .6rem}
details{margin:.4rem 0} summary{cursor:pointer;font-weight:600}
.tag{display:inline-block;font:12px monospace;background:#e8eef7;border-radius:4px;padding:0 .35rem;margin-left:.3rem}
.passed{color:#1b7f3b} .failed{color:#b3261e} .skipped,.notrun{color:#8a6d00}
ol.steps{margin:.2rem 0 .6rem 1.2rem;padding:0} ol.steps li{list-style:none;font-family:ui-monospace,monospace;font-size:13px}
pre{background:#fff1f0;border-left:3px solid #b3261e;padding:.5rem;overflow:auto;font-size:12px;max-height:18rem}
table{border-collapse:collapse;width:100%;font-size:13px} td,th{border-bottom:1px solid #e3e8ee;padding:.25rem .4rem;text-align:left;vertical-align:top}
"""


# -- merging ------------------------------------------------------------------------------------------------
def newest_run(parts: list[Path]) -> str | None:
    newest = max(parts, key=lambda p: p.stat().st_mtime, default=None)
    return json.loads(newest.read_text(encoding="utf-8"))["run"] if newest else None


def merge(parts_dir: Path) -> list[dict]:
    """The features of the newest run, from every process's part; older runs' parts are removed."""
    parts = sorted(parts_dir.glob("*.json"))
    run = newest_run(parts)
    features: dict[str, dict] = {}
    for part in parts:
        data = json.loads(part.read_text(encoding="utf-8"))
        if data["run"] != run:
            if time.time() - part.stat().st_mtime > 60:  # a run still finishing may own it; else stale
                part.unlink(missing_ok=True)
            continue
        for feature in data["features"]:
            merged = features.setdefault(feature["uri"], {**feature, "elements": []})
            merged["elements"].extend(feature["elements"])
    for feature in features.values():
        feature["elements"].sort(key=lambda e: (e["line"], e["id"]))
    return [features[k] for k in sorted(features)]


def merge_and_render(reports: Path, features_dir: Path) -> None:
    reports.mkdir(parents=True, exist_ok=True)
    with open(reports / ".merge.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            merged = merge(reports / "cucumber")
            (reports / "cucumber.json").write_text(
                json.dumps(merged, indent=1, ensure_ascii=False), encoding="utf-8"
            )
            (reports / "acceptance.html").write_text(render(merged, features_dir), encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# -- HTML -----------------------------------------------------------------------------------------------
def _e(text) -> str:
    return html.escape(str(text or ""))


def _tags(tags: list[str]) -> str:
    return "".join(f'<span class="tag">{_e(t)}</span>' for t in tags)


def _scenario(info: cov.ScenarioInfo, elements: list[dict]) -> str:
    css = info.status.replace(" ", "")
    parts = [
        f'<details><summary class="{css}">{cov.MARK[info.status]} {_e(info.name)}{_tags(info.tags)}'
        f" <small>({_e(info.status)})</small></summary>"
    ]
    for element in elements or []:
        if len(elements) > 1:  # an outline: name the example by its values (pytest's id)
            example = element["id"].partition("[")[2].rstrip("]") or element["name"]
            parts.append(f"<div><em>Example: {_e(example)}</em></div>")
        parts.append('<ol class="steps">')
        for step in element.get("steps", []):
            result = step.get("result", {})
            status = result.get("status", "skipped")
            seconds = result.get("duration", 0) / 1e9
            parts.append(
                f'<li class="{status}">{cov.MARK.get(status, "·")} <b>{_e(step["keyword"])}</b> '
                f"{_e(step['name'])} <small>{seconds:.2f}s</small></li>"
            )
            if result.get("error_message"):
                parts.append(f"<pre>{_e(result['error_message'][-2500:])}</pre>")
        parts.append("</ol>")
    parts.append("</details>")
    return "".join(parts)


def render(report: list[dict], features_dir: Path, rules_path: Path = cov.RULES) -> str:
    rules = cov.read_rules(rules_path)
    scenarios = cov.read_features(features_dir)
    cov.attach_results(scenarios, report)
    elements: dict[tuple[str, int], list[dict]] = {}
    for feature in report:
        for element in feature.get("elements", []):
            elements.setdefault((feature["uri"], element["line"]), []).append(element)
    table = cov.coverage(rules, scenarios)
    counts = {
        s: sum(1 for x in scenarios if x.status == s) for s in ("passed", "failed", "skipped", "not run")
    }
    covered = sum(1 for _, proofs in table if cov.covered(proofs))
    out = [
        f"<!doctype html><meta charset=utf-8><title>alcsim — living documentation</title><style>{STYLE}</style>",
        "<h1>Alcméon for Salesforce — living documentation</h1>",
        "<p>Every behaviour below is executed against running fake orgs, fake Alcméon environments and the"
        " connector. Tags name the rules of RULES.md a scenario proves.</p>",
        '<p class="summary">'
        + "".join(f'<span class="{k.replace(" ", "")}">{v} {k}</span>' for k, v in counts.items())
        + f"<span>{covered}/{len(rules)} rules covered</span></p>",
    ]
    by_folder: dict[str, dict[str, list[cov.ScenarioInfo]]] = {}
    for info in scenarios:
        folder = Path(info.uri).parent.name
        by_folder.setdefault(folder, {}).setdefault(info.uri, []).append(info)
    descriptions = {f["uri"]: f.get("description", "") for f in report}
    for folder, features in sorted(
        by_folder.items(), key=lambda kv: (ORDER.index(kv[0]) if kv[0] in ORDER else 99, kv[0])
    ):
        out.append(f"<h2>{_e(folder.capitalize())}</h2>")
        for uri, infos in features.items():
            out.append(f'<div class="feature"><h3>{_e(infos[0].feature)} <small>{_e(uri)}</small></h3>')
            if descriptions.get(uri):
                out.append(f'<div class="desc">{_e(descriptions[uri].strip())}</div>')
            out.extend(_scenario(i, elements.get((i.uri, i.line), [])) for i in infos)
            out.append("</div>")
    out.append("<h2>Rule coverage</h2><table><tr><th>Rule</th><th>Behaviour</th><th>Scenarios</th></tr>")
    for rule, proofs in table:
        css = "passed" if cov.covered(proofs) else "failed"
        listed = (
            "<br>".join(
                f'<span class="{p.status.replace(" ", "")}">{cov.MARK[p.status]} {_e(p.name)}</span>'
                for p in proofs
            )
            or '<span class="failed">no scenario</span>'
        )
        out.append(
            f'<tr><td class="{css}"><b>{rule.id}</b></td><td>{_e(rule.text)}</td><td>{listed}</td></tr>'
        )
    out.append("</table>")
    return "\n".join(out)
