"""Bulk API 1.0 through simple-salesforce's `sf.bulk`, unmodified: 2,000 rows with deliberate error rows (SC 1.5)."""

from __future__ import annotations

import time

import pytest
import simple_salesforce.bulk

# Every test counts or lists the org's Contacts (a parity run needs an empty org for them).
pytestmark = pytest.mark.empty_org
ROWS = 2_000
# Rows that must fail, with the error REST gives for the same record (SC 3.3).
MISSING, TOO_LONG, BAD_PICKLIST = 7, 1_234, 1_999
EXPECTED_ERRORS = {
    MISSING: ("REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", ["LastName"]),
    TOO_LONG: (
        "STRING_TOO_LONG",
        f"Last Name: data value too large: {'x' * 40} (max length=80)",
        ["LastName"],
    ),
    BAD_PICKLIST: (
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        "Clean Status: bad value for restricted picklist field: Shiny",
        ["CleanStatus"],
    ),
}


# How long simple-salesforce sleeps between two checks of a batch when the fake runs the test.
FAKE_POLL_SECONDS = 0.1


@pytest.fixture(autouse=True)
def bulk_poll_interval(parity, monkeypatch):
    """simple-salesforce sleeps 5 s before each further check of a batch not yet Completed (bulk.py:
    `worker`, and `_bulk_operation` for queries), and its insert, update, upsert, delete and hard_delete
    take no `wait`. On the fake, whose worker ends a batch of 1,000 rows in well under a second, the
    client checks every 0.1 s instead: the same requests, more `GET .../batch/{id}` of a batch still
    Queued or InProgress, and none of the 5 s sleeps. A parity run keeps the client's 5 s (a real org's
    batches take seconds, and each check counts against its API limits)."""
    if parity is None:
        monkeypatch.setattr(
            simple_salesforce.bulk, "sleep", lambda seconds: time.sleep(min(seconds, FAKE_POLL_SECONDS))
        )


def _rows() -> list[dict]:
    rows = [
        {"LastName": f"Bulk {i}", "Email": f"bulk{i}@example.com", "alcmeon__Alcmeon_User_Id__c": f"ext-{i}"}
        for i in range(ROWS)
    ]
    del rows[MISSING]["LastName"]
    rows[TOO_LONG]["LastName"] = "x" * 81
    rows[BAD_PICKLIST]["CleanStatus"] = "Shiny"
    return rows


def _check_errors(results: list[dict]) -> None:
    for row, (code, message, fields) in EXPECTED_ERRORS.items():
        assert results[row] == {
            "success": False,
            "created": False,
            "id": None,
            "errors": [{"statusCode": code, "message": message, "fields": fields}],
        }, row


def _rest_message(sf, record: dict) -> str:
    """What the REST API answers for the same record, so Bulk's per-row errors can be compared with it."""
    from simple_salesforce.exceptions import SalesforceMalformedRequest

    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Contact.create(record)
    return refused.value.content[0]["message"]


@pytest.fixture
def loaded(sf):
    """2,000 Contacts inserted through Bulk API 1.0, three of them refused."""
    results = sf.bulk.Contact.insert(_rows(), batch_size=1_000)
    return results


@pytest.mark.alcmeon_package
def test_insert_2000_rows_with_per_row_errors(sf, loaded):
    assert len(loaded) == ROWS
    _check_errors(loaded)
    good = [r for i, r in enumerate(loaded) if i not in EXPECTED_ERRORS]
    assert all(
        r["success"] and r["created"] and r["errors"] == [] and r["id"].startswith("003") for r in good
    )
    assert len({r["id"] for r in good}) == ROWS - 3
    # Each result is the row's own: the record saved for row 42 is row 42.
    assert sf.Contact.get(loaded[42]["id"])["LastName"] == "Bulk 42"
    assert sf.query("SELECT COUNT() FROM Contact")["totalSize"] == ROWS - 3
    # The errors are the REST API's for the same record.
    rows = _rows()
    for row, (_, message, _) in EXPECTED_ERRORS.items():
        assert _rest_message(sf, rows[row]) == message


