"""sObject routes through simple-salesforce and raw requests: CRUD, external ids, windows (SC 1.3, 3.2)."""

from __future__ import annotations

import re

import pytest
from simple_salesforce import (
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceResourceNotFound,
)

from alcsim.simulators.salesforce.ids import checksum

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$")


@pytest.mark.fake_only(reason="compares ids with the fake's integration user (sf_org.org)")
def test_create_get_update_delete(sf, sf_org):
    created = sf.Contact.create({"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com"})
    assert created["success"] is True and created["errors"] == []
    record_id = created["id"]
    assert len(record_id) == 18 and record_id.startswith("003") and record_id[15:] == checksum(record_id[:15])
    record = sf.Contact.get(record_id)
    assert record["attributes"] == {
        "type": "Contact",
        "url": f"/services/data/v62.0/sobjects/Contact/{record_id}",
    }
    assert record["Name"] == "Ada Lovelace"
    assert DATETIME.match(record["CreatedDate"]) and record["CreatedById"] == sf_org.org.integration_user_id
    assert record["OwnerId"] == sf_org.org.integration_user_id and record["IsDeleted"] is False
    assert record["MailingAddress"] is None and record["Birthdate"] is None
    assert sf.Contact.update(record_id, {"Title": "Countess"}) == 204
    assert sf.Contact.get(record_id, params={"fields": "Title,Name"}) == {
        "attributes": record["attributes"],
        "Title": "Countess",
        "Name": "Ada Lovelace",
    }
    assert sf.Contact.delete(record_id) == 204
    with pytest.raises(SalesforceResourceNotFound) as gone:
        sf.Contact.get(record_id)
    assert gone.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"


def test_names_are_case_insensitive_and_answered_canonically(sf_org):
    sf = sf_org.client()
    created = sf.contact.create({"lastname": "Lower"})
    record = sf.CONTACT.get(created["id"][:15])
    assert (
        record["attributes"]["type"] == "Contact"
        and record["Id"] == created["id"]
        and record["LastName"] == "Lower"
    )


def test_compound_address_and_numbers(sf):
    created = sf.Account.create(
        {"Name": "Acme", "BillingCity": "Paris", "AnnualRevenue": 10, "NumberOfEmployees": "12"}
    )
    record = sf.Account.get(created["id"])
    assert record["BillingAddress"]["city"] == "Paris" and record["BillingAddress"]["street"] is None
    assert record["AnnualRevenue"] == 10.0 and isinstance(record["AnnualRevenue"], float)
    assert record["NumberOfEmployees"] == 12


@pytest.mark.alcmeon_package
def test_upsert_by_external_id_creates_then_updates(sf):
    ext = "alcmeon__scoped_id__c"
    first = sf.alcmeon__Conversation__c.upsert(
        f"{ext}/tw:1:2:3", {"alcmeon__User_name__c": "jo"}, raw_response=True
    )
    assert first.status_code == 201 and first.json()["created"] is True
    second = sf.alcmeon__Conversation__c.upsert(
        f"{ext}/tw:1:2:3", {"alcmeon__Status__c": "CLOSED"}, raw_response=True
    )
    assert second.status_code == 200 and second.json() == {
        "id": first.json()["id"],
        "success": True,
        "errors": [],
        "created": False,
    }
    record = sf.alcmeon__Conversation__c.get_by_custom_id(ext, "tw:1:2:3")
    assert record["alcmeon__Status__c"] == "CLOSED" and record["Name"].startswith("C-")


@pytest.mark.alcmeon_package
def test_upsert_update_only_and_several_matches(sf, sf_org):
    session, headers = sf_org.session(), {"Authorization": f"Bearer {sf.session_id}"}
    url = f"{sf_org.instance_url}/services/data/v62.0/sobjects/Contact/alcmeon__Alcmeon_User_Id__c/u-1"
    refused = session.patch(url + "?updateOnly=true", json={"LastName": "X"}, headers=headers)
    assert refused.status_code == 404 and refused.json()[0]["errorCode"] == "NOT_FOUND"
    one = sf.Contact.create({"LastName": "A", "alcmeon__Alcmeon_User_Id__c": "u-1"})["id"]
    two = sf.Contact.create({"LastName": "B", "alcmeon__Alcmeon_User_Id__c": "U-1"})["id"]
    several = session.patch(url, json={"LastName": "C"}, headers=headers)
    assert several.status_code == 300
    assert sorted(several.json()) == sorted(f"/services/data/v62.0/sobjects/Contact/{i}" for i in (one, two))
    with pytest.raises(SalesforceMoreThanOneRecord):
        sf.Contact.get_by_custom_id("alcmeon__Alcmeon_User_Id__c", "u-1")


