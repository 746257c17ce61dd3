"""Bulk API 2.0 query jobs through simple-salesforce's `sf.bulk2` and raw calls (SC 1.6, api_asynch)."""

from __future__ import annotations

import csv
import io
import time

import pytest

from alcsim.simulators.salesforce.bulk.worker import worker_for

COUNT = 10_000


def _api(sf_org):
    session = sf_org.session()
    session.headers["Authorization"] = f"Bearer {sf_org.access_token()}"
    return session, f"{sf_org.instance_url}/services/data/v62.0/jobs/query"


def _wait(session, url: str) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = session.get(url).json()
        if job["state"] in ("JobComplete", "Failed", "Aborted"):
            return job
        time.sleep(0.05)
    raise AssertionError(job)


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _load(sf, count: int = COUNT) -> str:
    account = sf.Account.create({"Name": "Parent, Inc."})["id"]
    records = [{"LastName": f"Q{i:05}", "AccountId": account if i % 2 else ""} for i in range(count)]
    [result] = sf.bulk2.Contact.insert(records=records, wait=0.1)
    assert result["numberRecordsFailed"] == 0
    return account


@pytest.mark.empty_org
def test_query_ten_thousand_contacts_in_pages_with_relationship_columns(sf_org, sf):
    _load(sf)
    pages = list(
        sf.bulk2.Contact.query(
            "SELECT Id, LastName, Account.Name FROM Contact ORDER BY LastName", max_records=3000, wait=0.1
        )
    )
    assert len(pages) == 4  # 3000 + 3000 + 3000 + 1000
    rows = [row for page in pages for row in _rows(page)]
    assert len(rows) == COUNT and list(rows[0]) == ["Id", "LastName", "Account.Name"]
    assert [r["LastName"] for r in rows] == [f"Q{i:05}" for i in range(COUNT)]
    assert {r["Account.Name"] for r in rows[1::2]} == {"Parent, Inc."} and {
        r["Account.Name"] for r in rows[::2]
    } == {""}
    assert pages[0].startswith('"Id","LastName","Account.Name"\n')


@pytest.mark.empty_org
def test_headers_locator_and_max_records(sf_org, sf):
    _load(sf, 25)
    session, base = _api(sf_org)
    job = session.post(base, json={"operation": "query", "query": "SELECT Id FROM Contact"}).json()
    assert job["state"] == "UploadComplete" and job["object"] == "Contact" and "contentUrl" not in job
    done = _wait(session, f"{base}/{job['id']}")
    assert done["numberRecordsProcessed"] == 25 and done["jobType"] == "V2Query"
    first = session.get(f"{base}/{job['id']}/results", params={"maxRecords": 10})
    assert first.headers["Sforce-NumberOfRecords"] == "10" and first.headers["Content-Type"].startswith(
        "text/csv"
    )
    locator = first.headers["Sforce-Locator"]
    assert locator != "null"
    rest = session.get(f"{base}/{job['id']}/results", params={"locator": locator})
    assert rest.headers["Sforce-NumberOfRecords"] == "15" and rest.headers["Sforce-Locator"] == "null"
    ids = [r["Id"] for r in _rows(first.text) + _rows(rest.text)]
    assert len(set(ids)) == 25
    bad = session.get(f"{base}/{job['id']}/results", params={"locator": "not a locator"})
    assert bad.status_code == 400 and bad.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


@pytest.mark.empty_org
def test_query_all_sees_the_recycle_bin(sf):
    kept = sf.Contact.create({"LastName": "Kept"})["id"]
    gone = sf.Contact.create({"LastName": "Gone"})["id"]
    sf.Contact.delete(gone)
    # `wait`: simple-salesforce sleeps that long before its first check of the job (bulk2.py:
    # `wait_for_job`), 5 s unless told.
    plain = [
        r["Id"] for page in sf.bulk2.Contact.query("SELECT Id FROM Contact", wait=0.1) for r in _rows(page)
    ]
    every = [
        r["Id"]
        for page in sf.bulk2.Contact.query_all("SELECT Id, IsDeleted FROM Contact", wait=0.1)
        for r in _rows(page)
    ]
    assert plain == [kept] and sorted(every) == sorted([kept, gone])


