"""Query locators, batch sizes, SOQL errors in Salesforce's message shape, and SOSL search (SC 3.2, 3.3, 5)."""

from __future__ import annotations

import re

import pytest
from simple_salesforce import SalesforceMalformedRequest

LOCATOR_URL = re.compile(r"^/services/data/v62\.0/query/01g[0-9A-Za-z]{15}-(\d+)$")


@pytest.fixture
def five_thousand(sf_org, bulk_contacts):
    return bulk_contacts(sf_org.org, 5000)


@pytest.mark.fake_only(reason="puts 5,000 Contacts straight into the fake's store")
def test_pages_of_2000_with_a_locator_and_total_size(sf, five_thousand):
    first = sf.query("SELECT Id, LastName FROM Contact ORDER BY LastName")
    assert first["totalSize"] == 5000 and first["done"] is False and len(first["records"]) == 2000
    assert LOCATOR_URL.match(first["nextRecordsUrl"]).group(1) == "2000"
    second = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert second["totalSize"] == 5000 and len(second["records"]) == 2000
    assert second["records"][0]["LastName"] == "Bulk02000"
    third = sf.query_more(second["nextRecordsUrl"].rsplit("/", 1)[1])
    assert third["done"] is True and "nextRecordsUrl" not in third and len(third["records"]) == 1000


@pytest.mark.fake_only(reason="puts 5,000 Contacts straight into the fake's store")
def test_query_all_and_query_all_iter_walk_every_page(sf, five_thousand):
    everything = sf.query_all("SELECT Id FROM Contact")
    assert everything["totalSize"] == 5000 and len({r["Id"] for r in everything["records"]}) == 5000
    walked = [r["LastName"] for r in sf.query_all_iter("SELECT LastName FROM Contact ORDER BY LastName DESC")]
    assert len(walked) == 5000 and walked[0] == "Bulk04999" and walked[-1] == "Bulk00000"


@pytest.mark.fake_only(reason="puts 5,000 Contacts straight into the fake's store")
def test_batch_size_header_is_honoured_within_200_to_2000(sf, five_thousand):
    page = sf.query("SELECT Id FROM Contact", headers={"Sforce-Query-Options": "batchSize=500"})
    assert len(page["records"]) == 500 and page["nextRecordsUrl"].endswith("-500")
    small = sf.query("SELECT Id FROM Contact", headers={"Sforce-Query-Options": "batchSize=10"})
    assert len(small["records"]) == 200
    walked = list(
        sf.query_all_iter("SELECT Id FROM Contact", headers={"Sforce-Query-Options": "batchSize=1000"})
    )
    assert len(walked) == 5000


@pytest.mark.fake_only(reason="puts 5,000 Contacts straight into the fake's store")
def test_query_all_locators_keep_deleted_rows(sf, sf_org, five_thousand):
    sf.Contact.delete(five_thousand[-1])
    assert sf.query("SELECT Id FROM Contact")["totalSize"] == 4999
    first = sf.query("SELECT Id FROM Contact", include_deleted=True)
    assert first["totalSize"] == 5000 and "/query/" in first["nextRecordsUrl"]
    assert len(sf.query_all("SELECT Id FROM Contact", include_deleted=True)["records"]) == 5000


