"""The org's metadata: sObjects and fields built from the declarative YAML files, as describe shows them.

Names are matched case-insensitively and answered in their canonical spelling (salesforce-contract.md
1.3). Fields of the package exist only from the version that introduced them (PKG-04).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path

import yaml

from alcsim.simulators.salesforce.fields import ADDRESS_PARTS, ChildRelationship, Field

__all__ = ["ChildRelationship", "Field", "SObject", "Schema", "field_from_spec", "system_fields"]
HERE = Path(__file__).parent / "metadata"
# Object-level describe flags and what a standard object answers when nothing recorded says otherwise
# (the recorded describes and global describe of ../shared/reference/salesforce-describe/).
OBJECT_FLAGS = {
    "activateable": False,
    "compactLayoutable": True,
    "deepCloneable": False,
    "feedEnabled": True,
    "layoutable": True,
    "mergeable": False,
    "mruEnabled": True,
    "queryable": True,
    "replicateable": True,
    "retrieveable": True,
    "searchLayoutable": True,
    "searchable": True,
    "triggerable": True,
    "undeletable": True,
}


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in str(version).split("."))


@dataclass
class SObject:
    name: str
    key_prefix: str
    label: str
    label_plural: str
    custom: bool = False
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    flags: dict[str, bool] = field(default_factory=dict)  # OBJECT_FLAGS as this object answers them
    fields: dict[str, Field] = field(default_factory=dict)  # lower-case name -> Field, in declared order
    child_relationships: list[ChildRelationship] = field(default_factory=list)

    def field(self, name: str) -> Field | None:
        return self.fields.get(name.lower())

    def copy(self) -> SObject:
        """This object with its own field map, flags and child list (the cached field lists rebuild)."""
        return replace(
            self,
            flags=dict(self.flags),
            fields=dict(self.fields),
            child_relationships=list(self.child_relationships),
        )

    @cached_property
    def stored_fields(self) -> list[Field]:
        return [f for f in self.fields.values() if f.stored]

    @cached_property
    def formula_fields(self) -> list[tuple[str, str]]:
        """(name, formula) of the fields the org computes on save, listed once: a save reads only these."""
        return [(f.name, f.formula) for f in self.stored_fields if f.formula]

    @property
    def name_field(self) -> Field | None:
        return next((f for f in self.fields.values() if f.name_field), None)

    @property
    def has_owner(self) -> bool:
        return "ownerid" in self.fields

    def child_relationship(self, name: str) -> ChildRelationship | None:
        lowered = name.lower()
        return next(
            (
                c
                for c in self.child_relationships
                if c.relationship_name and c.relationship_name.lower() == lowered
            ),
            None,
        )

    def relationship(self, name: str) -> Field | None:
        """The reference field whose relationship name is `name` (Account -> AccountId)."""
        lowered = name.lower()
        return next(
            (
                f
                for f in self.fields.values()
                if f.relationship_name and f.relationship_name.lower() == lowered
            ),
            None,
        )


def _relationship_name(name: str) -> str | None:
    if name.endswith("__c"):
        return name[:-3] + "__r"
    if name.endswith("Id") and len(name) > 2:
        return name[:-2]
    return None


def _picklist(entries: list) -> tuple[list[str], dict[str, str]]:
    """Values, and the labels that differ from them: an entry is a value or {value, label}."""
    values, labels = [], {}
    for entry in entries:
        if isinstance(entry, dict):
            values.append(str(entry["value"]))
            labels[str(entry["value"])] = str(entry["label"])
        else:
            values.append(str(entry))
    return values, labels


def field_from_spec(spec: dict, custom: bool) -> Field:
    """One field from its metadata entry (the compact keys of metadata/standard.yaml)."""
    spec = dict(spec)
    readonly = spec.pop("readonly", False)
    values, labels = _picklist(spec.pop("values", []))
    f = Field(
        name=spec.pop("name"),
        type=spec.pop("type"),
        label=spec.pop("label", ""),
        length=spec.pop("length", 0),
        required=spec.pop("required", False),
        createable=not readonly,
        updateable=spec.pop("updateable", not readonly),
        unique=spec.pop("unique", False),
        external_id=spec.pop("externalId", False),
        case_sensitive=spec.pop("caseSensitive", False),
        id_lookup=spec.pop("idLookup", False),
        name_field=spec.pop("nameField", False),
        reference_to=list(spec.pop("referenceTo", [])),
        relationship_name=spec.pop("relationshipName", None),
        child_relationship=spec.pop("childRelationship", None),
        values=values,
        value_labels=labels,
        restricted=spec.pop("restricted", False),
        default=spec.pop("default", None),
        auto_number=spec.pop("autoNumber", None),
        formula=spec.pop("formula", None),
        html=spec.pop("html", False),
        custom=custom or spec.get("name", "").endswith("__c"),
        since=spec.pop("since", None),
        compound_of=spec.pop("compoundFieldName", None),
        overrides=spec.pop("describe", None),
    )
    spec.pop("decided", None)
    if spec:
        raise ValueError(f"unknown metadata keys on {f.name}: {sorted(spec)}")
    f.custom = f.custom or f.name.endswith("__c")
    if f.type == "reference" and f.relationship_name is None:
        f.relationship_name = _relationship_name(f.name)
    if f.auto_number or f.formula:
        f.createable = f.updateable = False
        f.required = False
    if f.type == "boolean":
        f.default = bool(f.default)
    return f


def system_fields(owner: list[str] | None) -> list[Field]:
    """The audit fields every object has, and OwnerId when records are owned by `owner`."""
    audit = dict(type="reference", reference_to=["User"], createable=False, updateable=False, system=True)
    fixed = dict(createable=False, updateable=False, system=True)
    fields = [
        Field(name="Id", type="id", label="Record ID", **fixed),
        Field(name="IsDeleted", type="boolean", label="Deleted", default=False, **fixed),
        Field(name="CreatedDate", type="datetime", label="Created Date", **fixed),
        Field(name="CreatedById", label="Created By ID", relationship_name="CreatedBy", **audit),
        Field(name="LastModifiedDate", type="datetime", label="Last Modified Date", **fixed),
        Field(
            name="LastModifiedById", label="Last Modified By ID", relationship_name="LastModifiedBy", **audit
        ),
        Field(name="SystemModstamp", type="datetime", label="System Modstamp", **fixed),
    ]
    if owner:
        label = "Assigned To ID" if owner == ["User"] else "Owner ID"
        fields.append(
            Field(
                name="OwnerId",
                type="reference",
                label=label,
                reference_to=list(owner),
                relationship_name="Owner",
                system=True,
            )
        )
    return fields


def _address_fields(prefix: str) -> list[Field]:
    parts = [
        Field(name=f"{prefix}{suffix}", type=kind, length=length, compound_of=f"{prefix}Address")
        for suffix, _, kind, length in ADDRESS_PARTS
    ]
    compound = Field(
        name=f"{prefix}Address",
        type="address",
        createable=False,
        updateable=False,
        compound_parts=[(f"{prefix}{suffix}", key) for suffix, key, _, _ in ADDRESS_PARTS],
    )
    return parts + [compound]


def _link_compound_addresses(fields: list[Field]) -> None:
    """An address declared field by field reads its parts back as one compound value (SC 4)."""
    keys = {suffix: key for suffix, key, _, _ in ADDRESS_PARTS}
    for compound in (f for f in fields if f.type == "address" and not f.compound_parts):
        prefix = compound.name[: -len("Address")]
        compound.createable = compound.updateable = False
        compound.compound_parts = [
            (f.name, keys[f.name[len(prefix) :]])
            for f in fields
            if f.compound_of == compound.name and f.name[len(prefix) :] in keys
        ]


# libyaml's loader reads the hand-written files faster than the pure-Python one.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _load_yaml(name: str) -> dict:
    with open(HERE / name, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=LOADER)


@cache
def _standard() -> dict:
    """standard.yaml as generate.py also writes it in JSON: parsing the full standard schema's YAML peaks
    at over 5 MB of heap, which stays in an org's resident memory; the JSON at under 1 MB."""
    with open(HERE / "standard.json", encoding="utf-8") as handle:
        return json.load(handle)


