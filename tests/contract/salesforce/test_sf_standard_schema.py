"""The standard schema against real orgs' describes: keys, types and field properties, then round trips."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

# The recordings are read from ../shared/reference/salesforce-describe/ beside the repository.
REFERENCE = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "salesforce-describe"
SOURCES = Path(__file__).resolve().parents[3] / "simulators" / "salesforce" / "metadata" / "sources.yaml"
CUSTOMISED = re.compile(r"__(c|pc|r)$|^[A-Za-z0-9]+__")
COMPARED = ("type", "length", "nillable", "createable", "updateable", "soapType", "precision", "scale")
# Keys an older API version's describe lacks (the recordings come from several versions).
NEWER_TOP_KEYS = {"associateEntityType", "associateParentEntity", "sobjectDescribeOption"}
RECORDED = {
    "Account_describe.json": ("Account", False),
    "Account_PersonAccount_describe.json": ("Account", True),
    "Contact_describe.json": ("Contact", False),
    "Case_describe.json": ("Case", False),
    "Event_describe.json": ("Event", False),
    "Lead_describe.json": ("Lead", False),
    "Opportunity_describe.json": ("Opportunity", False),
    "OpportunityContactRole_describe.json": ("OpportunityContactRole", False),
    "Custom__c_describe.json": ("alcmeon__Conversation__c", False),
}

# ../shared sits beside the repository wherever the suite runs (CI included): without it this fails, never skips.
# The module starts its own fake orgs (a business one and a person-account one) to compare with the recordings.
FAKE_ONLY = pytest.mark.fake_only("compares fake orgs it starts itself with the recorded describes")


def _recorded(name: str) -> dict:
    return json.loads((REFERENCE / name).read_text())


def _type_name(value) -> str:
    # simple-salesforce reads JSON objects as OrderedDict.
    return "null" if value is None else "dict" if isinstance(value, dict) else type(value).__name__


@pytest.fixture(scope="module")
def describes():
    """The fake's describes, from a business org and a person-account org started once for the module."""
    from alcsim.simulators.common.clock import Clock
    from alcsim.simulators.salesforce.config import OrgConfig
    from alcsim.simulators.salesforce.running import start_org

    found, started = {}, []
    for person in (False, True):
        config = OrgConfig.from_dict({"person_accounts": person}, source="test_sf_standard_schema")
        running = start_org(config, clock=Clock())
        started.append(running)
        sf = running.client()
        found[person] = {obj: getattr(sf, obj).describe() for obj, _ in RECORDED.values()}
    yield found
    for running in started:
        running.stop()


@FAKE_ONLY
@pytest.mark.parametrize("recording", sorted(RECORDED))
def test_describe_has_the_recorded_keys_and_value_types(describes, recording):
    obj, person = RECORDED[recording]
    real, fake = _recorded(recording), describes[person][obj]
    assert set(real) <= set(fake) and set(fake) - set(real) <= NEWER_TOP_KEYS
    for key in real:
        if real[key] is not None and fake[key] is not None:
            assert _type_name(fake[key]) == _type_name(real[key]), key
    field_keys = set(real["fields"][0])
    for f in fake["fields"]:
        assert set(f) == field_keys, f["name"]
    if real["urls"]:  # defaultValues came with a later API version than some recordings
        assert set(fake["urls"]) - {"defaultValues"} == set(real["urls"]) - {"defaultValues"}
    for key in ("recordTypeInfos", "childRelationships"):
        recorded = {frozenset(entry) for entry in real[key]}
        assert not recorded or {frozenset(entry) for entry in fake[key]} <= recorded, key


@FAKE_ONLY
@pytest.mark.parametrize("recording", sorted(r for r in RECORDED if not r.startswith("Custom")))
def test_every_recorded_standard_field_matches(describes, recording):
    obj, person = RECORDED[recording]
    fake = {f["name"]: f for f in describes[person][obj]["fields"]}
    # The person-account recording is another org on another version: compare only what persons add.
    business = (
        {f["name"] for f in _recorded("Account_describe.json")["fields"]} - {"Name"} if person else set()
    )
    for real in _recorded(recording)["fields"]:
        if CUSTOMISED.search(real["name"]) or real["name"] in business:
            continue
        assert real["name"] in fake, real["name"]
        mine = fake[real["name"]]
        for key in COMPARED:
            assert mine[key] == real[key], (real["name"], key, mine[key], real[key])
        for key, value in real.items():
            if value is not None and mine[key] is not None:
                assert _type_name(mine[key]) == _type_name(value), (real["name"], key)
        real_values = [(v["value"], v["label"]) for v in real["picklistValues"] if v["active"]]
        # The org's own values come first, labels kept where they differ from values (CleanStatus
        # `Matched` is "In Sync"); sources.yaml adds the connector's channels after them.
        mine_values = [(v["value"], v["label"]) for v in mine["picklistValues"]]
        assert mine_values[: len(real_values)] == real_values, real["name"]
        assert mine["restrictedPicklist"] == real["restrictedPicklist"], real["name"]