@pytest.mark.fake_only(reason="puts 5,000 Contacts into the fake's store and moves its clock")
def test_bad_and_expired_locators(sf, sf_org, sf_clock, five_thousand):
    first = sf.query("SELECT Id FROM Contact")
    for bad in (
        "01gXXXXXXXXXXXXXXX-2000",
        first["nextRecordsUrl"].rsplit("/", 1)[1][:-4] + "9999",
        "nonsense",
    ):
        with pytest.raises(SalesforceMalformedRequest) as error:
            sf.query_more(bad)
        assert error.value.content == [
            {"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}
        ]
    sf_clock.advance(days=1)
    assert sf_org.client().query_more(first["nextRecordsUrl"], identifier_is_url=True)["totalSize"] == 5000
    sf_clock.advance(days=1, seconds=1)  # cursors live two days (SC 5, batching)
    with pytest.raises(SalesforceMalformedRequest) as error:
        sf_org.client().query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert error.value.content[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def _error(sf, query: str) -> dict:
    with pytest.raises(SalesforceMalformedRequest) as error:
        sf.query(query)
    return error.value.content[0]


def test_error_codes_and_located_messages(sf):
    body = _error(sf, "SELECT Id, Foo FROM Account")
    assert body["errorCode"] == "INVALID_FIELD"
    assert body["message"] == (
        "\nSELECT Id, Foo FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'Account'. "
        "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. "
        "Please reference your WSDL or the describe call for the appropriate names."
    )
    body = _error(sf, "SELECT Id FROM Foo__c")
    assert body["errorCode"] == "INVALID_TYPE"
    assert body["message"].startswith(
        "\nSELECT Id FROM Foo__c\n               ^\nERROR at Row:1:Column:16\nsObject type 'Foo__c'"
    )
    body = _error(sf, "SELECT Acount.Name FROM Contact")
    assert (
        body["errorCode"] == "INVALID_FIELD"
        and "Didn't understand relationship 'Acount' in field path" in body["message"]
    )
    body = _error(sf, "SELECT Id, (SELECT Id FROM Contact) FROM Account")
    assert (
        body["errorCode"] == "INVALID_TYPE"
        and "Didn't understand relationship 'Contact' in FROM part" in body["message"]
    )
    body = _error(sf, "SELECT Id FROM Contact WHERE Id = 'abc'")
    assert body["errorCode"] == "INVALID_QUERY_FILTER_OPERATOR" and body["message"].endswith(
        "\ninvalid ID field: abc"
    )
    body = _error(sf, "SELECT Id FROM Contact WHERE CreatedDate > '2024-01-01T00:00:00Z'")
    assert body["errorCode"] == "INVALID_FIELD" and body["message"].endswith(
        "value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes"
    )
    body = _error(sf, "SELECT Id FROM Contact WHERE LastName INCLUDES ('a')")
    assert body["errorCode"] == "INVALID_QUERY_FILTER_OPERATOR"
    assert _error(sf, "SELECT Id, id FROM Contact")["message"].endswith("\nduplicate field selected: Id")
    assert _error(sf, "SELECT Id FROM")["message"].endswith("\nunexpected token: <EOF>")
    assert _error(sf, "SELECT FROM Contact")["message"].endswith("\nunexpected token: 'FROM'")


def test_multi_line_queries_point_at_the_row(sf):
    body = _error(sf, "SELECT Id\nFROM Contact\nWHERE Nope = 1")
    assert body["message"].startswith(
        "\nWHERE Nope = 1\n      ^\nERROR at Row:3:Column:7\nNo such column 'Nope'"
    )


@pytest.mark.empty_org
def test_sosl_contact_search(sf, sf_org):
    account = sf.Account.create({"Name": "Smith Industries"})["id"]
    ada = sf.Contact.create(
        {
            "FirstName": "Ada",
            "LastName": "Smith",
            "Email": "ada.smith@example.com",
            "Phone": "+33 6 12 34 56 78",
            "AccountId": account,
        }
    )["id"]
    sf.Contact.create({"FirstName": "Adam", "LastName": "Smithson"})
    found = sf.search("FIND {smith} IN NAME FIELDS RETURNING Contact(Id, Name, Account.Name), Account(Name)")
    assert [r["attributes"]["type"] for r in found["searchRecords"]] == ["Contact", "Account"]
    assert (
        found["searchRecords"][0]["Id"] == ada
        and found["searchRecords"][0]["Account"]["Name"] == "Smith Industries"
    )
    assert len(sf.search("FIND {smith*} IN NAME FIELDS RETURNING Contact")["searchRecords"]) == 2
    by_mail = sf.search("FIND {ada.smith@example.com} IN EMAIL FIELDS RETURNING Contact(Email)")[
        "searchRecords"
    ]
    assert [r["Email"] for r in by_mail] == ["ada.smith@example.com"]
    by_phone = sf.search("FIND {0612345678} IN PHONE FIELDS RETURNING Contact(Id)")["searchRecords"]
    assert [r["Id"] for r in by_phone] == [ada]
    limited = sf.search("FIND {smith*} RETURNING Contact(Name ORDER BY Name DESC LIMIT 1)")["searchRecords"]
    assert [r["Name"] for r in limited] == ["Adam Smithson"]
    with pytest.raises(SalesforceMalformedRequest) as error:
        sf.search("FIND {a}")
    assert error.value.content[0]["errorCode"] == "INVALID_SEARCH"
    with pytest.raises(SalesforceMalformedRequest) as error:
        sf.search("FIND smith")
    assert error.value.content[0]["errorCode"] == "MALFORMED_SEARCH"


@pytest.mark.fake_only(reason="puts 2,500 Contacts straight into the fake's store")
def test_query_all_locator_route_and_child_subqueries_on_later_pages(sf, sf_org, bulk_contacts):
    org = sf_org.org
    account = sf.Account.create({"Name": "Acme"})["id"]
    bulk_contacts(org, 2500, account_id=account)
    first = sf.query("SELECT Id, Account.Name FROM Contact", include_deleted=True)
    locator = first["nextRecordsUrl"].rsplit("/", 1)[1]
    rest = sf.query_more(locator, include_deleted=True)  # GET queryAll/<locator>
    assert rest["done"] is True and len(rest["records"]) == 500
    assert rest["records"][0]["Account"]["Name"] == "Acme"
