"""The package objects by installed version (PKG-01, PKG-03, PKG-04) and person accounts (SC 6)."""

from __future__ import annotations

import pytest
from simple_salesforce import SalesforceMalformedRequest, SalesforceResourceNotFound


def _field_names(sf, name: str) -> set[str]:
    return {f["name"] for f in getattr(sf, name).describe()["fields"]}


@pytest.mark.parametrize(
    ("version", "has_channel_data", "has_conversation_type", "has_engagement"),
    [
        ("1.0", False, False, False),
        ("5.3", False, True, False),
        ("5.31", True, True, False),
        ("5.34", True, True, True),
    ],
)
@pytest.mark.fake_only(reason="starts fake orgs at each package version")
def test_fields_exist_from_the_version_that_introduced_them(
    sf_org_factory, version, has_channel_data, has_conversation_type, has_engagement
):
    sf = sf_org_factory({"package_version": version}).client()
    fields = _field_names(sf, "alcmeon__Conversation__c")
    assert "alcmeon__scoped_id__c" in fields and "alcmeon__Contact__c" in fields
    assert ("alcmeon__Channel_specific_user_data__c" in fields) is has_channel_data
    assert ("alcmeon__Conversation_type__c" in fields) is has_conversation_type
    if not has_channel_data:
        with pytest.raises(SalesforceMalformedRequest) as refused:
            sf.alcmeon__Conversation__c.create(
                {"alcmeon__scoped_id__c": "k:a:k:1", "alcmeon__Channel_specific_user_data__c": "{}"}
            )
        assert refused.value.content[0]["errorCode"] == "INVALID_FIELD"
    if has_engagement:
        assert {
            "alcmeon__Case__c",
            "alcmeon__Message_Content__c",
            "alcmeon__Language_locale__c",
        } <= _field_names(sf, "alcmeon__Engagement__c")
    else:
        with pytest.raises(SalesforceResourceNotFound):
            sf.alcmeon__Engagement__c.describe()


@pytest.mark.fake_only(reason="starts a fake org without the package")
def test_org_without_the_package(sf_org_factory):
    sf = sf_org_factory({"package_version": None}).client()
    assert "alcmeon__Alcmeon_User_Id__c" not in _field_names(sf, "Contact")
    with pytest.raises(SalesforceResourceNotFound):
        sf.alcmeon__Conversation__c.describe()


@pytest.mark.fake_only(reason="starts a fake org with person accounts")
def test_person_account_creates_its_hidden_contact(sf_org_factory):
    running = sf_org_factory({"person_accounts": True})
    sf = running.client()
    record_types = {r["developerName"]: r["recordTypeId"] for r in sf.Account.describe()["recordTypeInfos"]}
    person = sf.Account.create(
        {
            "RecordTypeId": record_types["PersonAccount"],
            "FirstName": "Min",
            "LastName": "Kim",
            "PersonEmail": "min@example.kr",
        }
    )
    account = sf.Account.get(person["id"])
    assert account["IsPersonAccount"] is True and account["Name"] == "Min Kim"
    contact = sf.Contact.get(account["PersonContactId"])
    assert (contact["IsPersonAccount"], contact["AccountId"], contact["Email"]) == (
        True,
        person["id"],
        "min@example.kr",
    )
    sf.Account.update(
        person["id"], {"PersonEmail": "new@example.kr", "alcmeon__Alcmeon_User_Id__pc": "kakao-1"}
    )
    contact = sf.Contact.get(account["PersonContactId"])
    assert contact["Email"] == "new@example.kr" and contact["alcmeon__Alcmeon_User_Id__c"] == "kakao-1"
    business = sf.Account.create({"Name": "Shop"})
    assert sf.Account.get(business["id"])["IsPersonAccount"] is False
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Account.create({"RecordTypeId": record_types["PersonAccount"], "FirstName": "No last name"})
    assert refused.value.content[0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    conversation = sf.alcmeon__Conversation__c.create(
        {"alcmeon__scoped_id__c": "k:1:2:3", "alcmeon__Account__c": person["id"]}
    )
    assert sf.alcmeon__Conversation__c.get(conversation["id"])["alcmeon__Account__c"] == person["id"]


def test_person_fields_do_not_exist_without_the_feature(sf):
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Account.create({"Name": "x", "FirstName": "y"})
    assert refused.value.content[0]["errorCode"] == "INVALID_FIELD"


def test_system_fields_are_read_only(sf):
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Contact.create({"LastName": "x", "CreatedDate": "2024-01-01T00:00:00Z"})
    assert refused.value.content[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


@pytest.mark.fake_only(reason="the first CaseNumber of a fresh fake org")
def test_case_closing_sets_closed_fields(sf):
    case = sf.Case.create({"Subject": "s"})["id"]
    assert sf.Case.get(case)["Status"] == "New" and sf.Case.get(case)["CaseNumber"] == "00000001"
    sf.Case.update(case, {"Status": "Closed"})
    closed = sf.Case.get(case)
    assert closed["IsClosed"] is True and closed["ClosedDate"] is not None


def test_task_polymorphic_who_and_what(sf):
    account = sf.Account.create({"Name": "A"})["id"]
    contact = sf.Contact.create({"LastName": "C", "AccountId": account})["id"]
    task = sf.Task.create({"Subject": "Call", "WhoId": contact, "WhatId": account})["id"]
    record = sf.Task.get(task)
    assert (record["Status"], record["Priority"], record["AccountId"]) == ("Not Started", "Normal", account)
    group = "00G000000000000AAA"
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Task.create({"Subject": "x", "OwnerId": group})
    assert refused.value.content[0]["message"].startswith("Assigned To ID: id value of incorrect type")
