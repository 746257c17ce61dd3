"""POST composite/tree/{sObject} (api_rest "sObject Tree") through simple-salesforce's restful()."""

from __future__ import annotations

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest


def _tree(sf, name: str, records: list) -> tuple[int, dict]:
    """The status and body; simple-salesforce raises on a 400, whose body carries the results."""
    try:
        return 201, sf.restful(f"composite/tree/{name}", method="POST", json={"records": records})
    except SalesforceMalformedRequest as exc:
        return exc.status, exc.content


def _account(ref: str, name: str, **children) -> dict:
    return {"attributes": {"type": "Account", "referenceId": ref}, "Name": name, **children}


def _contact(ref: str, last: str, **fields) -> dict:
    return {"attributes": {"type": "Contact", "referenceId": ref}, "LastName": last, **fields}


def test_nested_records_are_created_and_linked(sf):
    status, body = _tree(
        sf,
        "Account",
        [
            _account(
                "ref1",
                "Tree One",
                Contacts={"records": [_contact("ref2", "Smith"), _contact("ref3", "Evans")]},
            ),
            _account("ref4", "Tree Two", ChildAccounts={"records": [_account("ref5", "Tree Child")]}),
        ],
    )
    assert status == 201 and body["hasErrors"] is False
    # Listed level by level, as the documented example lists them (roots, then their children).
    assert [r["referenceId"] for r in body["results"]] == ["ref1", "ref4", "ref2", "ref3", "ref5"]
    ids = {r["referenceId"]: r["id"] for r in body["results"]}
    contacts = sf.query(
        f"SELECT LastName, AccountId FROM Contact WHERE AccountId = '{ids['ref1']}' ORDER BY LastName"
    )
    assert [(c["LastName"], c["AccountId"]) for c in contacts["records"]] == [
        ("Evans", ids["ref1"]),
        ("Smith", ids["ref1"]),
    ]
    assert sf.Account.get(ids["ref5"])["ParentId"] == ids["ref4"]


def test_a_failing_record_saves_nothing(sf):
    before = sf.query("SELECT COUNT() FROM Account")["totalSize"]
    status, body = _tree(
        sf,
        "Account",
        [_account("ok1", "Saved?", Contacts={"records": [_contact("bad1", "X", Email="not-an-email")]})],
    )
    assert status == 400 and body["hasErrors"] is True
    assert body["results"] == [
        {
            "referenceId": "bad1",
            "errors": [
                {
                    "message": body["results"][0]["errors"][0]["message"],
                    "statusCode": "INVALID_EMAIL_ADDRESS",
                    "fields": ["Email"],
                }
            ],
        }
    ]
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] == before


def test_duplicate_reference_ids_give_one_result_each(sf):
    status, body = _tree(sf, "Account", [_account("dup", "A"), _account("dup", "B")])
    assert status == 400 and body["hasErrors"] is True
    assert [r["referenceId"] for r in body["results"]] == ["dup", "dup"]
    assert {e["statusCode"] for r in body["results"] for e in r["errors"]} == {"INVALID_INPUT"}


@pytest.mark.parametrize(
    "records, code",
    [
        ([{"attributes": {"type": "Account"}, "Name": "No ref"}], "INVALID_INPUT"),
        (
            [{"attributes": {"type": "Contact", "referenceId": "c1"}, "LastName": "Wrong root"}],
            "INVALID_INPUT",
        ),
        ([{"attributes": {"type": "Account", "referenceId": "_bad"}, "Name": "Bad ref"}], "INVALID_INPUT"),
        ([_account("a1", "Unknown child", Contactz={"records": []})], "INVALID_FIELD"),
        ([_account("a1", "Unknown field", NoSuchField__c="x")], "INVALID_FIELD"),
    ],
)
def test_bad_input_is_refused_in_the_results(sf, records, code):
    status, body = _tree(sf, "Account", records)
    assert status == 400 and body["hasErrors"] is True
    assert [e["statusCode"] for e in body["results"][0]["errors"]] == [code]


def test_more_than_200_records_in_all_are_refused(sf):
    children = {"records": [_contact(f"c{i}", f"C{i}") for i in range(200)]}
    status, body = _tree(sf, "Account", [_account("root", "Too many", Contacts=children)])
    assert status == 400 and body["hasErrors"] is True
    assert sf.query("SELECT COUNT() FROM Contact WHERE LastName = 'C1'")["totalSize"] == 0


def test_two_hundred_unrelated_records_are_allowed(sf):
    status, body = _tree(sf, "Account", [_account(f"r{i}", f"Bulk {i}") for i in range(200)])
    assert status == 201 and len(body["results"]) == 200


def test_unknown_object_and_malformed_body(sf):
    with pytest.raises(Exception) as missing:
        sf.restful("composite/tree/NoSuchObject__c", method="POST", json={"records": []})
    assert missing.value.status == 404
    with pytest.raises(SalesforceMalformedRequest) as malformed:
        sf.restful("composite/tree/Account", method="POST", json={"nope": []})
    assert malformed.value.content[0]["errorCode"] == "JSON_PARSER_ERROR"
