"""The Salesforce CLI (`sf`, pinned, unmodified) logged in once to the module's fake org, throwaway HOME."""

from __future__ import annotations

import json

import pytest

from alcsim.simulators.common.clock import Clock
from alcsim.simulators.salesforce.running import start_org


@pytest.fixture(scope="module")
def sf_org():
    """One org for the module's tests, so that the CLI logs in once: each `sf` is a Node start of ~2.5 s
    of CPU. `cli` deletes the Accounts and Contacts after each test, so each starts without any, as it
    would on a fresh org."""
    running = start_org(clock=Clock())
    yield running
    running.stop()


@pytest.fixture(scope="module")
def logged_in(client_environment, sf_org, tmp_path_factory, node_json, journal_of, tools):
    """`logged_in(*args)` runs `sf ARGS --json` and answers its parsed output; logged in first, as a user would."""
    run_js = str(tools / "@salesforce" / "cli" / "bin" / "run.js")
    place = tmp_path_factory.mktemp("sf-cli")
    (place / "home").mkdir()
    env = {**client_environment(sf_org, place / "home"), "SF_ACCESS_TOKEN": sf_org.access_token()}
    work = place / "work"
    work.mkdir()
    journal = journal_of(sf_org)

    def run(*args: str) -> dict:
        answer = node_json([run_js, *args, "--json"], env, work)
        answer["_journal"] = journal
        return answer

    login = run(
        "org",
        "login",
        "access-token",
        "--instance-url",
        sf_org.instance_url,
        "--no-prompt",
        "--alias",
        "fake",
    )
    assert login["status"] == 0, f"{login}\nthe fake answered: {journal()}"
    run.login = login
    run.work = work
    return run


@pytest.fixture
def cli(logged_in, sf_org):
    """The logged-in CLI; afterwards the org is as fresh as the next test expects (no Account, no Contact)."""
    yield logged_in
    sf = sf_org.client()
    for sobject in ("Contact", "Account"):
        for record in sf.query_all(f"SELECT Id FROM {sobject}")["records"]:
            getattr(sf, sobject).delete(record["Id"])


def _ok(answer: dict) -> dict:
    journal = answer.pop("_journal")
    assert answer.get("status") == 0, f"{json.dumps(answer)[:2000]}\nthe fake answered: {journal()}"
    return answer["result"]


def test_login_access_token(cli, sf_org):
    result = _ok(cli.login | {"_journal": lambda: ""})
    assert result["orgId"] == sf_org.describe()["organization_id"]
    assert result["instanceUrl"].rstrip("/") == sf_org.instance_url
    assert result["username"]


def test_org_display(cli):
    result = _ok(cli("org", "display", "--target-org", "fake"))
    # `sf org display` reads Organization's fields; a failure shows here, not as a non-zero status.
    assert result["connectedStatus"] == "Connected", result
    assert result["id"].startswith("00D")


def test_data_query(cli, sf):
    sf.Account.create({"Name": "Cli Query Co"})
    result = _ok(cli("data", "query", "--target-org", "fake", "--query", "SELECT Id, Name FROM Account"))
    assert [r["Name"] for r in result["records"]] == ["Cli Query Co"] and result["totalSize"] == 1


def test_data_create_get_update_delete_record(cli, sf):
    created = _ok(
        cli("data", "create", "record", "-o", "fake", "--sobject", "Account", "--values", "Name='Cli Co'")
    )
    record_id = created["id"]
    assert created["success"] is True and sf.Account.get(record_id)["Name"] == "Cli Co"
    got = _ok(cli("data", "get", "record", "-o", "fake", "--sobject", "Account", "--record-id", record_id))
    assert got["Name"] == "Cli Co"
    _ok(
        cli(
            "data",
            "update",
            "record",
            "-o",
            "fake",
            "-s",
            "Account",
            "-i",
            record_id,
            "--values",
            "Name='Renamed'",
        )
    )
    assert sf.Account.get(record_id)["Name"] == "Renamed"
    _ok(cli("data", "delete", "record", "-o", "fake", "-s", "Account", "-i", record_id))
    assert sf.query(f"SELECT Id FROM Account WHERE Id = '{record_id}'")["totalSize"] == 0


def test_sobject_describe(cli):
    result = _ok(cli("sobject", "describe", "-o", "fake", "--sobject", "Contact"))
    assert result["name"] == "Contact" and {"LastName", "AccountId"} <= {f["name"] for f in result["fields"]}


def test_data_import_and_export_tree(cli, sf):
    plan = {
        "records": [
            {
                "attributes": {"type": "Account", "referenceId": "AccRef1"},
                "Name": "Tree Co",
                "Contacts": {
                    "records": [
                        {"attributes": {"type": "Contact", "referenceId": "ConRef1"}, "LastName": "Leaf"}
                    ]
                },
            }
        ]
    }
    (cli.work / "tree.json").write_text(json.dumps(plan))
    imported = _ok(cli("data", "import", "tree", "-o", "fake", "--files", "tree.json"))
    assert sorted(r["refId"] for r in imported) == ["AccRef1", "ConRef1"]
    account = sf.query("SELECT Id, (SELECT LastName FROM Contacts) FROM Account WHERE Name = 'Tree Co'")
    assert account["records"][0]["Contacts"]["records"][0]["LastName"] == "Leaf"
    exported = cli(
        "data",
        "export",
        "tree",
        "-o",
        "fake",
        "--output-dir",
        "out",
        "--query",
        "SELECT Id, Name, (SELECT LastName FROM Contacts) FROM Account",
    )
    result = _ok(exported)
    written = json.loads((cli.work / "out" / "Account-Contact.json").read_text())
    assert written["records"][0]["Name"] == "Tree Co", result
    assert written["records"][0]["Contacts"]["records"][0]["LastName"] == "Leaf"


def test_org_list_limits(cli):
    result = _ok(cli("org", "list", "limits", "-o", "fake"))
    assert "DailyApiRequests" in {limit["name"] for limit in result}
