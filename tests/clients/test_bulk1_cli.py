"""The Salesforce CLI's Bulk API 1.0 commands (`sf force data bulk upsert|delete|status`), pinned and unmodified.

plugin-data's messages/bulk.upsert.md: "Bulk upsert records to an org from a CSV file. Uses Bulk API 1.0."
They go through jsforce's `bulk` (XML jobInfo, CSV batches, X-SFDC-Session).
"""

from __future__ import annotations

import json

import pytest

EXT = "alcmeon__Alcmeon_User_Id__c"


@pytest.fixture
def cli(client_env, sf_org, tmp_path, node_json, journal, tools):
    """`cli(*args)` runs `sf ARGS --json` logged in to the fake org, and answers the command's result."""
    run_js = str(tools / "@salesforce" / "cli" / "bin" / "run.js")
    env = {**client_env, "SF_ACCESS_TOKEN": sf_org.access_token()}
    work = tmp_path / "work"
    work.mkdir()

    def run(*args: str) -> dict:
        answer = node_json([run_js, *args, "--json"], env, work)
        assert answer.get("status") == 0, f"{json.dumps(answer)[:2000]}\nthe fake answered: {journal()}"
        return answer["result"]

    run(
        "org",
        "login",
        "access-token",
        "--instance-url",
        sf_org.instance_url,
        "--no-prompt",
        "--alias",
        "fake",
    )
    run.work = work
    return run


def test_force_data_bulk_upsert_status_and_delete(cli, sf):
    existing = sf.Contact.create({"LastName": "Before", EXT: "cli-1"})["id"]
    rows = [
        f"{EXT},LastName,Title",
        "cli-1,Updated,Boss",
        "cli-2,Created,",
        'cli-3,"Quoted, Name",Dev',
        "cli-4,,X",
    ]
    (cli.work / "contacts.csv").write_text("\n".join(rows) + "\n")
    result = cli(
        "force",
        "data",
        "bulk",
        "upsert",
        "-o",
        "fake",
        "-s",
        "Contact",
        "-f",
        "contacts.csv",
        "-i",
        EXT,
        "-w",
        "1",
    )
    job = result[0]
    assert job["id"].startswith("750") and job["operation"] == "upsert" and job["object"] == "Contact"
    assert job["state"] == "Closed"  # the CLI closes the job once its batches are queued
    assert (job["numberRecordsProcessed"], job["numberRecordsFailed"]) == ("4", "1")
    assert sf.Contact.get(existing)["Title"] == "Boss"
    created = sf.query(f"SELECT Id, LastName FROM Contact WHERE {EXT} IN ('cli-2', 'cli-3') ORDER BY {EXT}")
    assert [r["LastName"] for r in created["records"]] == ["Created", "Quoted, Name"]

    status = cli("force", "data", "bulk", "status", "-o", "fake", "-i", job["id"])
    assert status["id"] == job["id"] and status["numberBatchesCompleted"] == "1"

    ids = [r["Id"] for r in created["records"]]
    (cli.work / "delete.csv").write_text("Id\n" + "\n".join(ids) + "\n")
    deleted = cli(
        "force", "data", "bulk", "delete", "-o", "fake", "-s", "Contact", "-f", "delete.csv", "-w", "1"
    )
    assert deleted[0]["operation"] == "delete" and deleted[0]["numberRecordsProcessed"] == "2"
    assert sf.query(f"SELECT COUNT() FROM Contact WHERE {EXT} IN ('cli-2', 'cli-3')")["totalSize"] == 0


# jsforce's own Bulk API 1.0 (`conn.bulk`), the module the CLI commands above are built on.
JSFORCE_SCRIPT = """
const jsforce = require('jsforce');
const conn = new jsforce.Connection({
  instanceUrl: process.env.SF_INSTANCE_URL, accessToken: process.env.SF_TOKEN, version: '62.0',
});
conn.bulk.pollInterval = 200;
const out = (value) => process.stdout.write(JSON.stringify(value));
async function main() {
  // jsforce writes the CSV header from the first record's keys, so every row has the same ones.
  const rows = [{ LastName: 'Js One', Title: '' }, { LastName: '', Title: 'No last name' },
                { LastName: 'Js Two', Title: 'Comma, inside' }];
  const loaded = await conn.bulk.load('Contact', 'insert', rows);
  const stream = await conn.bulk.query('SELECT Id, LastName, Title FROM Contact ORDER BY LastName');
  const records = [];
  await new Promise((resolve, reject) => {
    stream.on('record', (r) => records.push(r)).on('end', resolve).on('error', reject);
  });
  out({ loaded, records });
}
main().catch((e) => out({ error: { errorCode: e.errorCode, name: e.name, message: e.message } }));
"""


def test_jsforce_bulk_load_and_query(client_env, sf_org, tmp_path, node_json, journal):
    env = {**client_env, "SF_INSTANCE_URL": sf_org.instance_url, "SF_TOKEN": sf_org.access_token()}
    script = tmp_path / "bulk1.js"
    script.write_text(JSFORCE_SCRIPT)
    answer = node_json([str(script)], env, tmp_path)
    assert "error" not in answer, f"{answer}\nthe fake answered: {journal()}"
    loaded = answer["loaded"]
    assert [r["success"] for r in loaded] == [True, False, True]
    assert loaded[1]["errors"] == [
        "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --"
    ]
    records = answer["records"]
    assert [(r["LastName"], r["Title"]) for r in records] == [("Js One", ""), ("Js Two", "Comma, inside")]
    assert {r["Id"] for r in records} == {loaded[0]["id"], loaded[2]["id"]}
