"""The story catalog: each story's topology exists, each step says, acts and checks, names are unique."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from alcsim.simulators.cli import main
from alcsim.simulators.demo import stories
from alcsim.simulators.demo.checks import every
from alcsim.simulators.topology.files import load, scenario_path

# (a) to (i) of issue 14: each documented workflow and topology has its story.
REQUIRED_TOPOLOGIES = {
    "wf-all-in-alcmeon",
    "wf-all-in-salesforce",
    "wf-mixed",
    "one-to-one",
    "one-to-many",
    "many-to-one",
    "two-orgs-transfer",
}


@pytest.mark.parametrize("story", stories.CATALOG, ids=stories.names())
def test_each_story_runs_on_an_existing_topology_file(story):
    topology = load(scenario_path(story.topology))
    assert topology.name == story.topology  # the dashboard plays a story where the names agree


@pytest.mark.parametrize("story", stories.CATALOG, ids=stories.names())
def test_each_step_says_acts_and_checks(story):
    assert story.title and story.summary and story.steps
    for step in story.steps:
        assert re.fullmatch(r"[a-z0-9-]+", step.name), step.name  # screenshots are named after it
        assert len(step.say) > 20 and step.say[0].isupper(), step.say
        assert callable(step.act) and callable(step.check) and callable(step.where), step.name
    names = [s.name for s in story.steps]
    assert len(names) == len(set(names)), names


def test_story_names_are_unique_and_cover_every_workflow_and_topology():
    assert len(stories.names()) == len(set(stories.names()))
    assert {s.topology for s in stories.CATALOG} == REQUIRED_TOPOLOGIES
    assert {"all-in-alcmeon", "all-in-salesforce", "mixed-teams", "org-to-org-transfer"} <= set(
        stories.names()
    )


def test_an_unknown_story_names_the_known_ones():
    with pytest.raises(KeyError, match="the stories are: all-in-alcmeon, all-in-salesforce"):
        stories.story("nope")


def test_alcsim_demo_without_a_name_lists_the_stories():
    answer = CliRunner().invoke(main, ["demo"])
    assert answer.exit_code == 0, answer.output
    lines = answer.output.splitlines()
    for story in stories.CATALOG:
        assert any(line.startswith(story.name) and story.topology in line for line in lines), story.name
    assert "make demo STORY=<name>" in answer.output


def test_alcsim_demo_refuses_an_unknown_story_in_one_line():
    answer = CliRunner().invoke(main, ["demo", "nope", "--free-ports"])
    assert answer.exit_code == 2
    assert "no story 'nope'; the stories are:" in answer.output
    assert "Traceback" not in answer.output


def test_alcsim_demo_refuses_pace_with_wait_click():
    answer = CliRunner().invoke(main, ["demo", "view-360", "--pace", "1", "--wait-click"])
    assert answer.exit_code == 2 and "either --pace SECONDS" in answer.output


def test_every_gives_the_first_reason_and_none_when_all_hold():
    holds, fails = (lambda scene: None), (lambda scene: "Léa's record CLOSED; it is OPEN")
    assert every(holds, holds)(None) is None
    assert every(holds, fails, lambda scene: "later")(None) == "Léa's record CLOSED; it is OPEN"