@pytest.mark.alcmeon_package
def test_query_and_query_all_2000_rows(sf, loaded):
    records = sf.bulk.Contact.query(
        "SELECT Id, LastName, Email, CreatedDate FROM Contact ORDER BY Email", wait=1
    )
    assert len(records) == ROWS - 3
    assert {r["Id"] for r in records} == {r["id"] for r in loaded if r["success"]}
    first = records[0]
    assert first["attributes"]["type"] == "Contact"
    assert set(first) == {"attributes", "Id", "LastName", "Email", "CreatedDate"}
    # Bulk API 1.0 writes datetimes of JSON results as epoch milliseconds (docs/assumptions.md).
    assert isinstance(first["CreatedDate"], int)
    sf.Contact.delete(loaded[0]["id"])
    assert len(sf.bulk.Contact.query("SELECT Id FROM Contact", wait=1)) == ROWS - 4
    every = sf.bulk.Contact.query_all("SELECT Id, IsDeleted FROM Contact", wait=1)
    assert len(every) == ROWS - 3
    assert [r["Id"] for r in every if r["IsDeleted"]] == [loaded[0]["id"]]


@pytest.mark.alcmeon_package
def test_update_rows_with_errors(sf, loaded):
    ids = [r["id"] for r in loaded if r["success"]]
    changes = [{"Id": i, "Title": f"T{n}"} for n, i in enumerate(ids)]
    changes[3] = {"Id": ids[3], "LastName": ""}  # a required field emptied
    changes[4] = {"Id": ids[4], "MailingGeocodeAccuracy": "Planet"}
    changes[5] = {"Title": "no id"}
    results = sf.bulk.Contact.update(changes)
    assert len(results) == len(changes)
    assert results[0] == {"success": True, "created": False, "id": ids[0], "errors": []}
    assert results[3]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert results[4]["errors"][0]["statusCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert results[5]["errors"][0] == {
        "statusCode": "MISSING_ARGUMENT",
        "message": "Id not specified in an update call",
        "fields": [],
    }
    assert sum(r["success"] for r in results) == len(changes) - 3
    assert sf.Contact.get(ids[10])["Title"] == "T10"
    # A failed row changed nothing of its record.
    assert sf.Contact.get(ids[3])["LastName"] == "Bulk 3"
    assert sf.Contact.get(ids[4])["MailingGeocodeAccuracy"] is None


@pytest.mark.alcmeon_package
def test_upsert_on_external_id_creates_and_updates(sf, loaded):
    rows = [{"alcmeon__Alcmeon_User_Id__c": f"ext-{i}", "Title": "Upserted"} for i in range(10)]
    rows += [{"alcmeon__Alcmeon_User_Id__c": f"new-{i}", "LastName": f"New {i}"} for i in range(5)]
    rows.append({"LastName": "No key"})
    rows.append({"alcmeon__Alcmeon_User_Id__c": "new-bad", "LastName": "y" * 81})
    sf.Contact.create({"LastName": "Twin", "alcmeon__Alcmeon_User_Id__c": "ext-20"})
    rows.append({"alcmeon__Alcmeon_User_Id__c": "ext-20", "Title": "Which one?"})
    results = sf.bulk.Contact.upsert(rows, "alcmeon__Alcmeon_User_Id__c")
    inserted = {r["id"] for r in loaded if r["success"]}
    # ext-7 was the row refused at insert (no LastName), so upserting it creates a record... without a
    # LastName again: it fails the same way, while the others update.
    assert [r["created"] for r in results[:10]] == [False] * 10
    assert results[7]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert all(r["success"] for i, r in enumerate(results[:10]) if i != 7)
    assert all(r["success"] and r["created"] for r in results[10:15])
    assert results[0]["id"] in inserted and sf.Contact.get(results[0]["id"])["Title"] == "Upserted"
    assert results[15]["errors"][0]["statusCode"] == "MISSING_ARGUMENT"
    assert results[16]["errors"][0]["statusCode"] == "STRING_TOO_LONG"
    duplicate = results[17]["errors"][0]
    assert duplicate["statusCode"] == "DUPLICATE_EXTERNAL_ID" and duplicate["fields"] == [
        "alcmeon__Alcmeon_User_Id__c"
    ]


