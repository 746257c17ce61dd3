"""Bulk API 1.0 over raw HTTP: XML and CSV bodies, batch states, close and abort, Bulk's own error shapes."""

from __future__ import annotations

import csv
import io
import json

import pytest

# pytest puts this folder (no __init__.py) on sys.path, as tests/contract/conftest.py imports `targets`.
from bulk1_http import CSV, NS, XML, Bulk1, error_of, text


@pytest.fixture
def bulk(sf_org):
    return Bulk1(sf_org)


def test_xml_job_with_csv_batch(bulk, sf):
    job_id = bulk.job("insert", "Contact", "CSV")
    info = bulk.xml("GET", f"/job/{job_id}", media=None)
    assert job_id.startswith("750") and len(job_id) == 18
    assert [child.tag.split("}")[1] for child in info][:8] == [
        "id",
        "operation",
        "object",
        "createdById",
        "createdDate",
        "systemModstamp",
        "state",
        "concurrencyMode",
    ]
    assert (text(info, "state"), text(info, "contentType"), text(info, "apiVersion")) == (
        "Open",
        "CSV",
        "62.0",
    )
    assert text(info, "createdDate").endswith("Z")  # XML writes UTC as Z (guide, jobInfo examples)
    data = 'LastName,FirstName,Email\n"Doe, Jr.",John,#N/A\nRoe,,roe@example.com\n,Nobody,\n'
    batch_id = bulk.batch(job_id, data, CSV)
    assert batch_id.startswith("751")
    done = bulk.wait(job_id, batch_id)
    assert (text(done, "state"), text(done, "numberRecordsProcessed"), text(done, "numberRecordsFailed")) == (
        "Completed",
        "3",
        "1",
    )
    results = bulk.call("GET", f"/job/{job_id}/batch/{batch_id}/result", media=None)
    assert results.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(results.text)))
    assert results.text.splitlines()[0] == '"Id","Success","Created","Error"'
    assert [r[1:] for r in rows[1:]] == [
        ["true", "true", ""],
        ["true", "true", ""],
        ["false", "false", "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --"],
    ]
    assert rows[3][0] == ""
    first = sf.Contact.get(rows[1][0])
    assert (first["LastName"], first["FirstName"], first["Email"]) == ("Doe, Jr.", "John", None)
    request = bulk.call("GET", f"/job/{job_id}/batch/{batch_id}/request", media=None)
    assert request.text == data and request.headers["Content-Type"].startswith("text/csv")
    closed = bulk.xml("POST", f"/job/{job_id}", f'<jobInfo xmlns="{NS}"><state>Closed</state></jobInfo>')
    assert text(closed, "state") == "Closed"
    assert (text(closed, "numberBatchesCompleted"), text(closed, "numberRecordsProcessed")) == ("1", "3")
    listed = bulk.xml("GET", f"/job/{job_id}/batch", media=None)
    assert listed.tag == f"{{{NS}}}batchInfoList" and [text(b, "id") for b in listed] == [batch_id]


def test_xml_job_with_xml_batch(bulk, sf):
    account = sf.Account.create({"Name": "Parent"})["id"]
    job_id = bulk.job("insert", "Contact", "XML")
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><sObjects xmlns="{NS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<sObject><LastName>Xml</LastName><AccountId>{account}</AccountId>"
        '<Title xsi:nil="true"/></sObject><sObject><LastName>Two</LastName><Email>bad</Email></sObject></sObjects>'
    )
    batch_id = bulk.batch(job_id, body, XML)
    bulk.wait(job_id, batch_id)
    results = bulk.xml("GET", f"/job/{job_id}/batch/{batch_id}/result", media=None)
    assert results.tag == f"{{{NS}}}results"
    first, second = list(results)
    assert text(first, "success") == "true" and text(first, "created") == "true"
    assert sf.Contact.get(text(first, "id"))["AccountId"] == account
    failure = second.find(f"{{{NS}}}errors")
    assert text(second, "success") == "false" and text(failure, "statusCode") == "INVALID_EMAIL_ADDRESS"
    assert text(failure, "fields") == "Email"


def test_json_job_answers_json(bulk):
    answer = bulk.call(
        "POST",
        "/job",
        json.dumps({"operation": "insert", "object": "Account", "contentType": "JSON"}),
        "application/json",
    )
    assert answer.status_code == 201 and answer.headers["Content-Type"].startswith("application/json")
    info = answer.json()
    assert list(info) == sorted(info) and info["state"] == "Open" and info["concurrencyMode"] == "Parallel"
    batch = bulk.call("POST", f"/job/{info['id']}/batch", json.dumps([{"Name": "A"}]), "application/json")
    assert (
        batch.status_code == 201 and batch.json()["state"] == "Queued" and batch.json()["jobId"] == info["id"]
    )
    wrong = bulk.call("POST", f"/job/{info['id']}/batch", "Name\nA\n", CSV)
    assert (wrong.status_code, error_of(wrong)[1]) == (400, "InvalidBatch")
    refused = bulk.call("GET", "/job/750000000000000AAA", media="application/json")
    assert refused.status_code == 400
    assert refused.json() == {
        "exceptionCode": "InvalidJob",
        "exceptionMessage": "Invalid job id: 750000000000000AAA",
    }


