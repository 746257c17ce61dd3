"""A parity run against a fresh fake org (a real HTTPS org): fake-only tests left out, the rest pass, and
what they created is deleted afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Fake-only tests by function and by parameter, package and empty-org tests, the optional login flow.
MODULES = [
    "tests/contract/salesforce/test_sf_composite.py",
    "tests/contract/salesforce/test_sf_versions_resources.py",
    "tests/contract/salesforce/test_sf_auth.py",
]


def _run(args: list[str], parity: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "ALCSIM_PARITY_"))}
    # Only alcsim's plugin: the other installed ones (bdd, hypothesis, playwright...) triple the start-up.
    env.update(parity, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "alcsim.simulators.pytest_plugin", "-q", "-rs", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _outcomes(report: Path) -> dict[str, tuple[str, str]]:
    """Each test of a JUnit report, named as a node id, with its outcome and the skip or failure text."""
    found = {}
    for case in ET.parse(report).iter("testcase"):
        path = case.get("classname").replace(".", "/") + ".py"
        outcome, text = "passed", ""
        for child in case:
            if child.tag in ("skipped", "failure", "error"):
                outcome, text = child.tag, child.get("message", "")
        found[f"{path}::{case.get('name')}"] = (outcome, text)
    return found


def _variables(running, **more) -> dict[str, str]:
    return {
        "ALCSIM_PARITY_INSTANCE_URL": running.instance_url,
        "ALCSIM_PARITY_CA_BUNDLE": running.ca_bundle,
        **more,
    }


def test_a_parity_run_skips_the_fake_only_tests_passes_the_rest_and_cleans_up(sf_org, tmp_path):
    fake_only = _run(["--collect-only", "-m", "fake_only", *MODULES], {})
    expected = {line for line in fake_only.stdout.splitlines() if "::" in line}
    assert len(expected) >= 8, fake_only.stdout

    report = tmp_path / "parity.xml"
    user, app = sf_org.user, sf_org.app
    variables = _variables(
        sf_org,
        ALCSIM_PARITY_ACCESS_TOKEN=sf_org.access_token(),
        # The optional login: the auth tests log in with these instead of being skipped.
        ALCSIM_PARITY_CLIENT_ID=app.client_id,
        ALCSIM_PARITY_CLIENT_SECRET=app.client_secret,
        ALCSIM_PARITY_USERNAME=user.username,
        ALCSIM_PARITY_PASSWORD=user.password,
        ALCSIM_PARITY_SECURITY_TOKEN=user.security_token,
        ALCSIM_PARITY_REFRESH_TOKEN=sf_org.refresh_token(),
        ALCSIM_PARITY_EMPTY_ORG="1",  # a fresh fake is an empty org
    )
    done = _run([f"--junitxml={report}", *MODULES], variables)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    outcomes = _outcomes(report)
    skipped = {test for test, (outcome, _) in outcomes.items() if outcome == "skipped"}
    assert skipped == expected
    assert all(outcomes[test][1].startswith("fake only") for test in skipped)
    passed = {test for test, (outcome, _) in outcomes.items() if outcome == "passed"}
    assert passed == set(outcomes) - expected and len(passed) >= 20
    # Run in this org, every record the tests created was deleted after its test (and so is in the bin).
    sf = sf_org.client()
    for sobject in ("Account", "Contact"):
        assert sf.query(f"SELECT COUNT() FROM {sobject}")["totalSize"] == 0, sobject
    deleted = sf.restful("queryAll", params={"q": "SELECT Name FROM Account WHERE IsDeleted = true"})
    assert {"Ref", "v31.0", "Recently"} <= {r["Name"] for r in deleted["records"]}


def test_without_the_package_or_an_empty_org_their_tests_are_skipped(sf_org_factory, tmp_path):
    running = sf_org_factory({"package_version": None})
    report = tmp_path / "parity.xml"
    variables = _variables(running, ALCSIM_PARITY_ACCESS_TOKEN=running.access_token())
    done = _run([f"--junitxml={report}", *MODULES[:2]], variables)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    outcomes = _outcomes(report)
    versions = "tests/contract/salesforce/test_sf_versions_resources.py"
    composite = "tests/contract/salesforce/test_sf_composite.py"
    assert outcomes[f"{versions}::test_upsert_before_v46_answers_as_it_did"] == (
        "skipped",
        "the org has no Alcméon package (alcmeon__Conversation__c is not served)",
    )
    outcome, reason = outcomes[f"{composite}::test_collection_all_or_none_rolls_back"]
    assert outcome == "skipped" and "ALCSIM_PARITY_EMPTY_ORG=1" in reason
    assert outcomes[f"{versions}::test_recent_items"] == ("passed", "")


def test_a_half_set_parity_configuration_stops_the_run():
    done = _run(["--collect-only", MODULES[0]], {"ALCSIM_PARITY_INSTANCE_URL": "https://example.invalid"})
    assert done.returncode == 4  # pytest's usage error
    assert "also set ALCSIM_PARITY_ACCESS_TOKEN" in done.stdout + done.stderr