@pytest.mark.alcmeon_package
def test_external_id_value_with_slash_and_plus(sf):
    created = sf.Contact.create({"LastName": "Odd", "alcmeon__Alcmeon_User_Id__c": "x+y/z"})
    assert sf.Contact.get_by_custom_id("alcmeon__Alcmeon_User_Id__c", "x+y/z")["Id"] == created["id"]


def test_unknown_external_id_field_is_not_found(sf):
    with pytest.raises(SalesforceResourceNotFound) as missing:
        sf.Contact.get_by_custom_id("Nope__c", "1")
    assert (
        missing.value.content[0]["message"]
        == "Provided external ID field does not exist or is not accessible: Nope__c"
    )


@pytest.mark.fake_only(reason="moves the fake's clock")
def test_updated_and_deleted_windows(sf, sf_org, sf_clock):
    from datetime import timedelta

    start = sf_clock.now() - timedelta(minutes=1)
    keep = sf.Contact.create({"LastName": "Keep"})["id"]
    drop = sf.Contact.create({"LastName": "Drop"})["id"]
    sf.Contact.delete(drop)
    sf_clock.advance(120)
    end = sf_clock.now()
    updated = sf.Contact.updated(start, end)
    assert (
        keep in updated["ids"] and drop not in updated["ids"] and DATETIME.match(updated["latestDateCovered"])
    )
    deleted = sf.Contact.deleted(start, end)
    assert [d["id"] for d in deleted["deletedRecords"]] == [drop]
    assert set(deleted) == {"deletedRecords", "earliestDateAvailable", "latestDateCovered"}


@pytest.mark.alcmeon_package
def test_basic_info_and_describe(sf):
    sf.Account.create({"Name": "Recent"})
    info = sf.Account.metadata()
    assert info["objectDescribe"]["keyPrefix"] == "001" and info["recentItems"][0]["Name"] == "Recent"
    described = sf.alcmeon__Conversation__c.describe()
    fields = {f["name"]: f for f in described["fields"]}
    scoped = fields["alcmeon__scoped_id__c"]
    assert (scoped["externalId"], scoped["unique"], scoped["length"], scoped["nillable"]) == (
        True,
        True,
        30,
        False,
    )
    assert (
        fields["OwnerId"]["referenceTo"] == ["Group", "User"]
        and fields["OwnerId"]["polymorphicForeignKey"] is True
    )
    assert fields["alcmeon__Contact__c"]["relationshipName"] == "alcmeon__Contact__r"
    assert described["keyPrefix"].startswith("a0") and described["custom"] is True
    contact = sf.Contact.describe()
    children = {c["relationshipName"] for c in contact["childRelationships"]}
    assert {"Cases", "Tasks", "Events", "alcmeon__Conversations__r"} <= children
    assert {"aggregatable", "soapType", "picklistValues", "writeRequiresMasterRead"} <= set(
        contact["fields"][0]
    )
    everything = sf.describe()
    assert {
        "Account",
        "Contact",
        "Case",
        "Task",
        "Event",
        "Group",
        "QueueSobject",
        "alcmeon__Engagement__c",
    } <= {o["name"] for o in everything["sobjects"]}


def test_unknown_object_is_not_found(sf):
    with pytest.raises(SalesforceResourceNotFound):
        sf.Nope__c.create({"Name": "x"})


@pytest.mark.parametrize(
    ("body", "code", "fields"),
    [
        ({"LastName": "x", "Nope__c": 1}, "INVALID_FIELD", None),
        ({"LastName": "x", "Name": "y"}, "INVALID_FIELD_FOR_INSERT_UPDATE", ["Name"]),
        ({"FirstName": "only"}, "REQUIRED_FIELD_MISSING", ["LastName"]),
        ({"LastName": "x" * 81}, "STRING_TOO_LONG", ["LastName"]),
        ({"LastName": "x", "Email": "not-an-email"}, "INVALID_EMAIL_ADDRESS", ["Email"]),
        ({"LastName": "x", "AccountId": "abc"}, "MALFORMED_ID", ["AccountId"]),
        ({"LastName": "x", "AccountId": "001000000000000"}, "INVALID_CROSS_REFERENCE_KEY", ["AccountId"]),
        ({"LastName": "x", "AccountId": "003000000000000"}, "FIELD_INTEGRITY_EXCEPTION", ["AccountId"]),
        ({"LastName": "x", "Birthdate": "yesterday"}, "JSON_PARSER_ERROR", None),
    ],
)
def test_validation_errors(sf, body, code, fields):
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Contact.create(body)
    error = refused.value.content[0]
    assert error["errorCode"] == code and error["message"]
    if fields is not None:
        assert error["fields"] == fields