@pytest.mark.alcmeon_package
def test_delete_rows(sf, loaded):
    ids = [r["id"] for r in loaded if r["success"]][:500]
    results = sf.bulk.Contact.delete([{"Id": i} for i in ids] + [{"Id": ids[0]}, {"Id": "003notanid"}])
    assert all(
        r == {"success": True, "created": False, "id": i, "errors": []}
        for r, i in zip(results[:500], ids, strict=True)
    )
    assert results[500]["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"
    # The batch DML Bulk API 2.0 shares: an id naming no record is a bad cross reference.
    assert results[501]["errors"][0]["statusCode"] == "INVALID_CROSS_REFERENCE_KEY"
    assert sf.query("SELECT COUNT() FROM Contact")["totalSize"] == ROWS - 3 - 500
    deleted = sf.query_all("SELECT Id FROM Contact WHERE IsDeleted = true", include_deleted=True)
    assert len(deleted["records"]) == 500


def test_query_error_is_the_rest_error(sf):
    from simple_salesforce.exceptions import SalesforceError, SalesforceGeneralError

    soql = "SELECT Nope FROM Contact"
    with pytest.raises(SalesforceError) as rest:
        sf.query(soql)
    with pytest.raises(SalesforceGeneralError) as bulk:
        sf.bulk.Contact.query(soql, wait=1)
    # simple-salesforce raises with the batch's stateMessage as the content (bulk.py, `_bulk_operation`).
    expected = rest.value.content[0]
    assert bulk.value.content == (
        f"InvalidBatch : Failed to process query: {expected['errorCode']}: {expected['message']}"
    )


def test_hard_delete_skips_the_recycle_bin(sf):
    ids = [sf.Contact.create({"LastName": f"Gone {i}"})["id"] for i in range(3)]
    results = sf.bulk.Contact.hard_delete([{"Id": i} for i in ids])
    assert [r["success"] for r in results] == [True] * 3
    assert sf.query_all("SELECT Id FROM Contact", include_deleted=True)["totalSize"] == 0


@pytest.mark.alcmeon_package
def test_a_key_twice_in_one_upsert_batch_fails_both_rows(sf):
    rows = [
        {"alcmeon__Alcmeon_User_Id__c": "twice", "LastName": "First"},
        {"alcmeon__Alcmeon_User_Id__c": "twice", "LastName": "Second"},
        {"alcmeon__Alcmeon_User_Id__c": "once", "LastName": "Alone"},
    ]
    results = sf.bulk.Contact.upsert(rows, "alcmeon__Alcmeon_User_Id__c")
    assert [r["success"] for r in results] == [False, False, True]
    assert results[0]["errors"][0]["statusCode"] == "DUPLICATE_VALUE"
    assert [r["LastName"] for r in sf.query("SELECT LastName FROM Contact")["records"]] == ["Alone"]


def test_detailed_results_read_the_batch_request(sf):
    rows = [{"LastName": "Detailed", "Title": "CEO"}, {"Title": "No name"}]
    results = sf.bulk.Contact.insert(rows, include_detailed_results=True)
    # simple-salesforce merges each row of GET .../request into its result (bulk.py, detailed results).
    assert [(r["success"], r["Title"]) for r in results] == [(True, "CEO"), (False, "No name")]
    assert results[0]["LastName"] == "Detailed"
