"""SOQL through simple-salesforce against a running org: selection, relationships, filters (SC 3.2, 5)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from simple_salesforce import SalesforceMalformedRequest


@pytest.fixture
def people(sf):
    """Two accounts, three contacts (one without an account), one case owned by a queue-less user."""
    acme = sf.Account.create({"Name": "Acme", "Industry": "Media", "NumberOfEmployees": 50})["id"]
    globex = sf.Account.create({"Name": "Globex", "Industry": "Banking", "NumberOfEmployees": 10})["id"]
    ada = sf.Contact.create(
        {"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com", "AccountId": acme}
    )["id"]
    bob = sf.Contact.create(
        {"FirstName": "Bob", "LastName": "O'Brien", "AccountId": acme, "Title": "50% off_sales"}
    )["id"]
    eve = sf.Contact.create({"LastName": "Eve"})["id"]
    case = sf.Case.create({"Subject": "Help", "ContactId": ada, "AccountId": acme})["id"]
    return {"acme": acme, "globex": globex, "ada": ada, "bob": bob, "eve": eve, "case": case}


def test_fields_in_selected_order_with_attributes_of_the_request_version(sf_org, people):
    sf = sf_org.client(version="59.0")
    result = sf.query(f"select email, ID from contact where id = '{people['ada'][:15]}'")
    assert result == {
        "totalSize": 1,
        "done": True,
        "records": [
            {
                "attributes": {
                    "type": "Contact",
                    "url": f"/services/data/v59.0/sobjects/Contact/{people['ada']}",
                },
                "Email": "ada@example.com",
                "Id": people["ada"],
            }
        ],
    }
    assert list(result["records"][0]) == ["attributes", "Email", "Id"]


@pytest.mark.fake_only(reason="the fake's integration user's name")
def test_parent_paths_nest_records_or_null(sf, sf_org, people):
    records = sf.query("SELECT LastName, Account.Name, Account.Owner.Name FROM Contact ORDER BY LastName")[
        "records"
    ]
    by_name = {r["LastName"]: r for r in records}
    assert by_name["Eve"]["Account"] is None
    acme = by_name["Lovelace"]["Account"]
    assert acme["attributes"] == {
        "type": "Account",
        "url": f"/services/data/v62.0/sobjects/Account/{people['acme']}",
    }
    assert acme["Name"] == "Acme"
    assert acme["Owner"]["attributes"]["type"] == "User" and acme["Owner"]["Name"] == "Integration User"


@pytest.mark.fake_only(reason="the fake's integration user's id and name")
def test_polymorphic_owner_is_typed_name_with_the_real_url(sf, sf_org, people):
    record = sf.query("SELECT Owner.Name, Owner.Type, Contact.Email FROM Case")["records"][0]
    owner_id = sf_org.org.integration_user_id
    assert record["Owner"] == {
        "attributes": {"type": "Name", "url": f"/services/data/v62.0/sobjects/User/{owner_id}"},
        "Name": "Integration User",
        "Type": "User",
    }
    assert record["Contact"]["Email"] == "ada@example.com"


@pytest.mark.empty_org
def test_child_subquery_gives_a_result_or_null(sf, people):
    records = sf.query(
        "SELECT Name, (SELECT LastName FROM Contacts WHERE LastName != 'nobody' ORDER BY LastName DESC LIMIT 1) "
        "FROM Account ORDER BY Name"
    )["records"]
    assert records[0]["Contacts"]["totalSize"] == 1 and records[0]["Contacts"]["done"] is True
    assert [r["LastName"] for r in records[0]["Contacts"]["records"]] == ["O'Brien"]
    assert records[1]["Name"] == "Globex" and records[1]["Contacts"] is None


@pytest.mark.empty_org
def test_string_filters_ignore_case_and_not_equal_keeps_nulls(sf, people):
    assert sf.query("SELECT Id FROM Contact WHERE lastname = 'LOVELACE'")["totalSize"] == 1
    # `!=` also returns the rows where the field is null (SC 5, NULL).
    assert sf.query("SELECT Id FROM Contact WHERE Email != 'ada@example.com'")["totalSize"] == 2
    assert sf.query("SELECT Id FROM Contact WHERE Email = null")["totalSize"] == 2
    assert sf.query("SELECT Id FROM Contact WHERE Email NOT IN ('ADA@example.com')")["totalSize"] == 2
    assert sf.query("SELECT Id FROM Contact WHERE Account.Name = null")["totalSize"] == 1


@pytest.mark.empty_org
def test_like_wildcards_and_escapes(sf, people):
    assert sf.query("SELECT Id FROM Contact WHERE LastName LIKE 'o\\'b%'")["totalSize"] == 1
    assert sf.query("SELECT Id FROM Contact WHERE LastName LIKE '_ve'")["totalSize"] == 1
    assert sf.query("SELECT Id FROM Contact WHERE Title LIKE '50\\% off\\_%'")["totalSize"] == 1
    assert sf.query("SELECT Id FROM Contact WHERE Title LIKE '50\\%off%'")["totalSize"] == 0


@pytest.mark.empty_org
def test_in_semi_join_and_anti_join(sf, people):
    with_contacts = sf.query("SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact)")[
        "records"
    ]
    assert [r["Name"] for r in with_contacts] == ["Acme"]
    without = sf.query("SELECT Name FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact)")["records"]
    assert [r["Name"] for r in without] == ["Globex"]
    both = sf.query(f"SELECT Id FROM Account WHERE Id IN ('{people['acme']}', '{people['globex'][:15]}')")
    assert both["totalSize"] == 2


@pytest.mark.empty_org
def test_and_or_need_parentheses(sf, people):
    query = "SELECT Id FROM Contact WHERE LastName = 'Eve' AND Email = null OR Title = 'x'"
    with pytest.raises(SalesforceMalformedRequest) as error:
        sf.query(query)
    body = error.value.content[0]
    assert body["errorCode"] == "MALFORMED_QUERY"
    column = query.index(" OR ") + 2
    assert (
        body["message"]
        == f"\n{query}\n{' ' * (column - 1)}^\nERROR at Row:1:Column:{column}\nunexpected token: OR"
    )
    fine = "SELECT Id FROM Contact WHERE (LastName = 'Eve' AND Email = null) OR NOT (Title = 'x')"
    assert sf.query(fine)["totalSize"] == 3


@pytest.mark.empty_org
def test_order_by_nulls_limit_and_offset(sf, people):
    first = sf.query("SELECT FirstName FROM Contact ORDER BY FirstName")["records"]
    assert [r["FirstName"] for r in first] == [None, "Ada", "Bob"]
    last = sf.query("SELECT FirstName FROM Contact ORDER BY FirstName DESC NULLS LAST")["records"]
    assert [r["FirstName"] for r in last] == ["Bob", "Ada", None]
    page = sf.query("SELECT LastName FROM Contact ORDER BY LastName LIMIT 1 OFFSET 1")
    assert page["totalSize"] == 1 and page["records"][0]["LastName"] == "Lovelace"
    with pytest.raises(SalesforceMalformedRequest) as error:
        sf.query("SELECT Id FROM Contact OFFSET 2001")
    assert error.value.content == [
        {
            "message": "Maximum SOQL offset allowed for apiName Contact is 2000",
            "errorCode": "NUMBER_OUTSIDE_VALID_RANGE",
        }
    ]


@pytest.mark.empty_org
def test_aggregates(sf, people):
    assert sf.query("SELECT COUNT() FROM Contact") == {"totalSize": 3, "done": True, "records": []}
    assert sf.query("SELECT COUNT() FROM Contact LIMIT 2")["totalSize"] == 2
    rows = sf.query(
        "SELECT Account.Name, COUNT(Id), COUNT(Email) mails FROM Contact GROUP BY Account.Name ORDER BY Account.Name"
    )["records"]
    assert rows == [
        {"attributes": {"type": "AggregateResult"}, "Name": None, "expr0": 1, "mails": 0},
        {"attributes": {"type": "AggregateResult"}, "Name": "Acme", "expr0": 2, "mails": 1},
    ]
    totals = sf.query("SELECT SUM(NumberOfEmployees), MAX(Name), AVG(NumberOfEmployees) FROM Account")[
        "records"
    ][0]
    assert totals["expr0"] == 60 and totals["expr1"] == "Globex" and totals["expr2"] == 30.0
    having = sf.query(
        "SELECT Industry, COUNT(Id) c FROM Account GROUP BY Industry HAVING COUNT(Id) > 0 AND Industry = 'media'"
    )
    assert [r["Industry"] for r in having["records"]] == ["Media"]


@pytest.mark.fake_only(reason="the fake's Contact has exactly one custom field")
def test_fields_function_and_its_limit(sf, people):
    record = sf.query("SELECT FIELDS(ALL) FROM Account ORDER BY Name LIMIT 1")["records"][0]
    assert record["Name"] == "Acme" and record["IsDeleted"] is False and "BillingAddress" in record
    custom = sf.query("SELECT FIELDS(CUSTOM) FROM Contact LIMIT 5")["records"][0]
    assert set(custom) == {"attributes", "alcmeon__Alcmeon_User_Id__c"}
    with pytest.raises(SalesforceMalformedRequest) as error:
        sf.query("SELECT FIELDS(ALL) FROM Account")
    assert error.value.content[0]["message"].endswith(
        "\nThe SOQL FIELDS function must have a LIMIT of at most 200"
    )


@pytest.mark.empty_org
def test_query_all_includes_the_recycle_bin(sf, people):
    sf.Contact.delete(people["eve"])
    assert sf.query("SELECT Id FROM Contact")["totalSize"] == 2
    everything = sf.query_all(
        "SELECT Id, IsDeleted FROM Contact WHERE LastName = 'Eve'", include_deleted=True
    )
    assert everything["records"][0]["IsDeleted"] is True


@pytest.mark.fake_only(reason="moves the fake's clock")
def test_date_literals_follow_the_clock_and_the_user_time_zone(sf_clock, sf_org, people):
    sf = sf_org.client()
    # 23:30 UTC on 1 March is already 2 March in Paris, the integration user's zone.
    sf_clock.set(datetime(2024, 3, 1, 23, 30, tzinfo=UTC))
    late = sf.Contact.create({"LastName": "Late"})["id"]
    sf_clock.set(datetime(2024, 3, 2, 12, 0, tzinfo=UTC))
    assert [r["Id"] for r in sf.query("SELECT Id FROM Contact WHERE CreatedDate = TODAY")["records"]] == [
        late
    ]
    assert sf.query("SELECT Id FROM Contact WHERE CreatedDate = YESTERDAY")["totalSize"] == 0
    sf_clock.set(datetime(2024, 3, 5, 12, 0, tzinfo=UTC))
    assert sf.query("SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:3")["totalSize"] == 1
    assert sf.query("SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:2")["totalSize"] == 0
    assert (
        sf.query("SELECT Id FROM Contact WHERE CreatedDate = THIS_MONTH AND CreatedDate < TODAY")["totalSize"]
        == 1
    )
    assert (
        sf.query("SELECT Id FROM Contact WHERE LastName = 'Late' AND CreatedDate > 2024-03-01T23:00:00Z")[
            "totalSize"
        ]
        == 1
    )
    assert (
        sf.query(
            "SELECT Id FROM Contact WHERE LastName = 'Late' AND CreatedDate > 2024-03-02T00:31:00+01:00"
        )["totalSize"]
        == 0
    )


@pytest.mark.alcmeon_package
@pytest.mark.empty_org
def test_custom_relationships_use_the_r_names(sf):
    account = sf.Account.create({"Name": "Acme"})["id"]
    sf.alcmeon__Conversation__c.create({"alcmeon__scoped_id__c": "wa-1", "alcmeon__Account__c": account})
    record = sf.query("SELECT alcmeon__Account__r.Name, Owner.Name FROM alcmeon__Conversation__c")["records"][
        0
    ]
    assert record["alcmeon__Account__r"]["Name"] == "Acme" and record["Owner"]["attributes"]["type"] == "Name"
    parent = sf.query("SELECT (SELECT alcmeon__scoped_id__c FROM alcmeon__Conversations__r) FROM Account")[
        "records"
    ][0]
    assert parent["alcmeon__Conversations__r"]["records"][0]["alcmeon__scoped_id__c"] == "wa-1"
    with pytest.raises(SalesforceMalformedRequest) as error:
        sf.query("SELECT alcmeon__Account__c.Name FROM alcmeon__Conversation__c")
    assert "Didn't understand relationship 'alcmeon__Account__c'" in error.value.content[0]["message"]