def test_a_bad_query_answers_the_same_error_as_rest(sf_org, sf):
    session, base = _api(sf_org)
    soql = "SELECT Id, Nope__c FROM Contact"
    bulk = session.post(base, json={"operation": "query", "query": soql})
    rest = session.get(f"{sf_org.instance_url}/services/data/v62.0/query", params={"q": soql})
    assert bulk.status_code == rest.status_code == 400
    assert bulk.json() == rest.json() and bulk.json()[0]["errorCode"] == "INVALID_FIELD"
    assert (
        session.post(base, json={"operation": "update", "query": soql}).json()[0]["errorCode"] == "INVALIDJOB"
    )


@pytest.mark.parametrize(
    ("soql", "words"),
    [
        (
            "SELECT Id, (SELECT Id FROM Contacts) FROM Account",
            "Aggregate Relationships not supported in Bulk Query",
        ),
        ("SELECT COUNT() FROM Contact", "Aggregate queries are not supported in Bulk Query"),
        ("SELECT Id, MailingAddress FROM Contact", "Selecting compound data not supported in Bulk Query"),
    ],
)
def test_what_bulk_query_cannot_do_fails_the_job(sf_org, soql, words):
    session, base = _api(sf_org)
    job = session.post(base, json={"operation": "query", "query": soql}).json()
    done = _wait(session, f"{base}/{job['id']}")
    assert done["state"] == "Failed" and words in done["errorMessage"]


@pytest.mark.empty_org
def test_abort_delete_list_and_unknown_jobs(sf_org, sf):
    session, base = _api(sf_org)
    job = session.post(base, json={"operation": "query", "query": "SELECT Id FROM Contact"}).json()
    _wait(session, f"{base}/{job['id']}")
    refused = session.patch(f"{base}/{job['id']}", json={"state": "Aborted"})
    assert refused.json() == [
        {"message": "Aborting already Completed Job not allowed", "errorCode": "INVALIDJOBSTATE"}
    ]
    listed = session.get(base).json()
    assert listed["done"] is True and [r["id"] for r in listed["records"]] == [job["id"]]
    assert listed["records"][0]["jobType"] == "V2Query"
    assert session.delete(f"{base}/{job['id']}").status_code == 204
    for method, url in [
        ("GET", f"{base}/{job['id']}"),
        ("GET", f"{base}/{job['id']}/results"),
        ("DELETE", f"{base}/{job['id']}"),
    ]:
        answer = session.request(method, url)
        assert answer.status_code == 404
        assert answer.json() == [
            {"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}
        ]
    before = sf.limits()["DailyBulkV2QueryJobs"]["Remaining"]
    session.post(base, json={"operation": "query", "query": "SELECT Id FROM Contact"})
    assert sf.limits()["DailyBulkV2QueryJobs"]["Remaining"] == before - 1


@pytest.mark.fake_only("holds the org's bulk worker to see a query job wait")
def test_results_of_a_job_not_complete_and_abort(sf_org):
    worker = worker_for(sf_org.org)
    worker.hold()
    try:
        session, base = _api(sf_org)
        job = session.post(base, json={"operation": "query", "query": "SELECT Id FROM Contact"}).json()
        early = session.get(f"{base}/{job['id']}/results")
        assert early.status_code == 400 and early.json()[0]["errorCode"] == "INVALIDJOBSTATE"
        assert session.patch(f"{base}/{job['id']}", json={"state": "Aborted"}).json()["state"] == "Aborted"
    finally:
        worker.release()
    time.sleep(0.3)
    assert session.get(f"{base}/{job['id']}").json()["state"] == "Aborted"


@pytest.mark.empty_org
def test_query_results_in_the_jobs_delimiter_and_line_ending(sf_org, sf):
    sf.Contact.create({"LastName": "Semi;colon", "Title": "Crlf"})
    session, base = _api(sf_org)
    body = {
        "operation": "query",
        "query": "SELECT LastName, Title FROM Contact",
        "columnDelimiter": "SEMICOLON",
    }
    job = session.post(base, json={**body, "lineEnding": "CRLF"}).json()
    assert job["columnDelimiter"] == "SEMICOLON" and job["lineEnding"] == "CRLF"
    _wait(session, f"{base}/{job['id']}")
    text = session.get(f"{base}/{job['id']}/results").text
    assert text == '"LastName";"Title"\r\n"Semi;colon";"Crlf"\r\n'
