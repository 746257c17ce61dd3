"""Each rule of RULES.md with the scenarios that prove it, from the feature files and the last acceptance run."""

# A rule is covered when at least one scenario tagged with its ID passed in the last run (RULES.md). A
# scenario passed when every run of it passed (each example of an outline). The scenarios come from the
# feature files themselves, so a scenario that did not run shows as "not run", never as passing; results
# come from the Cucumber JSON the acceptance suite writes (reports/cucumber.json).

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # features/ ships beside simulators/ (pyproject.toml)
RULES = ROOT / "features" / "RULES.md"  # the project's copy of ../shared/reference/RULES.md
FEATURES = ROOT / "features"
REPORT = Path("reports") / "cucumber.json"  # where the acceptance run writes it, from the project root
RULE_LINE = re.compile(r"^- (?P<id>[A-Z0-9]+-\d\d) (?P<text>.*)$")
TAG = re.compile(r"^@(?P<id>[A-Z0-9]+-\d\d)$")
MARK = {"passed": "✔", "failed": "✘", "skipped": "–", "not run": "·"}  # one mark per scenario status


@dataclass
class Rule:
    id: str
    text: str
    section: str


@dataclass
class ScenarioInfo:
    uri: str
    feature: str
    name: str
    line: int
    tags: list[str]
    runs: list[str] = field(default_factory=list)  # "passed" / "failed" / "skipped", one per example

    @property
    def status(self) -> str:
        if not self.runs:
            return "not run"
        if "failed" in self.runs:
            return "failed"
        return "passed" if all(r == "passed" for r in self.runs) else "skipped"


def read_rules(path: Path = RULES) -> list[Rule]:
    rules: list[Rule] = []
    section = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("## "):
            section = raw[3:].strip()
        elif (found := RULE_LINE.match(raw)) is not None:
            rules.append(Rule(found["id"], found["text"].strip(), section))
        elif rules and raw.startswith("  ") and raw.strip():
            rules[-1].text += " " + raw.strip()
    return rules


def read_features(root: Path = FEATURES) -> list[ScenarioInfo]:
    """Every scenario of every feature, with its own tags and the feature's (Gherkin inheritance)."""
    # Imported here: the Gherkin parser comes with pytest-bdd (the test extra), and the CLI that imports
    # this module must start with the base dependencies alone.
    from gherkin.parser import Parser

    found = []
    for path in sorted(root.rglob("*.feature")):
        document = Parser().parse(path.read_text(encoding="utf-8"))
        feature = document.get("feature") or {}
        uri = str(path.relative_to(root.parent))
        inherited = [t["name"] for t in feature.get("tags", [])]
        children = []
        for child in feature.get("children", []):
            if "rule" in child:
                rule_tags = [t["name"] for t in child["rule"].get("tags", [])]
                children += [(c["scenario"], rule_tags) for c in child["rule"]["children"] if "scenario" in c]
            elif "scenario" in child:
                children.append((child["scenario"], []))
        for scenario, rule_tags in children:
            tags = inherited + rule_tags + [t["name"] for t in scenario.get("tags", [])]
            for examples in scenario.get("examples", []):
                tags += [t["name"] for t in examples.get("tags", [])]
            found.append(
                ScenarioInfo(
                    uri,
                    feature.get("name", uri),
                    scenario["name"],
                    scenario["location"]["line"],
                    list(dict.fromkeys(tags)),
                )
            )
    return found


def element_status(element: dict) -> str:
    statuses = [s.get("result", {}).get("status") for s in element.get("steps", [])]
    if not statuses or "failed" in statuses:
        return "failed"
    return "passed" if all(s == "passed" for s in statuses) else "skipped"


def attach_results(scenarios: list[ScenarioInfo], report: list[dict]) -> None:
    by_place = {(s.uri, s.line): s for s in scenarios}
    by_name = {(s.uri, s.name): s for s in scenarios}
    for feature in report:
        uri = feature.get("uri", "")
        for element in feature.get("elements", []):
            target = by_place.get((uri, element.get("line"))) or by_name.get((uri, element.get("name")))
            if target is not None:
                target.runs.append(element_status(element))


def coverage(rules: list[Rule], scenarios: list[ScenarioInfo]) -> list[tuple[Rule, list[ScenarioInfo]]]:
    return [(rule, [s for s in scenarios if f"@{rule.id}" in s.tags]) for rule in rules]


def covered(proofs: list[ScenarioInfo]) -> bool:
    return any(p.status == "passed" for p in proofs)


def unknown_tags(rules: list[Rule], scenarios: list[ScenarioInfo]) -> list[str]:
    ids = {r.id for r in rules}
    return sorted({t for s in scenarios for t in s.tags if TAG.match(t) and t[1:] not in ids})


def load(rules_path: Path = RULES, features: Path = FEATURES, report: Path = REPORT):
    rules = read_rules(rules_path)
    scenarios = read_features(features)
    if report.exists():
        attach_results(scenarios, json.loads(report.read_text(encoding="utf-8")))
    return rules, scenarios
