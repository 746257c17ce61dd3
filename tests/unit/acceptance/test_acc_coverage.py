"""`alcsim rules coverage` and the living documentation, on small rule files, features and Cucumber reports."""

from __future__ import annotations

import json
import os
import time

import pytest
from click.testing import CliRunner

from alcsim.simulators.acceptance import cli, coverage, living_doc

RULES = """# Rules
## Sync (SYNC)
- SYNC-01 An eligible conversation becomes one record,
  never two.
- SYNC-02 Routed to a mapped team.
## Platform (API)
- API-01 Signed notifications.
"""
FEATURE = """Feature: Sync
  As an admin I see records.

  @SYNC-01
  Scenario: One record
    Given a step
    Then another

  @SYNC-02 @SYNC-01
  Scenario Outline: Routed
    Given <who> writes
    Examples:
      | who |
      | Léa |
      | Tom |
"""


def element(line: int, name: str, status: str) -> dict:
    return {
        "keyword": "Scenario",
        "id": name,
        "name": name,
        "line": line,
        "type": "scenario",
        "tags": [],
        "steps": [
            {
                "keyword": "Given",
                "name": "a step",
                "line": line + 1,
                "match": {"location": ""},
                "result": {"status": status, "duration": 1000},
            }
        ],
    }


@pytest.fixture
def project(tmp_path):
    (tmp_path / "RULES.md").write_text(RULES, encoding="utf-8")
    features = tmp_path / "features" / "sync"
    features.mkdir(parents=True)
    (features / "sync.feature").write_text(FEATURE, encoding="utf-8")
    return tmp_path


def run(project, report: list[dict] | None, *extra: str):
    path = project / "cucumber.json"
    if report is not None:
        path.write_text(json.dumps(report), encoding="utf-8")
    args = [
        "coverage",
        "--rules",
        str(project / "RULES.md"),
        "--features",
        str(project / "features"),
        "--report",
        str(path),
        *extra,
    ]
    return CliRunner().invoke(cli.rules_cli, args)


def report_of(*elements: dict) -> list[dict]:
    return [{"uri": "features/sync/sync.feature", "name": "Sync", "elements": list(elements)}]


def test_rules_are_read_with_their_continuation_lines_and_sections(project):
    rules = coverage.read_rules(project / "RULES.md")
    assert [(r.id, r.section) for r in rules] == [
        ("SYNC-01", "Sync (SYNC)"),
        ("SYNC-02", "Sync (SYNC)"),
        ("API-01", "Platform (API)"),
    ]
    assert rules[0].text == "An eligible conversation becomes one record, never two."


def test_every_scenario_of_the_features_is_listed_with_its_tags(project):
    scenarios = coverage.read_features(project / "features")
    assert [(s.name, s.line, s.tags) for s in scenarios] == [
        ("One record", 5, ["@SYNC-01"]),
        ("Routed", 10, ["@SYNC-02", "@SYNC-01"]),
    ]
    assert scenarios[0].uri == "features/sync/sync.feature"


def test_an_uncovered_rule_fails_and_is_named(project):
    answer = run(
        project,
        report_of(
            element(5, "One record", "passed"),
            element(10, "Routed", "passed"),
            element(10, "Routed", "passed"),
        ),
    )
    assert answer.exit_code == 1
    assert "API-01     UNCOVERED" in answer.output and "Uncovered: API-01" in answer.output
    assert "✔ passed  features/sync/sync.feature:5  One record" in answer.output


def test_a_rule_covered_only_by_a_failing_outline_example_is_uncovered(project):
    report = report_of(
        element(5, "One record", "passed"), element(10, "Routed", "passed"), element(10, "Routed", "failed")
    )
    answer = run(project, report, "--json")
    data = json.loads(answer.output)
    by_id = {r["id"]: r for r in data["rules"]}
    assert by_id["SYNC-01"]["covered"] is True  # one passing scenario is enough
    assert by_id["SYNC-02"]["covered"] is False  # its only scenario failed in one example
    assert by_id["SYNC-02"]["scenarios"][0]["status"] == "failed"
    assert answer.exit_code == 1


def test_scenarios_that_did_not_run_do_not_cover(project):
    answer = run(project, [], "--json")
    assert all(not r["covered"] for r in json.loads(answer.output)["rules"])
    assert answer.exit_code == 1


def test_all_rules_covered_passes(project):
    (project / "RULES.md").write_text(RULES.split("## Platform")[0], encoding="utf-8")
    answer = run(project, report_of(element(5, "One record", "passed"), element(10, "Routed", "passed")))
    assert answer.exit_code == 0, answer.output
    assert "2/2 rules covered" in answer.output


def test_a_tag_naming_no_rule_fails(project):
    (project / "RULES.md").write_text(RULES.split("## Platform")[0], encoding="utf-8")
    feature = project / "features" / "sync" / "sync.feature"
    feature.write_text(FEATURE.replace("@SYNC-02 @SYNC-01", "@SYNC-02 @SYNC-01 @SYNC-99"), encoding="utf-8")
    answer = run(project, report_of(element(5, "One record", "passed"), element(10, "Routed", "passed")))
    assert answer.exit_code == 1 and "@SYNC-99" in answer.output


def test_the_project_rules_file_is_the_reference_one():
    ids = [r.id for r in coverage.read_rules()]
    assert len(ids) == len(set(ids)) and {"PKG-01", "SYNC-10", "WF-04", "TOPO-07", "API-05"} <= set(ids)


def test_parts_of_the_newest_run_are_merged_and_rendered(project, tmp_path):
    reports = tmp_path / "reports"
    parts = reports / "cucumber"
    parts.mkdir(parents=True)
    old = {"run": "old", "worker": "gw0", "features": report_of(element(5, "One record", "failed"))}
    (parts / "old-gw0.json").write_text(json.dumps(old))
    stale = time.time() - 3600
    os.utime(parts / "old-gw0.json", (stale, stale))
    for worker, found in (
        ("gw0", element(5, "One record", "passed")),
        ("gw1", element(10, "Routed", "passed")),
    ):
        (parts / f"new-{worker}.json").write_text(
            json.dumps({"run": "new", "worker": worker, "features": report_of(found)})
        )
    living_doc.merge_and_render(reports, project / "features")
    merged = json.loads((reports / "cucumber.json").read_text())
    assert [e["line"] for e in merged[0]["elements"]] == [5, 10]
    assert not (parts / "old-gw0.json").exists()  # an older run's part is removed
    html = (reports / "acceptance.html").read_text()
    assert "One record" in html and "Routed" in html and "@SYNC-01" in html and "Rule coverage" in html


@pytest.mark.parametrize("args", [[], ["coverage"], ["report"]])
def test_without_the_test_extra_rules_says_so_in_one_line(monkeypatch, args):
    """The Gherkin parser comes with pytest-bdd; a plain install gets one line and exit code 2, no traceback."""
    real = cli.importlib.util.find_spec
    monkeypatch.setattr(
        cli.importlib.util, "find_spec", lambda name, *a: None if name == "gherkin" else real(name, *a)
    )
    result = CliRunner().invoke(cli.rules_cli, args)
    assert result.exit_code == 2
    assert result.output == "alcsim rules needs the test extra: pip install 'alcsim[test]'\n"
