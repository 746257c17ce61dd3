"""Topology files: the scenarios load, and every validation problem names the file, the path and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from alcsim.simulators.alcmeon.inbox import scoped_id
from alcsim.simulators.topology.cli import summary
from alcsim.simulators.topology.cli import topology as topology_cli
from alcsim.simulators.topology.files import TopologyError, load, parse, scope_of_instance

SCENARIOS = sorted((Path(__file__).resolve().parents[3] / "scenarios").glob("*.yaml"))
BASE = {
    "environments": [
        {
            "name": "e",
            "instance_id": "1",
            "port": 9001,
            "teams": [{"name": "T", "org": "o", "queue": "Q"}],
            "social_accounts": [{"name": "A", "type": "whatsapp", "org": "o"}],
        }
    ],
    "orgs": [{"name": "o", "port": 9002, "queues": [{"name": "Q", "developer_name": "Q"}]}],
}


def problems(data) -> list[str]:
    with pytest.raises(TopologyError) as caught:
        parse(data, "t.yaml")
    return caught.value.problems


def variant(**changes) -> dict:
    data = yaml.safe_load(yaml.safe_dump(BASE))
    for path, value in changes.items():
        target = data
        *parents, last = path.split("__")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_scenario_is_valid(path):
    topology = load(path)
    assert topology.environments and topology.orgs
    assert summary(topology)["name"] == path.stem


def test_the_scope_is_the_first_part_of_the_environments_scoped_ids():  # TOPO-03
    for instance in ("4242", "5151", "1", "999999999"):
        assert scoped_id(instance, 3, 4, 5).split(":")[0] == scope_of_instance(instance)


def test_a_valid_minimal_file():
    topology = parse(BASE, "t.yaml")
    assert topology.environments[0].org_names() == ["o"]
    assert topology.callout_secret("o", "e") == parse(BASE, "t.yaml").callout_secret("o", "e")
    assert topology.environments[0].secret  # derived, so a separately started connector agrees


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"environments__0__social_accounts__0__org": "x"},
            "t.yaml: environments[0].social_accounts[0].org: unknown org 'x'",
        ),
        ({"environments__0__teams__0__org": "x"}, "t.yaml: environments[0].teams[0].org: unknown org 'x'"),
        (
            {"environments__0__teams__0__queue": "Nope"},
            "environments[0].teams[0].queue: org 'o' has no queue 'Nope'",
        ),
        ({"orgs__0__queues__0__sobjects": ["Case"]}, "has no QueueSobject for alcmeon__Conversation__c"),
        ({"orgs__0__port": 9001}, "t.yaml: orgs[0].port: port 9001 is already used by environments[0].port"),
        (
            {"orgs__0__package_version": "4.0"},
            "orgs[0].package_version: '4.0' is not a released package version; write one of: 1.0, 5.3",
        ),
        ({"orgs__0__colour": "blue"}, "t.yaml: orgs[0].colour: unknown key"),
        ({"environments__0__instance_id": "abc"}, "environments[0].instance_id: an instance id is a number"),
        (
            {"environments__0__teams__0__queue": None},
            "a team mapped to Salesforce names both an org and a queue",
        ),
        (
            {"environments__0__salesforce": {"o": {"sync_mode": "sometimes"}}},
            "sync_mode: sometimes is not a sync mode; write one of: team-based, match-based",
        ),
        ({"environments__0__salesforce": {"zz": {}}}, "environments[0].salesforce.zz: unknown org 'zz'"),
        ({"orgs": []}, "orgs: at least one org is needed"),
    ],
)
def test_each_problem_is_named(changes, expected):
    found = problems(variant(**changes))
    assert any(expected in p for p in found), found


def test_an_account_linked_to_two_orgs():  # SYNC-09, AR 1.8
    data = variant()
    data["orgs"].append({"name": "p", "queues": []})
    data["environments"][0]["social_accounts"].append({"name": "A", "type": "whatsapp", "org": "p"})
    assert any("account 'A' is linked to two orgs: o and p" in p for p in problems(data))


def test_two_environments_with_the_same_scope_are_refused():  # TOPO-03 needs them apart
    data = variant()
    data["environments"].append({**data["environments"][0], "name": "f", "port": 9003})
    assert any("same scoped-id prefix" in p for p in problems(data))


def test_every_problem_at_once_and_bad_yaml(tmp_path):
    data = variant(orgs__0__colour="blue", environments__0__teams__0__org="x")
    assert len(problems(data)) >= 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("environments: [\n")
    with pytest.raises(TopologyError, match=r"broken.yaml:2: not valid YAML: .* \(column 1\)"):
        load(broken)
    with pytest.raises(TopologyError, match="cannot read"):
        load(tmp_path / "missing.yaml")


def test_cli_validate_and_show(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(topology_cli, ["validate", *map(str, SCENARIOS)])
    assert ok.exit_code == 0 and ok.output.count(": ok") == len(SCENARIOS)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(variant(environments__0__teams__0__org="x")))
    failed = runner.invoke(topology_cli, ["validate", str(bad)])
    assert failed.exit_code == 2 and "unknown org 'x'" in failed.output
    shown = runner.invoke(topology_cli, ["show", str(SCENARIOS[0])])
    assert shown.exit_code == 0 and "environment" in shown.output
    as_json = runner.invoke(topology_cli, ["show", "--json", str(SCENARIOS[0])])
    assert '"environments"' in as_json.output


def test_the_admin_token_is_the_files_or_one_derived_from_the_topologys_name():
    derived = parse(yaml.safe_load(yaml.safe_dump(BASE)), "t.yaml")
    again = parse(yaml.safe_load(yaml.safe_dump(BASE)), "elsewhere/t.yaml")
    other = parse({**yaml.safe_load(yaml.safe_dump(BASE)), "name": "other"}, "t.yaml")
    assert derived.admin_token() == again.admin_token() == derived.connector.admin_token  # both ends agree
    assert len(derived.admin_token()) >= 32 and other.admin_token() != derived.admin_token()
    given = parse(
        {**yaml.safe_load(yaml.safe_dump(BASE)), "connector": {"admin_token": "s3cret-token"}}, "t.yaml"
    )
    assert given.admin_token() == "s3cret-token"
