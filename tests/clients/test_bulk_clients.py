"""Bulk API 2.0 from the real tools: the Salesforce CLI's `data import bulk` / `data export bulk`, jsforce's bulk2."""

from __future__ import annotations

import csv
import json
import textwrap

import pytest

ROWS = 500

JSFORCE = """
const jsforce = require('jsforce');
const conn = new jsforce.Connection({
  instanceUrl: process.env.SF_INSTANCE_URL, accessToken: process.env.SF_TOKEN, version: '62.0',
});
conn.bulk2.pollInterval = 100;
const out = (value) => process.stdout.write(JSON.stringify(value));
async function main() {
%s
}
main().catch((e) => out({ error: { errorCode: e.errorCode, name: e.name, message: e.message } }));
"""


@pytest.fixture
def sf_cli(client_env, sf_org, tmp_path, node_json, journal, tools):
    """`sf_cli(*args)`: `sf ARGS --json` after `sf org login access-token`, as test_sf_cli.py drives it."""
    run_js = str(tools / "@salesforce" / "cli" / "bin" / "run.js")
    env = {**client_env, "SF_ACCESS_TOKEN": sf_org.access_token()}
    work = tmp_path / "work"
    work.mkdir()

    def run(*args: str, status: int = 0) -> dict:
        answer = node_json([run_js, *args, "--json"], env, work)
        assert answer.get("status") == status, f"{json.dumps(answer)[:2000]}\nthe fake answered: {journal()}"
        return answer.get("result", answer)

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


@pytest.fixture
def jsforce(client_env, sf_org, tmp_path, node_json, journal):
    env = {**client_env, "SF_INSTANCE_URL": sf_org.instance_url, "SF_TOKEN": sf_org.access_token()}

    def run(body: str) -> dict:
        script = tmp_path / "bulk.js"
        script.write_text(JSFORCE % textwrap.indent(textwrap.dedent(body), "  "))
        answer = node_json([str(script)], env, tmp_path)
        assert "error" not in answer, f"{answer}\nthe fake answered: {journal()}"
        return answer

    return run


def test_sf_data_import_bulk_then_export_bulk(sf_cli, sf):
    source = sf_cli.work / "contacts.csv"
    with source.open("w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["LastName", "Email"])
        writer.writerows([f"Cli {i}", f"cli{i}@example.com"] for i in range(ROWS))
        writer.writerow(["", "nobody@example.com"])  # no LastName: one failed record
    # The CLI exits 1 when a record failed, naming the job whose results tell which (plugin-data 5.1.7).
    refused = sf_cli(
        "data",
        "import",
        "bulk",
        "--file",
        str(source),
        "--sobject",
        "Contact",
        "--wait",
        "5",
        "-o",
        "fake",
        status=1,
    )
    assert refused["name"] == "FailedRecordDetailsError" and refused["data"]["state"] == "JobComplete", (
        refused
    )
    results = sf_cli("data", "bulk", "results", "--job-id", refused["data"]["jobId"], "-o", "fake")
    assert results["processedRecords"] == ROWS + 1 and results["failedRecords"] == 1, results
    assert sf.query("SELECT COUNT() FROM Contact")["totalSize"] == ROWS

    target = sf_cli.work / "export.csv"
    exported = sf_cli(
        "data",
        "export",
        "bulk",
        "--query",
        "SELECT Id, LastName, Email FROM Contact",
        "--output-file",
        str(target),
        "--result-format",
        "csv",
        "--wait",
        "5",
        "-o",
        "fake",
    )
    assert exported["totalSize"] == ROWS, exported
    with target.open(newline="") as data:
        rows = list(csv.DictReader(data))
    assert len(rows) == ROWS and {r["LastName"] for r in rows} == {f"Cli {i}" for i in range(ROWS)}


def test_jsforce_bulk2_load_and_query(jsforce, sf):
    answer = jsforce(f"""
        const lines = ['LastName,Title'];
        for (let i = 0; i < {ROWS}; i++) lines.push(`Js ${{i}},Loader`);
        lines.push('{"x" * 81},Too long');
        const results = await conn.bulk2.loadAndWaitForResults({{
          object: 'Contact', operation: 'insert', input: lines.join('\\n') + '\\n',
        }});
        const stream = await conn.bulk2.query("SELECT Id, LastName FROM Contact WHERE Title = 'Loader'");
        const records = await stream.toArray();
        out({{
          ok: results.successfulResults.length,
          failed: results.failedResults.map((r) => r.sf__Error),
          unprocessed: results.unprocessedRecords.length,
          queried: records.length,
          first: records[0],
        }});
    """)
    assert answer["ok"] == ROWS and answer["unprocessed"] == 0
    assert [e.split(":")[0] for e in answer["failed"]] == ["STRING_TOO_LONG"]
    assert answer["queried"] == ROWS and answer["first"]["Id"].startswith("003")
    assert sf.query("SELECT COUNT() FROM Contact WHERE Title = 'Loader'")["totalSize"] == ROWS