@cache
def package_versions() -> tuple[str, ...]:
    """The released versions of the package: each one that introduced an object or a field (PKG-04)."""
    package = _load_yaml("package.yaml")
    found = {str(package["version"])}
    for spec in package["objects"].values():
        found |= {str(s["since"]) for s in (spec, *spec.get("fields", [])) if s.get("since")}
    return tuple(sorted(found, key=version_key))


@cache
def standard_picklist(sobject: str, field_name: str) -> tuple[str, ...]:
    """The values of a standard object's picklist, as metadata/standard.yaml declares them."""
    spec = next(f for f in _standard()[sobject]["fields"] if f["name"] == field_name)
    return tuple(_picklist(spec["values"])[0])


class Schema:
    """All sObjects of one org: the standard ones, plus the package at `package_version` when installed."""

    @staticmethod
    def for_org(package_version: str | None, person_accounts: bool) -> Schema:
        """An org's own schema: a copy of the one built per process for these inputs (building it reads
        every field's metadata entry, the top cost of starting an org)."""
        return _built(package_version, person_accounts).copy()

    def __init__(
        self,
        package_version: str | None = "5.34",
        person_accounts: bool = False,
        custom_prefix_start: int = 0,
    ):
        self.package_version = package_version
        self.person_accounts = person_accounts
        self.objects: dict[str, SObject] = {}
        for name, spec in _standard().items():
            self._add(name, spec, custom=False)
        if package_version is not None:
            self._add_package(_load_yaml("package.yaml"), custom_prefix_start)
        if person_accounts:
            self._add_person_account_fields()
        self._link_children()

    def _installed(self, since: str | None) -> bool:
        return since is None or version_key(since) <= version_key(self.package_version)

    def _add(self, name: str, spec: dict, custom: bool, key_prefix: str | None = None) -> SObject:
        sobject = SObject(
            name=name,
            key_prefix=key_prefix or str(spec["keyPrefix"]),
            label=spec.get("label", name),
            label_plural=spec.get("labelPlural", spec.get("label", name) + "s"),
            custom=custom,
            createable=spec.get("createable", True),
            updateable=spec.get("updateable", True),
            deletable=spec.get("deletable", True),
        )
        defaults = {**OBJECT_FLAGS, "undeletable": sobject.deletable}
        if custom:
            # A custom object has no feed, recent items nor compact layouts until set up (Custom__c_describe.json).
            defaults.update(feedEnabled=False, mruEnabled=False, compactLayoutable=False)
        sobject.flags = {**defaults, **(spec.get("objectDescribe") or {})}
        fields = system_fields(spec.get("owner"))
        for f in fields:
            f.overrides = (spec.get("systemDescribe") or {}).get(f.name)
        for f in (field_from_spec(s, custom) for s in spec.get("fields", [])):
            if self._installed(f.since):
                fields.append(f)
        for prefix in spec.get("addresses", []) or []:
            fields.extend(_address_fields(prefix))
        _link_compound_addresses(fields)
        sobject.fields = {f.name.lower(): f for f in fields}
        self.objects[name.lower()] = sobject
        return sobject

    def _add_package(self, package: dict, prefix_start: int) -> None:
        alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        index = prefix_start
        for name, spec in package["objects"].items():
            if not self._installed(spec.get("since")):
                continue
            # Custom objects get org-assigned prefixes a00, a01, ... (salesforce-contract.md 3.5).
            prefix = "a" + alphabet[index // 62 % 62] + alphabet[index % 62]
            index += 1
            self._add(name, spec, custom=True, key_prefix=prefix)
        for target, specs in package.get("extensions", {}).items():
            sobject = self.objects[target.lower()]
            for f in (field_from_spec(s, True) for s in specs):
                if self._installed(f.since):
                    sobject.fields[f.name.lower()] = f

    def _add_person_account_fields(self) -> None:
        spec = _load_yaml("person_account.yaml")
        account = self.objects["account"]
        for f in (field_from_spec(s, False) for s in spec["fields"]):
            account.fields[f.name.lower()] = f
        _link_compound_addresses(list(account.fields.values()))
        # Person accounts compute Name from the person's names; business accounts still set it.
        account.fields["name"].required = False
        for f in list(self.objects["contact"].fields.values()):
            if f.custom:
                mirror = replace(f, name=f.name[:-3] + "__pc", child_relationship=None)
                account.fields[mirror.name.lower()] = mirror
        self.person_mirrored = {k.lower(): v for k, v in spec["mirrored"].items()}
        for f in self.objects["contact"].stored_fields:
            if f.custom:
                self.person_mirrored[f.name[:-3].lower() + "__pc"] = f.name

    def _link_children(self) -> None:
        for sobject in self.objects.values():
            for f in sobject.fields.values():
                if f.type != "reference":
                    continue
                for target in f.reference_to:
                    parent = self.objects.get(target.lower())
                    if parent is not None:
                        parent.child_relationships.append(
                            ChildRelationship(sobject.name, f.name, f.child_relationship)
                        )

    def copy(self) -> Schema:
        """The same metadata, with objects and person-account mirrors of its own, so what one org changes
        no other org sees. Fields are shared: none changes once built (fields.py), and each keeps the
        describe it built once."""
        clone = copy.copy(self)
        clone.objects = {key: sobject.copy() for key, sobject in self.objects.items()}
        if "person_mirrored" in self.__dict__:
            clone.person_mirrored = dict(self.person_mirrored)
        return clone

    def get(self, name: str) -> SObject | None:
        return self.objects.get(name.lower())

    def by_prefix(self, key_prefix: str) -> SObject | None:
        return next((o for o in self.objects.values() if o.key_prefix == key_prefix), None)


@cache
def _built(package_version: str | None, person_accounts: bool) -> Schema:
    """The process's one build per inputs; only its copies leave this module, so it stays as built."""
    return Schema(package_version, person_accounts)
