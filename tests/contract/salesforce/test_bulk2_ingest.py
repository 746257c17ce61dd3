"""Bulk API 2.0 ingest through simple-salesforce's `sf.bulk2` and raw calls (SC 1.6, api_asynch)."""

from __future__ import annotations

import csv
import io
import time

import pytest

from alcsim.simulators.salesforce.bulk.worker import worker_for

EXT = "alcmeon__Alcmeon_User_Id__c"
COUNT = 10_000


def _rows(text: str, delimiter: str = ",") -> list[dict]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def _api(sf_org):
    session = sf_org.session()
    session.headers["Authorization"] = f"Bearer {sf_org.access_token()}"
    return session, f"{sf_org.instance_url}/services/data/v62.0/jobs/ingest"


def _wait(session, url: str, states=("JobComplete", "Failed", "Aborted")) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = session.get(url).json()
        if job["state"] in states:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job never reached {states}: {job}")


def _job(session, base: str, data: str, **options) -> dict:
    """Create, upload, close and wait: the calls every client makes, in order."""
    job = session.post(base, json={"object": "Contact", "operation": "insert", **options}).json()
    assert job["state"] == "Open", job
    answer = session.put(
        f"{base}/{job['id']}/batches", data=data.encode(), headers={"Content-Type": "text/csv"}
    )
    assert answer.status_code == 201, answer.text
    closed = session.patch(f"{base}/{job['id']}", json={"state": "UploadComplete"}).json()
    assert closed["state"] in ("UploadComplete", "InProgress", "JobComplete"), closed
    return _wait(session, f"{base}/{job['id']}")


@pytest.mark.empty_org
def test_insert_ten_thousand_contacts_with_deliberate_errors(sf_org, sf):
    records = [
        {"LastName": f"Bulk {i}", "FirstName": "Ann", "Email": f"ann{i}@example.com"} for i in range(COUNT)
    ]
    records[10] = {"FirstName": "No last name", "Email": "x@example.com"}
    records[20] = {"LastName": "L" * 81, "FirstName": "Long"}
    records[30] = {"LastName": "Picky", "CleanStatus": "Bogus"}
    records[40] = {"LastName": "Mail", "Email": "not-an-address"}
    [result] = sf.bulk2.Contact.insert(records=records, wait=0.1)
    assert result["numberRecordsProcessed"] == COUNT and result["numberRecordsFailed"] == 4
    failed = _rows(sf.bulk2.Contact.get_failed_records(result["job_id"]))
    errors = {row["LastName"] or row["FirstName"]: row["sf__Error"] for row in failed}
    assert errors == {
        "No last name": "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --",
        "L" * 81: f"STRING_TOO_LONG:Last Name: data value too large: {'L' * 40} (max length=80):LastName --",
        "Picky": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:Clean Status: bad value for restricted picklist field: Bogus:CleanStatus --",
        "Mail": "INVALID_EMAIL_ADDRESS:Email: invalid email address: not-an-address:Email --",
    }
    assert all(row["sf__Id"] == "" for row in failed)
    succeeded = _rows(sf.bulk2.Contact.get_successful_records(result["job_id"]))
    assert len(succeeded) == COUNT - 4 and {row["sf__Created"] for row in succeeded} == {"true"}
    sample = succeeded[123]
    assert sf.Contact.get(sample["sf__Id"])["LastName"] == sample["LastName"]
    assert sf.query("SELECT COUNT() FROM Contact")["totalSize"] == COUNT - 4
    # The same record by REST fails with the same code and message (SC 3.3).
    with pytest.raises(Exception) as refused:
        sf.Contact.create({"LastName": "Picky", "CleanStatus": "Bogus"})
    assert "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" in str(refused.value)


