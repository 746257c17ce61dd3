"""Every config mistake is refused with the file (or the fixture's argument), the line and what to write instead."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from alcsim.simulators.alcmeon.config import EnvironmentConfig
from alcsim.simulators.alcmeon.directory import CHANNELS
from alcsim.simulators.cli import main as alcsim_cli
from alcsim.simulators.common.config_schema import ConfigError
from alcsim.simulators.salesforce.config import OrgConfig
from alcsim.simulators.salesforce.schema import package_versions
from alcsim.simulators.topology.files import TopologyError, load, scenario_path

ROOT = Path(__file__).resolve().parents[3]
TOPOLOGY = """\
name: mine
environments:
  - name: brand
    instance_id: "77"
    teams:
      - Support
      - {name: Salesforce agents, org: main, queue: Social}
    social_accounts:
      - {name: Brand WhatsApp, type: whatsapp, org: main}
orgs:
  - name: main
    queues:
      - {name: Social, developer_name: Social}
"""


def write(tmp_path: Path, text: str, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def topology_problems(tmp_path: Path, old: str, new: str) -> list[str]:
    assert old in TOPOLOGY
    with pytest.raises(TopologyError) as caught:
        load(write(tmp_path, TOPOLOGY.replace(old, new), "mine.yaml"))
    return caught.value.problems


def org_problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        OrgConfig.from_file(write(tmp_path, text, "org.yaml"))
    return caught.value.problems


def test_the_topology_used_here_is_valid(tmp_path):
    assert load(write(tmp_path, TOPOLOGY, "mine.yaml")).orgs[0].queues[0].developer_name == "Social"


def test_an_unknown_key_names_the_closest_and_the_valid_keys(tmp_path):
    path = tmp_path / "mine.yaml"
    [problem] = topology_problems(tmp_path, "  - name: main\n", "  - name: main\n    persn_accounts: true\n")
    assert problem.startswith(
        f"{path}:12: orgs[0].persn_accounts: unknown key; did you mean person_accounts?"
    )
    assert "valid keys: name, port, seed, package_version, person_accounts, sandbox," in problem
    [problem] = org_problems(tmp_path, "name: Acme\nsession_second: 60\n")
    assert problem.startswith(
        f"{tmp_path / 'org.yaml'}:2: session_second: unknown key; did you mean session_seconds?"
    )


def test_person_accounts_yes_is_refused_with_the_line_and_the_fix(tmp_path):
    [problem] = org_problems(tmp_path, 'name: Acme\nperson_accounts: "yes"\n')
    assert problem == (
        f"{tmp_path / 'org.yaml'}:2: person_accounts: expected true or false, got 'yes'; write person_accounts: true"
    )
    [problem] = topology_problems(
        tmp_path, "  - name: main\n", '  - name: main\n    person_accounts: "yes"\n'
    )
    assert (
        ":12: orgs[0].person_accounts: expected true or false, got 'yes'; write person_accounts: true"
        in problem
    )


def test_a_wrong_type_says_what_to_write(tmp_path):
    problems = org_problems(
        tmp_path, 'session_seconds: "7200"\nusers: {username: a}\nqueues:\n  - {name: Q, sobjects: Case}\n'
    )
    assert problems == [
        f"{tmp_path / 'org.yaml'}:1: session_seconds: expected a whole number from 1, got '7200'; write session_seconds: 7200",
        f"{tmp_path / 'org.yaml'}:2: users: expected a list, got a mapping {{username: a}}",
        f"{tmp_path / 'org.yaml'}:4: queues[0].sobjects: expected a list, got 'Case'; write sobjects: [Case]",
    ]


def test_a_package_version_never_released_is_refused(tmp_path):
    assert package_versions() == ("1.0", "5.3", "5.31", "5.34")  # PKG-04, from metadata/package.yaml
    [problem] = topology_problems(
        tmp_path, "  - name: main\n", '  - name: main\n    package_version: "5.32"\n'
    )
    assert ":12: orgs[0].package_version: '5.32' is not a released package version;" in problem
    assert problem.endswith("write one of: 1.0, 5.3, 5.31, 5.34")
    [problem] = org_problems(tmp_path, "package_version: 6.0\n")
    assert (
        ":1: package_version: '6.0' is not a released package version; write one of: 1.0, 5.3, 5.31, 5.34"
        in problem
    )
    assert OrgConfig.from_dict({"package_version": None}).package_version is None  # no package: allowed


def test_an_account_type_outside_alcmeons_enum_is_refused(tmp_path):
    path = write(tmp_path, "social_accounts:\n  - {name: Brand Telegram, type: telegram}\n", "env.yaml")
    with pytest.raises(ConfigError) as caught:
        EnvironmentConfig.load(path)
    assert caught.value.problems == [
        f"{path}:2: social_accounts[0].type: telegram is not a channel; write one of: {', '.join(CHANNELS)}"
    ]
    [problem] = topology_problems(tmp_path, "type: whatsapp", "type: telegram")
    assert (
        ":9: environments[0].social_accounts[0].type: telegram is not a channel; write one of: twitter,"
        in problem
    )


def test_an_account_linked_to_a_list_of_orgs_is_refused(tmp_path):
    [problem] = topology_problems(tmp_path, "org: main}", "org: [a, b]}")
    assert problem == (
        f"{tmp_path / 'mine.yaml'}:9: environments[0].social_accounts[0].org: "
        "expected the name of one org, got a list [a, b]; write org: a"
    )


def test_validate_catches_a_misspelt_channel_that_simulate_would_crash_on(tmp_path):
    path = write(tmp_path, TOPOLOGY.replace("type: whatsapp", "type: whatsap"), "mine.yaml")
    result = CliRunner().invoke(alcsim_cli, ["topology", "validate", str(path)])
    assert result.exit_code == 2
    assert (
        f"{path}:9: environments[0].social_accounts[0].type: whatsap is not a channel; did you mean whatsapp?"
        in (result.output)
    )
    assert "Traceback" not in result.output
    simulate = CliRunner().invoke(
        alcsim_cli, ["simulate", "--topology", str(path), "--headless", "--duration", "1"]
    )
    assert simulate.exit_code == 2 and "did you mean whatsapp?" in simulate.output


def test_every_problem_of_a_file_at_once_each_with_its_line(tmp_path):
    text = TOPOLOGY.replace('instance_id: "77"', "instance_id: abc").replace("org: main}", "org: other}")
    text = text.replace("  - name: main\n", "  - name: main\n    port: 70000\n    sandbox: 1\n")
    with pytest.raises(TopologyError) as caught:
        load(write(tmp_path, text, "mine.yaml"))
    lines = [p.split(": ", 1)[0].rsplit(":", 1)[1] for p in caught.value.problems]
    assert lines == ["4", "12", "13", "9"], caught.value.problems
    assert (
        "port: 70000 is out of range: expected a TCP port (0 to 65535); write port: 0"
        in caught.value.problems[1]
    )
    assert "unknown org 'other' (known: main)" in caught.value.problems[3]


def test_a_missing_required_key_points_at_its_mapping(tmp_path):
    [problem] = topology_problems(tmp_path, '  - name: brand\n    instance_id: "77"\n', "  - name: brand\n")
    assert problem.startswith(
        f"{tmp_path / 'mine.yaml'}:3: environments[0].instance_id: missing; every environment needs"
    )


def test_broken_yaml_and_duplicate_keys_give_the_line(tmp_path):
    with pytest.raises(ConfigError, match=r"org.yaml:4: not valid YAML: .*\(column \d+\)"):
        OrgConfig.from_file(write(tmp_path, "name: a\nusers:\n  - [\n", "org.yaml"))
    with pytest.raises(ConfigError, match=r"org.yaml:2: not valid YAML: found duplicate key 'name'"):
        OrgConfig.from_file(write(tmp_path, "name: a\nname: b\n", "org.yaml"))
    with pytest.raises(ConfigError, match=r"env.json:1: not valid JSON"):
        EnvironmentConfig.load(write(tmp_path, '{"seed": 1,,}', "env.json"))


def test_fixture_arguments_name_the_argument():
    with pytest.raises(ConfigError) as caught:
        OrgConfig.from_dict({"person_accounts": "yes"}, source="sf_org_factory(config)")
    assert (
        str(caught.value)
        == "sf_org_factory(config): person_accounts: expected true or false, got 'yes'; write person_accounts: true"
    )
    with pytest.raises(ConfigError) as caught:
        EnvironmentConfig.from_dict(
            {"webhook_redelivery": "always", "agents": [{"email": "a@b.c", "teams": ["Nope"]}]},
            "alcmeon_env_factory(config)",
        )
    assert caught.value.problems == [
        "alcmeon_env_factory(config): webhook_redelivery: always is not a redelivery policy; write one of: retry, none",
        "alcmeon_env_factory(config): agents[0].teams[0]: no team 'Nope' in this environment;"
        " write one of: Support, Sales, Salesforce agents",
    ]


def test_the_fixtures_refuse_a_bad_argument_before_starting_anything(
    sf_org_factory, alcmeon_env_factory, topology_factory
):
    with pytest.raises(ConfigError, match=r"^sf_org_factory\(config\): users\[0\]\.last_name: missing"):
        sf_org_factory({"users": [{"username": "a@b.c"}]})
    with pytest.raises(
        ConfigError,
        match=r"^alcmeon_env_factory\(config\): instance_idd: unknown key; did you mean instance_id\?",
    ):
        alcmeon_env_factory({"instance_idd": "1"})
    with pytest.raises(
        TopologyError, match=r"^many-to-onee: no such topology; the shipped ones: many-to-many, many-to-one"
    ):
        topology_factory("many-to-onee")


def test_serve_salesforce_with_a_misspelt_key_exits_2_without_a_traceback(tmp_path):
    path = write(tmp_path, "name: Acme\nperson_acounts: true\n", "org.yaml")
    alcsim = Path(sys.executable).parent / "alcsim"
    done = subprocess.run(
        [str(alcsim), "serve", "salesforce", "--port", "0", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ},
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().startswith(
        f"{path}:2: person_acounts: unknown key; did you mean person_accounts?"
    )
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_serve_alcmeon_with_a_bad_value_exits_2_with_the_line(tmp_path):
    path = write(tmp_path, "instance_id: '12'\nwebhook_redelivery: sometimes\n", "env.yaml")
    result = CliRunner().invoke(alcsim_cli, ["serve", "alcmeon", "--config", str(path)])
    assert result.exit_code == 2
    assert (
        f"{path}:2: webhook_redelivery: sometimes is not a redelivery policy; write one of: retry, none"
        in result.output
    )
    assert "Traceback" not in result.output


def test_validate_and_show_take_the_names_simulate_takes():
    runner = CliRunner()
    ok = runner.invoke(alcsim_cli, ["topology", "validate", "many-to-one", "one-to-one"])
    assert ok.exit_code == 0 and ok.output.count(": ok") == 2
    shown = runner.invoke(alcsim_cli, ["topology", "show", "many-to-one"])
    assert shown.exit_code == 0 and "environment brand-fr" in shown.output
    unknown = runner.invoke(alcsim_cli, ["topology", "show", "many-to-onee"])
    assert unknown.exit_code == 2 and "no such topology; the shipped ones:" in unknown.output


YAML_TOPOLOGIES = sorted({*(ROOT / "scenarios").glob("*.yaml"), *(ROOT / "tests").rglob("topologies/*.yaml")})


@pytest.mark.parametrize("path", YAML_TOPOLOGIES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_topology_in_the_repository_validates(path):
    assert load(scenario_path(str(path))).environments