@FAKE_ONLY
def test_the_object_reference_extras_exist(describes):
    for obj, spec in yaml.safe_load(SOURCES.read_text())["objects"].items():
        if obj in describes[False]:
            names = {f["name"] for f in describes[False][obj]["fields"]}
            assert {e["name"] for e in spec.get("extra", [])} <= names, obj


# The object-level flags a real org answers (Custom__c's triggerable: false is left out, assumptions.md).
OBJECT_FLAGS = (
    "activateable",
    "createable",
    "deepCloneable",
    "deletable",
    "feedEnabled",
    "layoutable",
    "mergeable",
    "mruEnabled",
    "queryable",
    "replicateable",
    "retrieveable",
    "searchable",
    "triggerable",
    "undeletable",
    "updateable",
    "compactLayoutable",
    "searchLayoutable",
)


@FAKE_ONLY
@pytest.mark.parametrize("recording", sorted(RECORDED))
def test_object_flags_are_the_recorded_ones(describes, recording):
    obj, person = RECORDED[recording]
    real, fake = _recorded(recording), describes[person][obj]
    for key in OBJECT_FLAGS:
        if key == "triggerable" and real["custom"]:
            continue
        assert fake[key] == real[key], (obj, key, fake[key], real[key])
    if not real["custom"]:  # a custom object's prefix and labels are the org's own
        assert [fake[k] for k in ("keyPrefix", "label", "labelPlural")] == [
            real[k] for k in ("keyPrefix", "label", "labelPlural")
        ]


def test_global_describe_entries_have_the_recorded_keys(sf):
    real = _recorded("Global_describe.json")
    fake = sf.describe()
    assert set(fake) == set(real)
    assert all(_type_name(fake[k]) == _type_name(real[k]) for k in real)
    keys = set(real["sobjects"][0])
    assert all(set(entry) == keys for entry in fake["sobjects"])
    types = {k: _type_name(v) for k, v in real["sobjects"][0].items() if v is not None}
    for entry in fake["sobjects"]:
        assert {k: _type_name(v) for k, v in entry.items() if k in types and v is not None} == types
    # The entries of objects the recordings describe nowhere else: flags and links as the org answered.
    recorded = {e["name"]: e for e in real["sobjects"]}
    found = {e["name"]: e for e in fake["sobjects"]}
    for name in ("User", "Organization", "Account", "Contact", "Case", "Lead", "Opportunity"):
        mine, theirs = found[name], recorded[name]
        for key in OBJECT_FLAGS:
            if key in theirs:
                assert mine[key] == theirs[key], (name, key)
        assert set(mine["urls"]) == set(theirs["urls"]), name
    names = {entry["name"] for entry in fake["sobjects"]}
    required = {
        "Account",
        "Contact",
        "Lead",
        "Opportunity",
        "OpportunityContactRole",
        "Case",
        "Task",
        "Event",
    }
    assert required | {"User", "Group", "Organization", "RecordType"} <= names
    basic = sf.Lead.metadata()
    assert set(basic["objectDescribe"]) == keys and basic["recentItems"] == []


SAMPLES = {
    "string": "Sample",
    "textarea": "Some text",
    "email": "someone@example.com",
    "phone": "+33 1 23 45 67 89",
    "url": "https://example.com",
    "boolean": True,
    "int": 7,
    "double": 12.5,
    "currency": 1250.0,
    "percent": 10.0,
    "date": "2024-05-01",
    "datetime": "2024-05-01T10:00:00.000+0000",
}
# Fields whose value a real org ties to other records or to org settings.
SKIPPED_TYPES = {"reference", "address", "id"}


def _sample(f: dict):
    if f["type"] in ("picklist", "combobox", "multipicklist"):
        return f["picklistValues"][0]["value"] if f["picklistValues"] else "Other"
    value = SAMPLES.get(f["type"])
    if f["type"] in ("string", "textarea", "phone") and isinstance(value, str) and f["length"]:
        value = value[: f["length"]]
    if f["name"].endswith(("Latitude", "Longitude")):
        return 45.5
    return value


@pytest.mark.parametrize("obj", ["Account", "Contact", "Lead", "Opportunity", "Case", "Task", "Event"])
def test_every_createable_standard_field_round_trips(sf, obj):
    described = getattr(sf, obj).describe()
    data = {}
    for f in described["fields"]:
        if not f["createable"] or f["custom"] or f["type"] in SKIPPED_TYPES:
            continue
        value = _sample(f)
        if value is not None:
            data[f["name"]] = value
    if obj == "Event":
        data.update(
            IsAllDayEvent=False, DurationInMinutes=60, ActivityDateTime="2024-05-01T10:00:00.000+0000"
        )
        data.update(StartDateTime="2024-05-01T10:00:00.000+0000", EndDateTime="2024-05-01T11:00:00.000+0000")
        data.update(ActivityDate=date(2024, 5, 1).isoformat())
    created = getattr(sf, obj).create(data)
    assert created["success"], created
    read = getattr(sf, obj).get(created["id"])
    for name, value in data.items():
        assert read[name] == value, (obj, name, read[name], value)
