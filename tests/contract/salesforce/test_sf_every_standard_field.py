"""Every standard field of the Object Reference lists in sources.yaml: described as listed, written, read back."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ROOT / "simulators" / "salesforce" / "metadata" / "sources.yaml"
REFERENCE = ROOT.parent / "shared" / "reference" / "salesforce-describe"
OBJECTS = yaml.safe_load(SOURCES.read_text())["objects"]


def _listed(obj: str) -> list[dict]:
    """The fields sources.yaml lists for `obj` from the Object Reference: by hand, borrowed or hidden."""
    spec = OBJECTS[obj]
    listed = list(spec.get("fields", [])) + list(spec.get("extra", []))
    if "borrow" in spec:
        recorded = json.loads((REFERENCE / spec["borrow"]["reference"]).read_text())
        by_name = {f["name"]: f for f in recorded["fields"]}
        for name, fake in spec["borrow"]["fields"].items():
            real = by_name[name]
            listed.append({"name": name, "type": real["type"], "length": real["length"], **(fake or {})})
    return listed


def _values(entries: list) -> list[tuple[str, str]]:
    return [(str(e["value"]), str(e["label"])) if isinstance(e, dict) else (str(e), str(e)) for e in entries]


@pytest.mark.parametrize("obj", sorted(o for o in OBJECTS if _listed(o)))
def test_the_describe_has_every_listed_field_as_listed(sf, parity, obj):
    # A real org may add values and reference targets of its own: there the list is a subset.
    same = (lambda mine, listed: mine == listed) if parity is None else (lambda m, ls: set(ls) <= set(m))
    described = {f["name"]: f for f in getattr(sf, obj).describe()["fields"]}
    for spec in _listed(obj):
        assert spec["name"] in described, (obj, spec["name"])
        mine = described[spec["name"]]
        assert mine["type"] == spec["type"], (obj, spec["name"])
        if spec["type"] not in ("reference", "id") and spec.get("length"):
            assert mine["length"] == spec["length"], (obj, spec["name"])
        computed = spec.get("readonly") or spec.get("formula") or spec.get("autoNumber")
        if "readonly" in spec or "formula" in spec:
            assert mine["createable"] is not bool(computed), (obj, spec["name"])
        if spec.get("updateable") is False or computed:
            assert mine["updateable"] is False, (obj, spec["name"])
        if spec.get("required"):
            assert mine["nillable"] is False, (obj, spec["name"])
        if "values" in spec:
            values = [(v["value"], v["label"]) for v in mine["picklistValues"]]
            assert same(values, _values(spec["values"])), (obj, spec["name"])
        if "referenceTo" in spec:
            assert same(mine["referenceTo"], spec["referenceTo"]), (obj, spec["name"])
        if "relationshipName" in spec:
            assert mine["relationshipName"] == spec["relationshipName"], (obj, spec["name"])


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
UPDATED = {**SAMPLES, "string": "Changed", "textarea": "Other text", "boolean": False, "int": 8}


def _sample(f: dict, samples: dict):
    if f["type"] in ("picklist", "combobox", "multipicklist"):
        values = [v["value"] for v in f["picklistValues"]]
        return (values[-1] if samples is UPDATED else values[0]) if values else "Other"
    if f["name"].endswith(("Latitude", "Longitude")):
        return 45.5 if samples is SAMPLES else 46.5
    value = samples.get(f["type"])
    if isinstance(value, str) and f["type"] in ("string", "textarea", "phone") and f["length"]:
        value = value[: f["length"]]
    return value


def _writable(described: dict, key: str, samples: dict, skip: set[str]) -> dict:
    """A value for every standard field the describe says this call may write (no references, no compounds)."""
    return {
        f["name"]: _sample(f, samples)
        for f in described["fields"]
        if f[key]
        and not f["custom"]
        and f["type"] not in ("reference", "address", "id")
        and f["name"] not in skip
        and _sample(f, samples) is not None
    }


def _profile_id(sf) -> str:
    return sf.query("SELECT Id FROM Profile WHERE Name = 'Standard User'")["records"][0]["Id"]


def _user_base(sf) -> dict:
    unique = uuid.uuid4().hex[:10]
    return {
        "Username": f"every-field-{unique}@example.com",
        "CommunityNickname": f"every{unique}",
        "ProfileId": _profile_id(sf),
        "TimeZoneSidKey": "Europe/Paris",
        "LocaleSidKey": "fr_FR",
        "LanguageLocaleKey": "fr",
        "EmailEncodingKey": "UTF-8",
    }


# Fields set beside the samples: a user's identity and locale, a group's type.
BASES = {"User": _user_base, "Group": lambda sf: {"Type": "Regular"}}
# Values a real org ties to one another or to org settings, kept out of the samples.
SKIPPED = {
    "User": {"Username", "CommunityNickname", "TimeZoneSidKey", "LocaleSidKey", "LanguageLocaleKey"},
    "Group": {"Type", "DeveloperName"},
}


# Several User checkboxes need feature licences (Marketing, Knowledge, Flow) a parity org may not have.
USER_NEEDS_LICENCES = pytest.mark.fake_only(
    "sets every UserPermissions* checkbox, which needs feature licences"
)


@pytest.mark.parametrize("obj", [pytest.param("User", marks=USER_NEEDS_LICENCES), "Group"])
def test_every_createable_field_of_a_hand_listed_object_round_trips(sf, obj):
    described = getattr(sf, obj).describe()
    data = _writable(described, "createable", SAMPLES, SKIPPED[obj])
    data.update(BASES[obj](sf))
    if obj == "User":
        data.update(IsActive=False)  # an inactive user takes no licence in a parity org
    created = getattr(sf, obj).create(data)
    assert created["success"], created
    read = getattr(sf, obj).get(created["id"])
    for name, value in data.items():
        assert read[name] == value, (obj, name, read[name], value)


UPDATE_SETUP = {
    "Account": lambda sf: {"Name": "Every field"},
    "Contact": lambda sf: {"LastName": "Every field"},
    "Lead": lambda sf: {"LastName": "Every field", "Company": "Every field"},
    "Opportunity": lambda sf: {"Name": "Every field", "StageName": "Prospecting", "CloseDate": "2024-06-01"},
    "Case": lambda sf: {"Subject": "Every field"},
    "Task": lambda sf: {"Subject": "Every field"},
    "OpportunityContactRole": lambda sf: {
        "ContactId": sf.Contact.create({"LastName": "Every field"})["id"],
        "OpportunityId": sf.Opportunity.create(
            {"Name": "Every field", "StageName": "Prospecting", "CloseDate": "2024-06-01"}
        )["id"],
    },
}


@pytest.mark.parametrize("obj", sorted(UPDATE_SETUP))
def test_every_updateable_standard_field_is_written_and_read_back(sf, obj):
    described = getattr(sf, obj).describe()
    created = getattr(sf, obj).create(UPDATE_SETUP[obj](sf))
    assert created["success"], created
    data = _writable(described, "updateable", UPDATED, set())
    assert getattr(sf, obj).update(created["id"], data) == 204
    read = getattr(sf, obj).get(created["id"])
    for name, value in data.items():
        assert read[name] == value, (obj, name, read[name], value)