@pytest.mark.alcmeon_package
def test_restricted_picklist_and_duplicate_value(sf):
    with pytest.raises(SalesforceMalformedRequest) as bad:
        sf.alcmeon__Engagement__c.create(
            {"alcmeon__Sender_Id__c": "s", "alcmeon__Recipient_Id__c": "r", "alcmeon__Channel__c": "Fax"}
        )
    assert bad.value.content[0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    first = sf.alcmeon__Conversation__c.create({"alcmeon__scoped_id__c": "a:b:c:1"})["id"]
    with pytest.raises(SalesforceMalformedRequest) as duplicate:
        sf.alcmeon__Conversation__c.create({"alcmeon__scoped_id__c": "A:B:C:1"})
    assert duplicate.value.content[0] == {
        "message": f"duplicate value found: alcmeon__scoped_id__c duplicates value on record with id: {first}",
        "errorCode": "DUPLICATE_VALUE",
        "fields": ["alcmeon__scoped_id__c"],
    }


def test_malformed_json_and_bad_id_segment(sf, sf_org):
    session, headers = (
        sf_org.session(),
        {"Authorization": f"Bearer {sf.session_id}", "Content-Type": "application/json"},
    )
    base = f"{sf_org.instance_url}/services/data/v62.0/sobjects/Contact"
    broken = session.post(base + "/", data="{json", headers=headers)
    assert broken.status_code == 400 and broken.json()[0]["errorCode"] == "JSON_PARSER_ERROR"
    assert "Traceback" not in broken.text
    unknown = session.get(base + "/not-an-id", headers=headers)
    assert unknown.status_code == 404 and unknown.json()[0]["errorCode"] == "NOT_FOUND"
    put = session.put(base + "/003000000000000AAA", json={}, headers=headers)
    assert (
        put.status_code == 405
        and put.json()[0]["errorCode"] == "METHOD_NOT_ALLOWED"
        and "PATCH" in put.headers["Allow"]
    )


@pytest.mark.fake_only(reason="configures a queue and reads the fake's store")
def test_queue_ownership_follows_queue_sobject(sf_org_factory):
    running = sf_org_factory({"queues": [{"name": "Social", "sobjects": ["Case"]}]})
    sf = running.client()
    queue = sf_org_queue(running, "Social")
    case = sf.Case.create({"Subject": "hello"})["id"]
    assert sf.Case.update(case, {"OwnerId": queue}) == 204
    assert sf.Case.get(case)["OwnerId"] == queue
    conversation = sf.alcmeon__Conversation__c.create({"alcmeon__scoped_id__c": "q:u:e:1"})["id"]
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.alcmeon__Conversation__c.update(conversation, {"OwnerId": queue})
    assert refused.value.content[0] == {
        "message": f"Owner ID: id value of incorrect type: {queue}",
        "errorCode": "FIELD_INTEGRITY_EXCEPTION",
        "fields": ["OwnerId"],
    }


def sf_org_queue(running, name: str) -> str:
    row = running.org.store.execute(
        'SELECT Id FROM "Group" WHERE Name = ? AND Type = ?', (name, "Queue")
    ).fetchone()
    return row[0]


@pytest.mark.fake_only(reason="the fake's current version, 62.0, is the last listed")
def test_versions_from_31_to_current(sf_org):
    sf = sf_org.client(version="31.0")
    assert sf.Contact.create({"LastName": "Old"})["success"]
    session = sf_org.session()
    headers = {"Authorization": f"Bearer {sf.session_id}"}
    assert (
        session.get(f"{sf_org.instance_url}/services/data/v30.0/sobjects", headers=headers).status_code == 404
    )
    versions = session.get(f"{sf_org.instance_url}/services/data/", headers=headers).json()
    assert versions[0]["version"] == "31.0" and versions[-1]["version"] == "62.0"


@pytest.mark.parametrize("value", [5.5e153, 2**31, "NaN"])
def test_numbers_out_of_range_are_refused(sf, value):
    """Found by the schemathesis fuzz: a huge integer once reached SQLite and answered 500."""
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Event.create({"Subject": "x", "DurationInMinutes": value})
    assert refused.value.content[0]["errorCode"] in ("NUMBER_OUTSIDE_VALID_RANGE", "JSON_PARSER_ERROR")