@pytest.mark.parametrize("session", ["00Dbogus!token", "", None])
def test_invalid_session_is_bulk_shaped_400(bulk, session):
    answer = bulk.call("GET", "/job/750000000000000AAA", media=None, session=session or "")
    # Not the REST 401 list: jsforce re-logs in on exactly this 400 (SC 1.5; jsforce BulkApi.isSessionExpired).
    assert error_of(answer) == (400, "InvalidSessionId", "Invalid session id")
    assert b"<exceptionCode>InvalidSessionId</exceptionCode>" in answer.content
    as_json = bulk.call("POST", "/job", "{}", "application/json", session="nope")
    assert as_json.status_code == 400
    assert as_json.json() == {"exceptionCode": "InvalidSessionId", "exceptionMessage": "Invalid session id"}


def test_unknown_ids_and_urls(bulk, sf_org):
    job_id = bulk.job("insert", "Contact", "CSV")
    assert error_of(bulk.call("GET", "/job/750X00000000000AAA", media=None))[:2] == (400, "InvalidJob")
    assert error_of(bulk.call("GET", "/job/not-an-id", media=None))[:2] == (400, "InvalidJob")
    assert error_of(bulk.call("GET", f"/job/{job_id}/batch/751000000000000AAA", media=None)) == (
        400,
        "InvalidBatch",
        "Invalid batch id: 751000000000000AAA",
    )
    batch_id = bulk.batch(job_id, "LastName\nOne\n", CSV)
    bulk.wait(job_id, batch_id)
    assert (
        error_of(bulk.call("GET", f"/job/{job_id}/batch/{batch_id}/result/752000000000000AAA", media=None))[1]
        == "InvalidBatch"
    )
    assert error_of(bulk.call("GET", "/jobs", media=None))[:2] == (400, "InvalidUrl")
    assert error_of(bulk.call("DELETE", f"/job/{job_id}", media=None))[:2] == (405, "InvalidUrl")
    other = Bulk1(sf_org, version="99.0")
    assert error_of(other.call("GET", f"/job/{job_id}", media=None))[:2] == (400, "InvalidUrl")
    assert (
        error_of(bulk.call("POST", "/job", f'<jobInfo xmlns="{NS}"><operation>INSERT</operation></jobInfo>'))[
            1
        ]
        == "InvalidJob"
    )
    unknown_object = f'<jobInfo xmlns="{NS}"><operation>insert</operation><object>Nope__c</object></jobInfo>'
    assert error_of(bulk.call("POST", "/job", unknown_object))[1:] == (
        "InvalidJob",
        "Unable to find object: Nope__c",
    )
    assert error_of(bulk.call("POST", "/job", "<jobInfo><unclosed>"))[1] == "InvalidXML"


def test_close_and_abort(bulk):
    job_id = bulk.job("insert", "Contact", "CSV")
    closed = bulk.xml("POST", f"/job/{job_id}", f'<jobInfo xmlns="{NS}"><state>Closed</state></jobInfo>')
    assert text(closed, "state") == "Closed"
    refused = bulk.call("POST", f"/job/{job_id}/batch", "LastName\nLate\n", CSV)
    assert error_of(refused)[:2] == (400, "InvalidJobState")
    aborted = bulk.xml("POST", f"/job/{job_id}", f'<jobInfo xmlns="{NS}"><state>Aborted</state></jobInfo>')
    assert text(aborted, "state") == "Aborted"
    again = bulk.call("POST", f"/job/{job_id}", f'<jobInfo xmlns="{NS}"><state>Closed</state></jobInfo>')
    assert error_of(again)[:2] == (400, "InvalidJobState")
    other = bulk.job("insert", "Contact", "CSV")
    bogus = bulk.call("POST", f"/job/{other}", f'<jobInfo xmlns="{NS}"><state>Done</state></jobInfo>')
    assert error_of(bogus)[:2] == (400, "InvalidJobState")


@pytest.mark.empty_org
def test_bad_csv_is_refused_and_loses_nothing(bulk, sf):
    job_id = bulk.job("insert", "Contact", "CSV")
    kept = bulk.batch(job_id, "LastName\nKept\n", CSV)
    bulk.wait(job_id, kept)
    for body in ('LastName,Title\n"Unclosed,T\n', "LastName,Title\nToo,many,cells\n", "\n"):
        answer = bulk.call("POST", f"/job/{job_id}/batch", body, CSV)
        assert error_of(answer)[:2] == (400, "ClientInputError"), body
    unknown = bulk.batch(job_id, "LastName,Nope__c\nX,Y\n", CSV)
    failed = bulk.wait(job_id, unknown)
    assert text(failed, "state") == "Failed"
    assert text(failed, "stateMessage") == "InvalidBatch : Field name not found : Nope__c"
    results = bulk.call("GET", f"/job/{job_id}/batch/{unknown}/result", media=None)
    assert error_of(results) == (400, "InvalidBatch", "Records not found for this batch")
    assert [r["LastName"] for r in sf.query("SELECT LastName FROM Contact")["records"]] == ["Kept"]
    info = bulk.xml("GET", f"/job/{job_id}", media=None)
    assert (text(info, "numberBatchesTotal"), text(info, "numberBatchesFailed")) == ("2", "1")


