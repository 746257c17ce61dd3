"""jsforce (pinned, unmodified, on the pinned Node 22) against a fresh fake org: one small script a test."""

from __future__ import annotations

import json
import textwrap

import pytest

# Each script reads its connection from the environment and prints one JSON document; a failure prints
# the error's errorCode and message so the test can check Salesforce's own code.
PRELUDE = """
const jsforce = require('jsforce');
const conn = new jsforce.Connection({
  instanceUrl: process.env.SF_INSTANCE_URL, accessToken: process.env.SF_TOKEN, version: '62.0',
});
const out = (value) => process.stdout.write(JSON.stringify(value));
async function main() {
%s
}
main().catch((e) => out({ error: { errorCode: e.errorCode, name: e.name, message: e.message } }));
"""


@pytest.fixture
def jsforce(client_env, sf_org, tmp_path, node_json, journal):
    env = {**client_env, "SF_INSTANCE_URL": sf_org.instance_url, "SF_TOKEN": sf_org.access_token()}

    def run(body: str) -> dict:
        script = tmp_path / "script.js"
        script.write_text(PRELUDE % textwrap.indent(textwrap.dedent(body), "  "))
        answer = node_json([str(script)], env, tmp_path)
        assert "error" not in answer or body.count("expectError"), f"{answer}\nthe fake answered: {journal()}"
        return answer

    return run


def test_crud(jsforce, sf):
    answer = jsforce("""
        const accounts = conn.sobject('Account');
        const created = await accounts.create({ Name: 'Jsforce Co' });
        const read = await accounts.retrieve(created.id);
        const updated = await accounts.update({ Id: created.id, Name: 'Jsforce Renamed' });
        const reread = await accounts.retrieve(created.id);
        const deleted = await accounts.destroy(created.id);
        out({ created, name: read.Name, updated, renamed: reread.Name, deleted });
    """)
    assert answer["created"]["success"] is True and answer["created"]["id"].startswith("001")
    assert answer["name"] == "Jsforce Co" and answer["renamed"] == "Jsforce Renamed"
    assert answer["updated"]["success"] is True and answer["deleted"]["success"] is True
    assert sf.query(f"SELECT Id FROM Account WHERE Id = '{answer['created']['id']}'")["totalSize"] == 0


def test_query_and_query_more(jsforce, sf):
    for start in (0, 200):
        records = [{"attributes": {"type": "Account"}, "Name": f"Q{i:03}"} for i in range(start, start + 150)]
        assert all(
            r["success"] for r in sf.restful("composite/sobjects", method="POST", json={"records": records})
        )
    # batchSize=200 is the smallest batch Salesforce honours (Sforce-Query-Options), so 300 rows need two.
    answer = jsforce("""
        const headers = { 'Sforce-Query-Options': 'batchSize=200' };
        const soql = "SELECT Id, Name FROM Account WHERE Name LIKE 'Q%' ORDER BY Name";
        const first = await conn.query(soql, { autoFetch: false, headers });
        const more = await conn.queryMore(first.nextRecordsUrl, { headers });
        out({ total: first.totalSize, done: first.done, first: first.records.length,
              more: more.records.length, moreDone: more.done, last: more.records.at(-1).Name });
    """)
    assert answer == {
        "total": 300,
        "done": False,
        "first": 200,
        "more": 100,
        "moreDone": True,
        "last": "Q349",
    }


def test_describe_and_describe_global(jsforce):
    answer = jsforce("""
        const global = await conn.describeGlobal();
        const account = await conn.sobject('Contact').describe();
        out({ names: global.sobjects.map((s) => s.name), name: account.name,
              fields: account.fields.map((f) => f.name), prefix: account.keyPrefix });
    """)
    assert {"Account", "Contact", "alcmeon__Conversation__c"} <= set(answer["names"])
    assert answer["name"] == "Contact" and answer["prefix"] == "003"
    assert {"Id", "LastName", "AccountId", "Email"} <= set(answer["fields"])


def test_upsert_by_external_id(jsforce, sf):
    answer = jsforce("""
        const conversations = conn.sobject('alcmeon__Conversation__c');
        const first = await conversations.upsert({ alcmeon__scoped_id__c: 'js-1', alcmeon__Status__c: 'OPEN' },
                                                 'alcmeon__scoped_id__c');
        const second = await conversations.upsert({ alcmeon__scoped_id__c: 'js-1', alcmeon__Status__c: 'CLOSED' },
                                                  'alcmeon__scoped_id__c');
        out({ first, second });
    """)
    assert answer["first"]["success"] is True and answer["first"]["created"] is True
    assert answer["second"]["success"] is True and answer["second"]["created"] is False
    rows = sf.query(
        "SELECT alcmeon__Status__c FROM alcmeon__Conversation__c WHERE alcmeon__scoped_id__c = 'js-1'"
    )
    assert [r["alcmeon__Status__c"] for r in rows["records"]] == ["CLOSED"]


def test_sobject_collections(jsforce, sf):
    # An array given to create/update/destroy goes through /composite/sobjects (jsforce's collections).
    answer = jsforce("""
        const made = await conn.sobject('Account').create([{ Name: 'C1' }, { Name: 'C2' }], { allOrNone: true });
        const ids = made.map((r) => r.id);
        const updated = await conn.sobject('Account').update(ids.map((Id, i) => ({ Id, Name: 'D' + i })));
        const fetched = (await conn.query(`SELECT Name FROM Account WHERE Id IN ('${ids.join("','")}') ORDER BY Name`)).records;
        const failed = await conn.sobject('Contact').create([{ LastName: 'Ok' }, { FirstName: 'NoLastName' }],
                                                          { allOrNone: true });
        const destroyed = await conn.sobject('Account').destroy(ids);
        out({ made, updated, names: fetched.map((r) => r.Name), failed, destroyed });
    """)
    assert [r["success"] for r in answer["made"]] == [True, True]
    assert [r["success"] for r in answer["updated"]] == [True, True]
    assert answer["names"] == ["D0", "D1"]
    codes = [[e["statusCode"] for e in r["errors"]] for r in answer["failed"]]
    assert codes == [["ALL_OR_NONE_OPERATION_ROLLED_BACK"], ["REQUIRED_FIELD_MISSING"]], answer["failed"]
    assert [r["success"] for r in answer["destroyed"]] == [True, True]
    assert sf.query("SELECT Id FROM Contact WHERE LastName = 'Ok'")["totalSize"] == 0


def test_bad_query_error_code(jsforce):
    answer = jsforce("""
        // expectError: a malformed query must fail with Salesforce's own code.
        await conn.query('SELECT Id FROM NoSuchObject__c');
        out({ unexpected: 'no error' });
    """)
    assert answer["error"]["errorCode"] == "INVALID_TYPE", json.dumps(answer)


def test_retrieve_collection(jsforce, sf):
    ids = [sf.Account.create({"Name": f"R{i}"})["id"] for i in range(2)]
    # jsforce retrieves several ids with POST composite/sobjects/Account {ids, fields}.
    answer = jsforce(f"""
        const fetched = await conn.sobject('Account').retrieve({json.dumps(ids)});
        out({{ names: fetched.map((r) => r.Name) }});
    """)
    assert answer["names"] == ["R0", "R1"]
