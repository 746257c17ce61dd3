"""Orgs built from the same inputs share the metadata built once per process, and nothing one org can change."""

from __future__ import annotations

import pytest

from alcsim.simulators.salesforce.config import OrgConfig
from alcsim.simulators.salesforce.describe import describe
from alcsim.simulators.salesforce.org import Org
from alcsim.simulators.salesforce.schema import Field, Schema
from alcsim.simulators.salesforce.store import Store

INPUTS = [("5.34", False), ("5.3", True), (None, False)]


@pytest.fixture
def two_orgs():
    orgs = [Org(OrgConfig(seed=seed, person_accounts=True)) for seed in (41, 42)]
    yield orgs
    for org in orgs:
        org.close()


@pytest.mark.parametrize(("package_version", "person_accounts"), INPUTS)
def test_an_orgs_schema_is_what_a_build_of_its_own_would_be(package_version, person_accounts):
    shared = Schema.for_org(package_version, person_accounts)
    built = Schema(package_version, person_accounts)
    assert shared.objects == built.objects
    assert list(shared.objects) == list(built.objects)
    assert [list(o.fields) for o in shared.objects.values()] == [
        list(o.fields) for o in built.objects.values()
    ]
    assert getattr(shared, "person_mirrored", None) == getattr(built, "person_mirrored", None)


@pytest.mark.parametrize(("package_version", "person_accounts"), INPUTS)
def test_an_orgs_tables_are_what_creating_them_would_make(package_version, person_accounts):
    org = Org(OrgConfig(package_version=package_version, person_accounts=person_accounts))
    created = Store()
    created.create_tables(Schema(package_version, person_accounts))
    listing = "SELECT type, name, sql FROM sqlite_master WHERE name != '_package_callouts' ORDER BY name"
    try:
        assert [tuple(r) for r in org.store.execute(listing)] == [tuple(r) for r in created.execute(listing)]
    finally:
        org.close()
        created.close()


def test_a_field_added_to_one_org_is_not_seen_by_another(two_orgs):
    first, second = two_orgs
    contact = first.schema.get("Contact")
    contact.fields["hobbies__c"] = Field(
        name="Hobbies__c", type="multipicklist", values=["Chess"], custom=True
    )
    contact.__dict__.pop("stored_fields", None)
    first.store.execute('ALTER TABLE "Contact" ADD COLUMN "Hobbies__c" TEXT')
    third = Org(OrgConfig(seed=43, person_accounts=True))  # built after the change
    try:
        for other in (second, third):
            assert other.schema.get("Contact").field("Hobbies__c") is None
            assert "Hobbies__c" not in [f.name for f in other.schema.get("Contact").stored_fields]
            described = describe(other, other.schema.get("Contact"), other.api_version)
            assert "Hobbies__c" not in [f["name"] for f in described["fields"]]
            columns = [r["name"] for r in other.store.execute('PRAGMA table_info("Contact")')]
            assert "Hobbies__c" not in columns
    finally:
        third.close()
    assert first.schema.get("Contact").field("Hobbies__c") is not None


def test_flags_child_relationships_and_mirrors_are_each_orgs_own(two_orgs):
    first, second = two_orgs
    account = first.schema.get("Account")
    account.flags["mergeable"] = not account.flags["mergeable"]
    account.child_relationships.clear()
    first.schema.person_mirrored.clear()
    first.schema.objects.pop("case")
    other = second.schema.get("Account")
    assert other.flags["mergeable"] is Schema().get("Account").flags["mergeable"]
    assert other.child_relationship("Contacts") is not None
    assert second.schema.person_mirrored and second.schema.get("Case") is not None
    assert first.schema.get("Case") is None


def test_a_record_type_created_in_one_org_is_not_in_another(two_orgs):
    first, second = two_orgs
    before = describe(second, second.schema.get("Account"), second.api_version)["recordTypeInfos"]
    first.records.create_as(
        first.integration_user_id,
        "RecordType",
        {"Name": "Partner", "DeveloperName": "Partner", "SobjectType": "Account"},
    )

    def names(org: Org) -> list[str]:
        infos = describe(org, org.schema.get("Account"), org.api_version)["recordTypeInfos"]
        return [i["developerName"] for i in infos]

    assert "Partner" in names(first)
    assert "Partner" not in names(second)
    assert describe(second, second.schema.get("Account"), second.api_version)["recordTypeInfos"] == before


def test_records_written_in_one_org_are_not_in_another_nor_in_the_next(two_orgs):
    first, second = two_orgs
    first.records.create_as(first.integration_user_id, "Account", {"Name": "Only in the first"})
    third = Org(OrgConfig(seed=43, person_accounts=True))
    try:
        for other in (second, third):
            assert other.store.execute('SELECT COUNT(*) FROM "Account"').fetchone()[0] == 0
    finally:
        third.close()


def test_a_restarted_org_on_disk_keeps_its_records_and_tables(tmp_path):
    org = Org(OrgConfig(seed=44), data_dir=tmp_path)
    org.records.create_as(org.integration_user_id, "Account", {"Name": "Kept"})
    org.close()
    again = Org(OrgConfig(seed=44), data_dir=tmp_path)
    try:
        assert [r[0] for r in again.store.execute('SELECT Name FROM "Account"')] == ["Kept"]
    finally:
        again.close()