@pytest.mark.empty_org
@pytest.mark.alcmeon_package
def test_upsert_update_and_delete_ten_thousand(sf_org, sf):
    sf.Contact.create({"LastName": "Twin A", EXT: "twin"})
    sf.Contact.create({"LastName": "Twin B", EXT: "twin"})
    first = [{EXT: f"user-{i}", "LastName": f"First {i}"} for i in range(COUNT // 2)]
    [loaded] = sf.bulk2.Contact.upsert(records=first, external_id_field=EXT, wait=0.1)
    assert loaded["numberRecordsFailed"] == 0
    again = [{EXT: f"user-{i}", "LastName": f"Second {i}"} for i in range(COUNT)]
    again[7000] = {EXT: "dup", "LastName": "Dup one"}
    again[7001] = {EXT: "dup", "LastName": "Dup two"}
    again[7002] = {EXT: "twin", "LastName": "Twin C"}
    [result] = sf.bulk2.Contact.upsert(records=again, external_id_field=EXT, wait=0.1)
    assert result["numberRecordsProcessed"] == COUNT and result["numberRecordsFailed"] == 3
    succeeded = _rows(sf.bulk2.Contact.get_successful_records(result["job_id"]))
    created = {row[EXT]: row["sf__Created"] for row in succeeded}
    assert created["user-1"] == "false" and created["user-9999"] == "true"
    failed = {
        row["LastName"]: row["sf__Error"]
        for row in _rows(sf.bulk2.Contact.get_failed_records(result["job_id"]))
    }
    assert (
        failed["Dup one"]
        == failed["Dup two"]
        == f"DUPLICATE_VALUE:Duplicate external id specified: dup:{EXT} --"
    )
    assert failed["Twin C"].startswith(
        "DUPLICATE_EXTERNAL_ID:more than one record found for external id field: [003"
    )
    assert (
        sf.query(f"SELECT LastName FROM Contact WHERE {EXT} = 'user-1'")["records"][0]["LastName"]
        == "Second 1"
    )

    ids = [row["sf__Id"] for row in succeeded]
    updates = [{"Id": record_id, "Title": "Updated"} for record_id in ids]
    updates[5] = {"Id": "003000000000000AAA", "Title": "Nobody"}
    [updated] = sf.bulk2.Contact.update(records=updates, wait=0.1)
    assert updated["numberRecordsFailed"] == 1
    [bad] = _rows(sf.bulk2.Contact.get_failed_records(updated["job_id"]))
    assert bad["sf__Error"].startswith("INVALID_CROSS_REFERENCE_KEY:invalid cross reference id")
    assert sf.query("SELECT COUNT() FROM Contact WHERE Title = 'Updated'")["totalSize"] == len(ids) - 1

    [deleted] = sf.bulk2.Contact.delete(records=[{"Id": i} for i in ids], wait=0.1)
    assert deleted["numberRecordsFailed"] == 0 and deleted["numberRecordsProcessed"] == len(ids)
    assert sf.query("SELECT COUNT() FROM Contact")["totalSize"] == 2  # the twins
    assert (
        sf.query_all(
            f"SELECT Id FROM Contact WHERE IsDeleted = true AND Id = '{ids[0]}'", include_deleted=True
        )["totalSize"]
        == 1
    )


@pytest.mark.empty_org
def test_hard_delete_skips_the_recycle_bin(sf):
    ids = [sf.Contact.create({"LastName": f"Gone {i}"})["id"] for i in range(3)]
    [result] = sf.bulk2.Contact.hard_delete(records=[{"Id": i} for i in ids], wait=0.1)
    assert result["numberRecordsFailed"] == 0
    assert sf.query_all("SELECT COUNT() FROM Contact", include_deleted=True)["totalSize"] == 0


@pytest.mark.parametrize(
    ("delimiter", "char", "ending"), [("TAB", "\t", "CRLF"), ("PIPE", "|", "LF"), ("CARET", "^", "LF")]
)
def test_delimiters_and_line_endings(sf_org, delimiter, char, ending):
    session, base = _api(sf_org)
    newline = "\r\n" if ending == "CRLF" else "\n"
    data = (
        newline.join([f"LastName{char}Description", f'Doe{char}"a {char} b, c"', f"Roe{char}plain"]) + newline
    )
    job = _job(session, base, data, columnDelimiter=delimiter, lineEnding=ending)
    assert job["state"] == "JobComplete" and job["numberRecordsProcessed"] == 2, job
    text = session.get(f"{base}/{job['id']}/successfulResults").text
    assert newline in text and _rows(text, char)[0]["Description"] == f"a {char} b, c"


@pytest.mark.empty_org
@pytest.mark.parametrize(
    ("data", "options", "message"),
    [
        ("LastName,Foo__c\nDoe,1\n", {}, "InvalidBatch : Field name not found : Foo__c"),
        ("LastName;FirstName\nDoe;Jo\n", {}, "InvalidBatch : Field name not found : LastName;FirstName"),
        ('LastName,FirstName\nDoe,"Jo\nRoe,Al\n', {}, "ClientInputError : Failed to parse CSV"),
        (
            "LastName\r\nDoe\r\n",
            {},
            "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF",
        ),
        ("LastName,FirstName\nDoe,Jo\nRoe\n", {}, "ClientInputError : Wrong number of columns in row 3"),
    ],
)
def test_bad_csv_fails_the_job_and_writes_nothing(sf_org, sf, data, options, message):
    sf.Contact.create({"LastName": "Before"})
    session, base = _api(sf_org)
    job = _job(session, base, data, **options)
    assert job["state"] == "Failed" and job["errorMessage"].startswith(message), job
    assert job["numberRecordsProcessed"] == 0
    assert [r["LastName"] for r in sf.query("SELECT LastName FROM Contact")["records"]] == ["Before"]


def test_unknown_job_answers_salesforce_404(sf_org):
    session, base = _api(sf_org)
    missing = f"{base}/750000000000000AAA"
    for method, url, body in [
        ("GET", missing, None),
        ("PATCH", missing, {"state": "UploadComplete"}),
        ("DELETE", missing, None),
        ("GET", f"{missing}/successfulResults", None),
        ("GET", f"{missing}/unprocessedrecords", None),
    ]:
        answer = session.request(method, url, json=body)
        assert answer.status_code == 404, (method, url)
        assert answer.json() == [
            {"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}
        ]
    upload = session.put(f"{missing}/batches", data=b"LastName\nDoe\n", headers={"Content-Type": "text/csv"})
    assert upload.status_code == 404 and upload.json()[0]["errorCode"] == "NOT_FOUND"


def test_create_job_refusals(sf_org):
    session, base = _api(sf_org)
    for body, text in [
        ({"object": "Contact", "operation": "merge"}, "InvalidJob : Invalid job operation: merge"),
        ({"object": "Nope__c", "operation": "insert"}, "InvalidJob : Unable to find object: Nope__c"),
        ({"object": "Contact", "operation": "upsert"}, "InvalidJob : External ID was blank for Contact"),
        (
            {"object": "Contact", "operation": "upsert", "externalIdFieldName": "LastName"},
            "InvalidJob : Field name provided, LastName is not an External ID or indexed field for Contact",
        ),
        (
            {"object": "Contact", "operation": "insert", "columnDelimiter": "SPACE"},
            "InvalidJob : Invalid column delimiter",
        ),
    ]:
        answer = session.post(base, json=body)
        assert answer.status_code == 400 and answer.json()[0]["errorCode"] == "INVALIDJOB", answer.text
        assert answer.json()[0]["message"].startswith(text)


def test_state_machine_and_refusals(sf_org):
    session, base = _api(sf_org)
    job = _job(session, base, "LastName\nDoe\n")
    assert job["state"] == "JobComplete" and job["jobType"] == "V2Ingest"
    assert {"apiActiveProcessingTime", "apexProcessingTime", "retries", "contentUrl"} <= set(job)
    aborted = session.patch(f"{base}/{job['id']}", json={"state": "Aborted"})
    assert aborted.status_code == 400
    assert aborted.json() == [
        {"message": "Aborting already Completed Job not allowed", "errorCode": "INVALIDJOBSTATE"}
    ]
    late = session.put(
        f"{base}/{job['id']}/batches", data=b"LastName\nRoe\n", headers={"Content-Type": "text/csv"}
    )
    assert late.status_code == 400 and late.json()[0]["errorCode"] == "INVALIDJOBSTATE"
    assert session.delete(f"{base}/{job['id']}").status_code == 204
    assert session.get(f"{base}/{job['id']}").status_code == 404


@pytest.mark.empty_org
def test_several_uploads_and_abort_while_open(sf_org, sf):
    session, base = _api(sf_org)
    job = session.post(base, json={"object": "Contact", "operation": "insert"}).json()
    for name in ("One", "Two"):
        answer = session.put(
            f"{base}/{job['id']}/batches", data=f"LastName\n{name}\n", headers={"Content-Type": "text/csv"}
        )
        assert answer.status_code == 201
    aborted = session.patch(f"{base}/{job['id']}", json={"state": "Aborted"}).json()
    assert aborted["state"] == "Aborted"
    assert _rows(session.get(f"{base}/{job['id']}/unprocessedrecords").text) == [
        {"LastName": "One"},
        {"LastName": "Two"},
    ]
    assert sf.query("SELECT COUNT() FROM Contact")["totalSize"] == 0


@pytest.mark.fake_only("holds the org's bulk worker to see a job wait in UploadComplete")
def test_abort_a_queued_job_leaves_its_records_unprocessed(sf_org, sf):
    worker = worker_for(sf_org.org)
    worker.hold()
    try:
        session, base = _api(sf_org)
        job = session.post(base, json={"object": "Contact", "operation": "insert"}).json()
        session.put(
            f"{base}/{job['id']}/batches", data=b"LastName\nWaiting\n", headers={"Content-Type": "text/csv"}
        )
        assert (
            session.patch(f"{base}/{job['id']}", json={"state": "UploadComplete"}).json()["state"]
            == "UploadComplete"
        )
        assert session.get(f"{base}/{job['id']}").json()["state"] == "UploadComplete"
        assert session.patch(f"{base}/{job['id']}", json={"state": "Aborted"}).json()["state"] == "Aborted"
    finally:
        worker.release()
    time.sleep(0.3)
    assert sf.query("SELECT COUNT() FROM Contact")["totalSize"] == 0


@pytest.mark.empty_org
def test_list_jobs_pages_by_a_thousand(sf_org):
    session, base = _api(sf_org)
    made = [
        session.post(base, json={"object": "Contact", "operation": "insert"}).json()["id"]
        for _ in range(1001)
    ]
    first = session.get(base).json()
    assert first["done"] is False and len(first["records"]) == 1000
    second = session.get(sf_org.instance_url + first["nextRecordsUrl"]).json()
    assert second["done"] is True and second["nextRecordsUrl"] is None
    assert {r["id"] for r in first["records"] + second["records"]} == set(made)
    assert session.get(base, params={"jobType": "Classic"}).json()["records"] == []


@pytest.mark.fake_only(
    "the answer to GET jobs and the batch count per 10,000 records are decisions (docs/assumptions.md)"
)
def test_bulk_batches_show_in_limits(sf_org, sf):
    before = sf.limits()["DailyBulkApiBatches"]["Remaining"]
    sf.bulk2.Contact.insert(records=[{"LastName": f"L{i}"} for i in range(10_001)], wait=0.1)
    assert sf.limits()["DailyBulkApiBatches"]["Remaining"] == before - 2  # internal batches of 10,000
    root = sf.restful("")
    assert root["jobs"] == "/services/data/v62.0/jobs"
    assert sf.restful("jobs") == {
        "ingest": "/services/data/v62.0/jobs/ingest",
        "query": "/services/data/v62.0/jobs/query",
    }


def test_blank_lines_are_no_records_and_empty_or_na_values(sf_org, sf):
    contact = sf.Contact.create({"LastName": "Kept", "Title": "Old", "Department": "Sales"})["id"]
    session, base = _api(sf_org)
    job = session.post(base, json={"object": "Contact", "operation": "update"}).json()
    data = f"Id,Title,Department\n\n{contact},,#N/A\n\n".encode()
    session.put(f"{base}/{job['id']}/batches", data=data, headers={"Content-Type": "text/csv"})
    session.patch(f"{base}/{job['id']}", json={"state": "UploadComplete"})
    done = _wait(session, f"{base}/{job['id']}")
    assert done["numberRecordsProcessed"] == 1 and done["numberRecordsFailed"] == 0, done
    record = sf.Contact.get(contact)
    assert record["Title"] == "Old" and record["Department"] is None  # empty leaves it, #N/A nulls it


def test_an_upload_above_the_rest_body_limit_is_taken_as_a_stream(sf_org):
    """Job data may pass REST's 50 MB body limit (150 MB of request, 100 MB of data: api_asynch "Upload
    Job Data"); 60 MB go through, part by part, and the job then aborts with nothing written."""
    session, base = _api(sf_org)
    job = session.post(base, json={"object": "Contact", "operation": "insert"}).json()
    row = b"LastName,Description\n" + b"".join(
        b"Name%07d,%s\n" % (i, b"x" * 200) for i in range(60 * 1024 * 1024 // 214)
    )
    assert len(row) > 50 * 1024 * 1024
    answer = session.put(f"{base}/{job['id']}/batches", data=row, headers={"Content-Type": "text/csv"})
    assert answer.status_code == 201, answer.text[:300]
    aborted = session.patch(f"{base}/{job['id']}", json={"state": "Aborted"}).json()
    assert aborted["state"] == "Aborted"