@pytest.mark.empty_org
def test_csv_query_job_and_result_ids(bulk, sf):
    account = sf.Account.create({"Name": "Acme, Inc."})["id"]
    for name in ("Ann", "Bob"):
        sf.Contact.create({"LastName": name, "AccountId": account})
    job_id = bulk.job("query", "Contact", "CSV")
    batch_id = bulk.batch(job_id, "SELECT Id, LastName, Account.Name FROM Contact ORDER BY LastName", CSV)
    bulk.wait(job_id, batch_id)
    listed = bulk.xml("GET", f"/job/{job_id}/batch/{batch_id}/result", media=None)
    assert listed.tag == f"{{{NS}}}result-list"
    result_ids = [r.text for r in listed]
    assert len(result_ids) == 1 and result_ids[0].startswith("752")
    body = bulk.call("GET", f"/job/{job_id}/batch/{batch_id}/result/{result_ids[0]}", media=None)
    rows = list(csv.reader(io.StringIO(body.text)))
    assert rows[0] == ["Id", "LastName", "Account.Name"]
    assert [r[1:] for r in rows[1:]] == [["Ann", "Acme, Inc."], ["Bob", "Acme, Inc."]]
    empty = bulk.batch(job_id, "SELECT Id FROM Contact WHERE LastName = 'Nobody'", CSV)
    bulk.wait(job_id, empty)
    (empty_result,) = [r.text for r in bulk.xml("GET", f"/job/{job_id}/batch/{empty}/result", media=None)]
    nothing = bulk.call("GET", f"/job/{job_id}/batch/{empty}/result/{empty_result}", media=None)
    assert nothing.text == "Records not found for this query"
    bad = bulk.batch(job_id, "SELECT Id FROM Contact WHERE", CSV)
    failed = bulk.wait(job_id, bad)
    assert text(failed, "state") == "Failed"
    assert text(failed, "stateMessage").startswith(
        "InvalidBatch : Failed to process query: MALFORMED_QUERY: "
    )


@pytest.mark.parametrize(
    "body, media",
    [
        (b"\xff\xfe\x00garbage", XML),
        (b"[" * 5_000, "application/json"),
        (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><jobInfo xmlns="' + NS.encode() + b'">&a;</jobInfo>', XML),
        (b'{"operation": "insert", "object": "Contact", "concurrencyMode": "Sometimes"}', "application/json"),
        (b"[1, 2]", "application/json"),
        (b"", None),
    ],
)
def test_hostile_bodies_get_bulk_errors(bulk, body, media):
    job_id = bulk.job("insert", "Contact", "JSON" if media == "application/json" else "XML")
    for path in ("/job", f"/job/{job_id}", f"/job/{job_id}/batch"):
        headers = {"X-SFDC-Session": bulk.token, **({"Content-Type": media} if media else {})}
        answer = bulk.http.post(bulk.base + path, data=body, headers=headers)
        assert answer.status_code == 400, (path, answer.text)
        if media == "application/json":
            assert set(answer.json()) == {"exceptionCode", "exceptionMessage"}, path
        else:
            assert error_of(answer)[0] == 400, path


def test_abort_leaves_queued_batches_not_processed(bulk, sf):
    busy = bulk.job("insert", "Contact", "CSV")
    big = "LastName\n" + "".join(f"Busy {i}\n" for i in range(10_000))
    ahead = [bulk.batch(busy, big, CSV) for _ in range(2)]  # the worker takes batches oldest first
    job_id = bulk.job("insert", "Contact", "CSV")
    waiting = bulk.batch(job_id, "LastName\nNever\n", CSV)
    aborted = bulk.xml("POST", f"/job/{job_id}", f'<jobInfo xmlns="{NS}"><state>Aborted</state></jobInfo>')
    assert text(aborted, "state") == "Aborted"
    assert text(bulk.wait(job_id, waiting), "state") == "NotProcessed"
    for batch_id in ahead:
        assert text(bulk.wait(busy, batch_id), "state") == "Completed"
    assert sf.query("SELECT COUNT() FROM Contact WHERE LastName = 'Never'")["totalSize"] == 0
    refused = bulk.call("GET", f"/job/{job_id}/batch/{waiting}/result", media=None)
    assert error_of(refused) == (400, "InvalidBatch", "Records not found for this batch")
