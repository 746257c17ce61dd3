"""Steps on what the package installs: objects, fields, versions, read from the org's describe calls."""

from __future__ import annotations

from acc_steps_alcmeon import re
from acc_world import World
from pytest_bdd import given, then
from simple_salesforce.exceptions import SalesforceError

ORG = r'"(?P<org>[\w-]+)"'


def _fields(sf, sobject: str) -> dict[str, dict]:
    return {f["name"]: f for f in getattr(sf, sobject).describe()["fields"]}


@then(re(r"the " + ORG + r' org has the object "(?P<sobject>\w+)" with the fields "(?P<names>[^"]+)"'))
def object_fields(world: World, org: str, sobject: str, names: str):
    fields = _fields(world.admin_client(org), sobject)
    missing = [n.strip() for n in names.split(",") if n.strip() not in fields]
    assert not missing, f"{sobject} lacks {missing}"


@then(
    re(
        r"in the "
        + ORG
        + r' org "(?P<field>\w+)" is a required, unique external id of at most (?P<size>\d+) characters'
    )
)
def external_id(world: World, org: str, field: str, size: str):
    described = _fields(world.admin_client(org), "alcmeon__Conversation__c")[field]
    assert described["externalId"] and described["unique"] and not described["nillable"], described
    assert described["length"] == int(size)


@then(re(r"the " + ORG + r" org refuses a second conversation record with the same scoped id"))
def duplicate_refused(world: World, org: str):
    sf = world.admin_client(org)
    sf.alcmeon__Conversation__c.create({"alcmeon__scoped_id__c": "pkg:1:1:1", "alcmeon__Status__c": "OPEN"})
    try:
        sf.alcmeon__Conversation__c.create(
            {"alcmeon__scoped_id__c": "pkg:1:1:1", "alcmeon__Status__c": "OPEN"}
        )
    except SalesforceError as exc:
        assert "DUPLICATE_VALUE" in str(exc.content), exc.content
    else:
        raise AssertionError("a second record with the same scoped id was accepted")
    try:
        sf.alcmeon__Conversation__c.create({"alcmeon__scoped_id__c": "x" * 31})
    except SalesforceError as exc:
        assert "STRING_TOO_LONG" in str(exc.content), exc.content
    else:
        raise AssertionError("a 31-character scoped id was accepted")


@then(re(r"the Contact object of the " + ORG + r' org has the related list "(?P<relation>\w+)"'))
def related_list_exists(world: World, org: str, relation: str):
    children = world.admin_client(org).Contact.describe()["childRelationships"]
    found = [c for c in children if c["relationshipName"] == relation]
    assert found and found[0]["childSObject"] == "alcmeon__Conversation__c", children


@given(re(r'an org with the package at version "(?P<version>[\d.]+)"'))
def org_at_version(world: World, sf_org_factory, version: str):
    world.seen["org"] = sf_org_factory({"package_version": version})


@then(re(r'its conversation object (?P<has>has|does not have) the field "(?P<field>\w+)"'))
def version_field(world: World, has: str, field: str):
    fields = _fields(world.seen["org"].client(), "alcmeon__Conversation__c")
    assert (field in fields) == (has == "has"), sorted(fields)


@then(re(r'writing "(?P<field>\w+)" on a conversation record is (?P<outcome>refused|accepted)'))
def version_write(world: World, field: str, outcome: str):
    sf = world.seen["org"].client()
    try:
        sf.alcmeon__Conversation__c.create({"alcmeon__scoped_id__c": "v:1:1:1", field: "{}"})
    except SalesforceError as exc:
        assert outcome == "refused", exc.content
        assert "INVALID_FIELD" in str(exc.content), exc.content
    else:
        assert outcome == "accepted"


@then(re(r"the org (?P<has>has|does not have) the engagement object"))
def engagement_object(world: World, has: str):
    names = {s["name"] for s in world.seen["org"].client().describe()["sobjects"]}
    assert ("alcmeon__Engagement__c" in names) == (has == "has")
