"""Composite resources: collections with allOrNone, /composite references, /composite/batch (SC 7)."""

from __future__ import annotations

import pytest


def test_collection_create_partial_success(sf):
    answer = sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "allOrNone": False,
            "records": [
                {"attributes": {"type": "Contact"}, "LastName": "Ok"},
                {"attributes": {"type": "Contact"}},
            ],
        },
    )
    assert answer[0]["success"] is True and len(answer[0]["id"]) == 18
    assert answer[1] == {
        "id": None,
        "success": False,
        "errors": [
            {
                "message": "Required fields are missing: [LastName]",
                "statusCode": "REQUIRED_FIELD_MISSING",
                "fields": ["LastName"],
            }
        ],
    }


@pytest.mark.empty_org
def test_collection_all_or_none_rolls_back(sf):
    answer = sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "allOrNone": True,
            "records": [
                {"attributes": {"type": "Account"}, "Name": "Kept?"},
                {"attributes": {"type": "Account"}},
            ],
        },
    )
    assert [a["success"] for a in answer] == [False, False]
    assert answer[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert sf.Account.metadata()["recentItems"] == []


@pytest.mark.alcmeon_package
def test_collection_update_get_upsert_delete(sf):
    ids = [sf.Contact.create({"LastName": n})["id"] for n in ("A", "B")]
    updated = sf.restful(
        "composite/sobjects",
        method="PATCH",
        json={"records": [{"attributes": {"type": "Contact"}, "id": i, "Title": "T"} for i in ids]},
    )
    assert all(u["success"] for u in updated)
    fetched = sf.restful(
        "composite/sobjects/Contact",
        params={"ids": ",".join(ids + ["003000000000000AAA"]), "fields": "Title"},
    )
    assert [f["Title"] for f in fetched[:2]] == ["T", "T"] and fetched[2] is None
    upserted = sf.restful(
        "composite/sobjects/alcmeon__Conversation__c/alcmeon__scoped_id__c",
        method="PATCH",
        json={
            "records": [
                {"attributes": {"type": "alcmeon__Conversation__c"}, "alcmeon__scoped_id__c": f"w:a:b:{n}"}
                for n in (1, 2)
            ]
        },
    )
    assert [u["created"] for u in upserted] == [True, True]
    again = sf.restful(
        "composite/sobjects/alcmeon__Conversation__c/alcmeon__scoped_id__c",
        method="PATCH",
        json={
            "records": [
                {"attributes": {"type": "alcmeon__Conversation__c"}, "alcmeon__scoped_id__c": "w:a:b:1"}
            ]
        },
    )
    assert again[0]["created"] is False and again[0]["id"] == upserted[0]["id"]
    deleted = sf.restful("composite/sobjects", method="DELETE", params={"ids": ",".join(ids)})
    assert [d["success"] for d in deleted] == [True, True]


def test_collection_retrieve_by_post_body(sf_org, sf):
    """The POST form of Get Records Using sObject Collections: ids and fields in the body (jsforce)."""
    ids = [sf.Contact.create({"LastName": n, "Title": n.lower()})["id"] for n in ("P", "Q")]
    fetched = sf.restful(
        "composite/sobjects/Contact", method="POST", json={"ids": ids, "fields": ["LastName", "Title"]}
    )
    assert [(f["LastName"], f["Title"]) for f in fetched] == [("P", "p"), ("Q", "q")]
    for body in ({"ids": ids}, {"ids": "x", "fields": ["Title"]}, ["not", "an", "object"]):
        answer = sf_org.session().post(
            f"{sf_org.instance_url}/services/data/v62.0/composite/sobjects/Contact",
            json=body,
            headers={"Authorization": f"Bearer {sf.session_id}"},
        )
        assert answer.status_code == 400 and "errorCode" in answer.json()[0]


def test_collection_over_200_is_refused(sf_org, sf):
    records = [{"attributes": {"type": "Contact"}, "LastName": str(i)} for i in range(201)]
    answer = sf_org.session().post(
        f"{sf_org.instance_url}/services/data/v62.0/composite/sobjects",
        json={"records": records},
        headers={"Authorization": f"Bearer {sf.session_id}"},
    )
    assert answer.status_code == 400 and answer.json()[0]["errorCode"] == "INVALID_BATCH_REQUEST"


def test_composite_with_references(sf):
    answer = sf.restful(
        "composite",
        method="POST",
        json={
            "allOrNone": True,
            "compositeRequest": [
                {
                    "method": "POST",
                    "url": "/services/data/v62.0/sobjects/Account",
                    "referenceId": "acc",
                    "body": {"Name": "Ref"},
                },
                {
                    "method": "POST",
                    "url": "/services/data/v62.0/sobjects/Contact",
                    "referenceId": "con",
                    "body": {"LastName": "Child", "AccountId": "@{acc.id}"},
                },
                {
                    "method": "GET",
                    "url": "/services/data/v62.0/sobjects/Contact/@{con.id}",
                    "referenceId": "get",
                },
            ],
        },
    )
    steps = answer["compositeResponse"]
    assert [s["httpStatusCode"] for s in steps] == [201, 201, 200]
    assert steps[2]["body"]["AccountId"] == steps[0]["body"]["id"]
    assert steps[0]["httpHeaders"]["Location"].endswith(steps[0]["body"]["id"])


@pytest.mark.empty_org
def test_composite_all_or_none_halts_and_rolls_back(sf):
    answer = sf.restful(
        "composite",
        method="POST",
        json={
            "allOrNone": True,
            "compositeRequest": [
                {
                    "method": "POST",
                    "url": "/services/data/v62.0/sobjects/Account",
                    "referenceId": "a",
                    "body": {"Name": "Gone"},
                },
                {
                    "method": "POST",
                    "url": "/services/data/v62.0/sobjects/Contact",
                    "referenceId": "b",
                    "body": {},
                },
                {
                    "method": "POST",
                    "url": "/services/data/v62.0/sobjects/Account",
                    "referenceId": "c",
                    "body": {"Name": "Never"},
                },
            ],
        },
    )
    codes = [(s["httpStatusCode"], s["body"][0]["errorCode"]) for s in answer["compositeResponse"]]
    assert codes == [(400, "PROCESSING_HALTED"), (400, "REQUIRED_FIELD_MISSING"), (400, "PROCESSING_HALTED")]
    assert sf.Account.metadata()["recentItems"] == []


def test_batch_with_halt_on_error(sf):
    contact = sf.Contact.create({"LastName": "Batch"})["id"]
    answer = sf.restful(
        "composite/batch",
        method="POST",
        json={
            "haltOnError": True,
            "batchRequests": [
                {"method": "PATCH", "url": f"v62.0/sobjects/contact/{contact}", "richInput": {"Title": "B"}},
                {"method": "PATCH", "url": f"v62.0/sobjects/contact/{contact}", "richInput": {"Nope": 1}},
                {"method": "GET", "url": f"v62.0/sobjects/contact/{contact}"},
            ],
        },
    )
    assert answer["hasErrors"] is True
    assert [r["statusCode"] for r in answer["results"]] == [204, 400, 412]
    assert answer["results"][2]["result"][0]["errorCode"] == "BATCH_PROCESSING_HALTED"
    assert sf.Contact.get(contact)["Title"] == "B"
