"""The checker, compiler and shaping in-process against an Org: names, NULL rules, parameters (SC 3.2, 5)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from alcsim.simulators.common.clock import Clock
from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.org import Org
from alcsim.simulators.salesforce.schema import Field
from alcsim.simulators.salesforce.soql.dates import date_range, zone_of
from alcsim.simulators.salesforce.soql.engine import batch_size_from, engine_for


@pytest.fixture
def org():
    org = Org(clock=Clock(datetime(2024, 5, 15, 10, 0, tzinfo=UTC), frozen=True))
    yield org
    org.close()


def _run(org, text, include_deleted=False):
    return engine_for(org).query(
        text, user_id=org.integration_user_id, version="62.0", include_deleted=include_deleted
    )


def _create(org, sobject, values):
    return org.records.create(org.schema.get(sobject), values, org.integration_user_id)


def test_user_text_reaches_sql_only_as_parameters(org):
    hostile = 'x\'); DROP TABLE "Contact"; --'
    text = f"SELECT Id FROM Contact WHERE LastName = '{hostile.replace(chr(39), chr(92) + chr(39))}' AND Email LIKE '%a%'"
    engine = engine_for(org)
    plan, literals = engine.plan(text, False)
    assert hostile not in plan.sql and "DROP" not in plan.sql and "%a%" not in plan.sql
    assert engine.resolve_params(plan.params, None, literals, text) == [hostile, "%a%"]
    assert _run(org, text)["totalSize"] == 0 and _run(org, "SELECT COUNT() FROM Contact")["totalSize"] == 0


def test_names_resolve_case_insensitively_to_canonical_keys(org):
    account = _create(org, "Account", {"Name": "Acme"})
    _create(org, "Contact", {"LastName": "Ada", "AccountId": account})
    record = _run(org, "select LASTNAME, account.NAME, contact.accountid from CONTACT")["records"][0]
    assert list(record) == ["attributes", "LastName", "Account", "AccountId"]
    assert record["Account"]["Name"] == "Acme"


def test_five_parent_levels_and_no_more(org):
    five = "ReportsTo.ReportsTo.ReportsTo.ReportsTo.ReportsTo.LastName"
    assert _run(org, f"SELECT {five} FROM Contact")["totalSize"] == 0
    with pytest.raises(errors.MalformedQuery):
        _run(org, f"SELECT ReportsTo.{five} FROM Contact")


def test_polymorphic_what_picks_the_target_by_id(org):
    account = _create(org, "Account", {"Name": "Acme"})
    case = _create(org, "Case", {"Subject": "Broken"})
    _create(org, "Task", {"Subject": "Call", "WhatId": account})
    _create(org, "Task", {"Subject": "Email", "WhatId": case})
    _create(org, "Task", {"Subject": "Other"})
    records = _run(org, "SELECT Subject, What.Type, What.Id FROM Task ORDER BY Subject")["records"]
    assert [r["What"] and (r["What"]["Type"], r["What"]["attributes"]["type"]) for r in records] == [
        ("Account", "Name"),
        ("Case", "Name"),
        None,
    ]
    assert records[1]["What"]["attributes"]["url"].endswith(f"/sobjects/Case/{case}")
    assert _run(org, "SELECT Id FROM Task WHERE What.Type = 'Case'")["totalSize"] == 1
    contact = _create(org, "Contact", {"LastName": "Ada", "Email": "ada@example.com"})
    _create(org, "Task", {"Subject": "Call", "WhoId": contact})
    who = _run(org, "SELECT Who.Email, Who.Type FROM Task WHERE Who.Email != null")["records"][0]["Who"]
    assert who == {
        "attributes": {"type": "Name", "url": f"/services/data/v62.0/sobjects/Contact/{contact}"},
        "Email": "ada@example.com",
        "Type": "Contact",
    }
    with pytest.raises(errors.InvalidField):
        _run(org, "SELECT What.Owner.Name FROM Task")


def test_boolean_null_means_false_and_not_keeps_nulls(org):
    _create(org, "Contact", {"LastName": "Ada", "Title": "CEO"})
    _create(org, "Contact", {"LastName": "Bob"})
    assert _run(org, "SELECT Id FROM Contact WHERE IsPersonAccount = null")["totalSize"] == 2
    assert _run(org, "SELECT Id FROM Contact WHERE IsPersonAccount != null")["totalSize"] == 0
    # SOQL has no third truth value: NOT (Title = 'CEO') is true for Bob, whose Title is null.
    assert (
        _run(org, "SELECT LastName FROM Contact WHERE NOT Title = 'ceo'")["records"][0]["LastName"] == "Bob"
    )
    assert _run(org, "SELECT Id FROM Contact WHERE Title < 'Z'")["totalSize"] == 1
    assert _run(org, "SELECT Id FROM Contact WHERE Title IN ('x', null)")["totalSize"] == 1


def test_includes_and_excludes_on_a_multipicklist(org):
    contact = org.schema.get("Contact")
    contact.fields["hobbies__c"] = Field(
        name="Hobbies__c", type="multipicklist", values=["Chess", "Golf", "Go"], custom=True
    )
    contact.__dict__.pop("stored_fields", None)
    org.store.execute('ALTER TABLE "Contact" ADD COLUMN "Hobbies__c" TEXT')
    for name, hobbies in (("Ada", "Chess;Golf"), ("Bob", "Go"), ("Eve", None)):
        _create(org, "Contact", {"LastName": name, "Hobbies__c": hobbies})

    def names(where):
        return [
            r["LastName"]
            for r in _run(org, f"SELECT LastName FROM Contact WHERE {where} ORDER BY LastName")["records"]
        ]

    assert names("Hobbies__c INCLUDES ('golf;chess')") == ["Ada"]
    assert names("Hobbies__c INCLUDES ('Go', 'Tennis')") == ["Bob"]
    assert names("Hobbies__c EXCLUDES ('Go')") == ["Ada", "Eve"]
    with pytest.raises(errors.InvalidQueryFilterOperator):
        _run(org, "SELECT Id FROM Contact WHERE Hobbies__c LIKE 'G%'")


@pytest.mark.parametrize(
    ("where", "error", "text"),
    [
        (
            "NumberOfEmployees = '5'",
            errors.InvalidField,
            "must be of type integer and should not be enclosed in quotes",
        ),
        (
            "Name = 5",
            errors.InvalidField,
            "field 'Name' must be of type string and should be enclosed in quotes",
        ),
        (
            "CreatedDate = 2024-01-01",
            errors.InvalidField,
            "must be of type dateTime and should not be enclosed in quotes",
        ),
        ("Description = 'x'", errors.InvalidField, "field 'Description' can not be filtered in a query call"),
        ("ParentId = '001'", errors.InvalidQueryFilterOperator, "invalid ID field: 001"),
        ("CreatedDate = LAST_N_DAYS", errors.MalformedQuery, "unexpected token: 'LAST_N_DAYS'"),
        ("CreatedDate = SOMEDAY", errors.MalformedQuery, "unexpected token: 'SOMEDAY'"),
        ("Name IN (SELECT Name FROM Contact)", errors.InvalidField, "requires an Id or a reference field"),
        ("IsDeleted > true", errors.InvalidQueryFilterOperator, "invalid operator on boolean field"),
    ],
)
def test_filter_type_errors(org, where, error, text):
    with pytest.raises(error) as raised:
        _run(org, f"SELECT Id FROM Account WHERE {where}")
    assert raised.value.message.startswith(
        "\nSELECT Id FROM Account WHERE"
    ) and raised.value.message.endswith(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT Name n FROM Account", "only aggregate expressions use field aliasing"),
        ("SELECT Name, COUNT(Id) FROM Account", "Field must be grouped or aggregated: Name"),
        ("SELECT SUM(Name) FROM Account", "field Name does not support aggregate operator SUM"),
        ("SELECT COUNT(), Id FROM Account", "COUNT() must be the only element in the SELECT list"),
        ("SELECT COUNT() FROM Account ORDER BY Name", "COUNT() and ORDER BY may not be used together"),
        (
            "SELECT Id FROM Account ORDER BY Description",
            "field 'Description' can not be sorted in a query call",
        ),
        (
            "SELECT CreatedDate, COUNT(Id) FROM Account GROUP BY CreatedDate",
            "field 'CreatedDate' can not be grouped in a query call",
        ),
    ],
)
def test_select_rule_errors(org, text, message):
    with pytest.raises(errors.SalesforceError) as raised:
        _run(org, text)
    assert raised.value.message.endswith(message) and raised.value.message.startswith(f"\n{text}\n")


def test_date_ranges_are_local_midnights():
    paris = zone_of("Europe/Paris")
    now = datetime(2024, 5, 15, 22, 30, tzinfo=UTC)  # already 16 May in Paris, a Thursday
    assert date_range("TODAY", None, now, paris, "en_US").bounds("date") == ("2024-05-16", "2024-05-17")
    assert date_range("TODAY", None, now, paris, "en_US").bounds("datetime") == (
        "2024-05-15T22:00:00.000+0000",
        "2024-05-16T22:00:00.000+0000",
    )
    assert date_range("LAST_N_DAYS", 2, now, paris, "en_US").start == date(2024, 5, 14)
    assert date_range("NEXT_N_DAYS", 2, now, paris, "en_US").start == date(2024, 5, 17)
    assert date_range("THIS_WEEK", None, now, paris, "en_US").start == date(2024, 5, 12)  # Sunday
    assert date_range("THIS_WEEK", None, now, paris, "fr_FR").start == date(2024, 5, 13)  # Monday
    assert date_range("LAST_QUARTER", None, now, paris, "en_US").start == date(2024, 1, 1)
    assert date_range("NEXT_N_MONTHS", 9, now, paris, "en_US").end == date(2025, 3, 1)
    assert date_range("N_YEARS_AGO", 1, now, paris, "en_US").start == date(2023, 1, 1)
    assert date_range("THIS_FISCAL_YEAR", None, now, paris, "en_US").end == date(2025, 1, 1)


def test_date_literal_comparisons(org):
    _create(org, "Contact", {"LastName": "Ada", "Birthdate": "2024-05-14"})
    _create(org, "Contact", {"LastName": "Bob", "Birthdate": "2024-05-15"})
    _create(org, "Contact", {"LastName": "Eve"})

    def names(where):
        return [
            r["LastName"]
            for r in _run(org, f"SELECT LastName FROM Contact WHERE {where} ORDER BY LastName")["records"]
        ]

    assert names("Birthdate = TODAY") == ["Bob"]
    assert names("Birthdate < TODAY") == ["Ada"]
    assert names("Birthdate != YESTERDAY") == ["Bob", "Eve"]
    assert names("Birthdate >= YESTERDAY") == ["Ada", "Bob"]
    assert names("Birthdate IN (YESTERDAY, 2024-05-15)") == ["Ada", "Bob"]
    assert names("Birthdate = LAST_N_DAYS:1") == ["Ada", "Bob"]
    assert names("Birthdate = THIS_MONTH AND CreatedDate = TODAY") == ["Ada", "Bob"]


def test_query_all_and_soft_deletes(org):
    ada = _create(org, "Contact", {"LastName": "Ada"})
    org.records.delete(org.schema.get("Contact"), ada, org.integration_user_id)
    assert _run(org, "SELECT Id FROM Contact")["totalSize"] == 0
    assert _run(org, "SELECT Id FROM Contact", include_deleted=True)["records"][0]["Id"] == ada


def test_texts_differing_only_in_strings_share_a_plan_and_bind_their_own_values(org):
    ada = _create(org, "Contact", {"LastName": "Ada"})
    engine = engine_for(org)
    first, _ = engine.plan("SELECT Id FROM Contact WHERE LastName = 'Ada'", False)
    second, literals = engine.plan("SELECT Id FROM Contact WHERE LastName = 'O\\'Hara'", False)
    assert first is second and literals[0].plain == "O'Hara"
    assert _run(org, "SELECT Id FROM Contact WHERE LastName = 'ada'")["records"][0]["Id"] == ada
    assert _run(org, "SELECT Id FROM Contact WHERE LastName = 'Bob'")["totalSize"] == 0
    assert _run(org, f"SELECT Id FROM Contact WHERE Id = '{ada}'")["totalSize"] == 1
    # The cached plan still checks each text's own values, with errors located in that text.
    with pytest.raises(errors.InvalidQueryFilterOperator) as error:
        _run(org, "SELECT Id FROM Contact WHERE Id = 'nope'")
    assert error.value.message.endswith("ERROR at Row:1:Column:35\ninvalid ID field: nope")
    with pytest.raises(errors.MalformedQuery) as error:
        _run(org, "SELECT Id FROM Contact WHERE LastName = 'a\\qb'")
    assert error.value.message.endswith("Illegal character sequence '\\q' in string literal.")


def test_plans_are_cached_per_text_and_date_literals_still_move_with_the_clock(org):
    _create(org, "Contact", {"LastName": "Ada"})
    engine = engine_for(org)
    text = "SELECT Id FROM Contact WHERE CreatedDate = TODAY"
    assert _run(org, text)["totalSize"] == 1
    assert engine.plan(text, False)[0] is engine.plan(text, False)[0]
    org.clock.advance(days=1)
    assert _run(org, text)["totalSize"] == 0


def test_batch_size_header_parsing():
    assert batch_size_from(None) == 2000
    assert batch_size_from("batchSize=500") == 500
    assert batch_size_from("batchsize=5") == 200 and batch_size_from("batchSize=5000") == 2000
    assert batch_size_from("batchSize=abc") == 2000


def test_address_compound_and_aggregate_shapes(org):
    _create(org, "Account", {"Name": "Acme", "BillingCity": "Paris", "NumberOfEmployees": 3})
    _create(org, "Account", {"Name": "Globex"})
    records = _run(org, "SELECT BillingAddress FROM Account ORDER BY Name")["records"]
    assert records[0]["BillingAddress"]["city"] == "Paris" and records[1]["BillingAddress"] is None
    rows = _run(org, "SELECT COUNT_DISTINCT(Name), MIN(NumberOfEmployees) m, COUNT(Id) FROM Account")[
        "records"
    ]
    assert rows == [{"attributes": {"type": "AggregateResult"}, "expr0": 2, "m": 3, "expr1": 2}]


def test_aggregate_results_never_page(org, monkeypatch):
    import alcsim.simulators.salesforce.soql.aggregates as aggregates
    import alcsim.simulators.salesforce.soql.engine as engine

    for module in (aggregates, engine):
        monkeypatch.setattr(module, "MAX_AGGREGATE_ROWS", 2)
    for name in ("a", "b", "c"):
        _create(org, "Contact", {"LastName": name})
    text = "SELECT LastName, COUNT(Id) FROM Contact GROUP BY LastName"
    with pytest.raises(errors.MalformedQuery) as error:
        _run(org, text)
    assert error.value.message == (
        "Aggregate query does not support queryMore(), use LIMIT to restrict the results to a single batch"
    )
    assert _run(org, text + " LIMIT 2")["totalSize"] == 2


def test_child_subqueries_are_shaped_on_every_page(org):
    from alcsim.simulators.salesforce.ids import make_id

    user, now = org.integration_user_id, org.now_text()
    system = {
        "IsDeleted": 0,
        "CreatedDate": now,
        "LastModifiedDate": now,
        "SystemModstamp": now,
        "CreatedById": user,
        "LastModifiedById": user,
        "OwnerId": user,
    }
    accounts = [{**system, "Id": make_id("001", org.pod, 5000 + i), "Name": f"A{i:03d}"} for i in range(250)]
    org.store.insert_many(org.schema.get("Account"), accounts)
    contacts = [
        {
            **system,
            "Id": make_id("003", org.pod, 5000 + i),
            "LastName": f"C{i}",
            "AccountId": a["Id"],
            "IsPersonAccount": 0,
        }
        for i, a in enumerate(accounts)
    ]
    org.store.insert_many(org.schema.get("Contact"), contacts)
    engine = engine_for(org)
    text = "SELECT Name, (SELECT LastName FROM Contacts) FROM Account ORDER BY Name"
    first = engine.query(text, user_id=user, version="62.0", batch_size=200)
    # Child records count toward the batch (SC 5): 100 accounts with one contact each fill 200.
    assert first["totalSize"] == 250 and len(first["records"]) == 100
    assert first["nextRecordsUrl"].endswith("-100")
    records, more = list(first["records"]), first
    while not more["done"]:
        more = engine.query_more(more["nextRecordsUrl"].rsplit("/", 1)[1], user_id=user, version="62.0")
        records.extend(more["records"])
    assert [r["Contacts"]["records"][0]["LastName"] for r in records] == [f"C{i}" for i in range(250)]
    assert more["done"] is True and "nextRecordsUrl" not in more


def test_group_is_an_object_name_and_a_keyword(org):
    rows = _run(org, "SELECT Id, Name FROM Group WHERE Type = 'Queue' ORDER BY Name")
    assert rows["totalSize"] == 0
    grouped = _run(org, "SELECT Type, COUNT(Id) FROM Group GROUP BY Type ORDER BY Type")
    assert grouped["done"] is True
    assert _run(org, "SELECT Group.Name FROM GroupMember")["totalSize"] == 0


@pytest.mark.parametrize(
    "where",
    [
        "NOT " * 3000 + "Name = 'x'",
        " AND ".join(["Name = 'x'"] * 3000),
        "(Name = 'x' AND (Name = 'y' OR " * 60 + "Name = 'z'" + "))" * 60,
    ],
)
def test_overly_complicated_filters_are_refused_not_crashed(org, where):
    with pytest.raises(errors.MalformedQuery) as error:
        _run(org, f"SELECT Id FROM Contact WHERE {where}")
    assert (
        error.value.message
        == "Query is either selecting too many fields or the filter conditions are too complicated."
    )


def test_double_negation_cancels(org):
    _create(org, "Contact", {"LastName": "Ada"})
    assert _run(org, "SELECT Id FROM Contact WHERE " + "NOT " * 60 + "LastName = 'ada'")["totalSize"] == 1
    assert _run(org, "SELECT Id FROM Contact WHERE " + "NOT " * 61 + "LastName = 'ada'")["totalSize"] == 0


def test_with_security_modes_and_semi_joins_under_or(org):
    assert _run(org, "SELECT Id FROM Contact WHERE LastName != null WITH SECURITY_ENFORCED")["totalSize"] == 0
    assert _run(org, "SELECT Id FROM Contact WITH USER_MODE")["totalSize"] == 0
    with pytest.raises(errors.MalformedQuery):
        _run(org, "SELECT Id FROM Contact WITH NOTHING")
    with pytest.raises(errors.MalformedQuery) as error:
        _run(org, "SELECT Id FROM Account WHERE Name = 'x' OR Id IN (SELECT AccountId FROM Contact)")
    assert error.value.message.endswith("Semi join sub-selects are not allowed with the 'OR' operator")


def test_typeof_picks_fields_by_the_parents_real_type(org):
    account = _create(org, "Account", {"Name": "Acme", "Phone": "123"})
    case = _create(org, "Case", {"Subject": "Help"})
    for what in (account, case, None):
        _create(org, "Task", {"Subject": "T", "WhatId": what})
    text = "SELECT TYPEOF What WHEN Account THEN Phone, Name WHEN Case THEN Subject ELSE Name END FROM Task"
    whats = [r["What"] for r in _run(org, text)["records"]]
    assert whats[0] == {
        "attributes": {"type": "Account", "url": f"/services/data/v62.0/sobjects/Account/{account}"},
        "Phone": "123",
        "Name": "Acme",
    }
    assert whats[1]["attributes"]["type"] == "Case" and whats[1]["Subject"] == "Help" and whats[2] is None
    with pytest.raises(errors.MalformedQuery):
        _run(org, "SELECT TYPEOF Account WHEN Account THEN Name END FROM Contact")
    with pytest.raises(errors.InvalidType):
        _run(org, "SELECT TYPEOF What WHEN Lead THEN Name END FROM Task")
