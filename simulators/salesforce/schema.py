"""The org's metadata: sObjects and fields built from the declarative YAML files, as describe shows them.

Names are matched case-insensitively and answered in their canonical spelling (salesforce-contract.md
1.3). Fields of the package exist only from the version that introduced them (PKG-04).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import yaml

HERE = Path(__file__).parent / "metadata"
# One stored column per field, typed for SQLite; compound address fields are not stored.
STORAGE = {
    "boolean": "INTEGER",
    "int": "INTEGER",
    "double": "REAL",
    "currency": "REAL",
    "percent": "REAL",
}
SOAP_TYPES = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "boolean": "xsd:boolean",
    "int": "xsd:int",
    "double": "xsd:double",
    "currency": "xsd:double",
    "percent": "xsd:double",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
    "time": "xsd:time",
    "address": "urn:address",
}
ADDRESS_PARTS = (
    ("Street", "street", "textarea", 255),
    ("City", "city", "string", 40),
    ("State", "state", "string", 80),
    ("PostalCode", "postalCode", "string", 20),
    ("Country", "country", "string", 80),
    ("Latitude", "latitude", "double", 0),
    ("Longitude", "longitude", "double", 0),
    ("GeocodeAccuracy", "geocodeAccuracy", "picklist", 40),
)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in str(version).split("."))


@dataclass
class Field:
    name: str
    type: str
    label: str = ""
    length: int = 0
    required: bool = False
    createable: bool = True
    updateable: bool = True
    unique: bool = False
    external_id: bool = False
    case_sensitive: bool = False
    id_lookup: bool = False
    name_field: bool = False
    reference_to: list[str] = field(default_factory=list)
    relationship_name: str | None = None
    child_relationship: str | None = None
    values: list[str] = field(default_factory=list)
    restricted: bool = False
    default: object = None
    auto_number: str | None = None
    formula: str | None = None
    html: bool = False
    compound_of: str | None = None
    compound_parts: list[tuple[str, str]] = field(default_factory=list)
    custom: bool = False
    since: str | None = None
    system: bool = False

    @property
    def stored(self) -> bool:
        return self.type != "address"

    @property
    def sql_type(self) -> str:
        return STORAGE.get(self.type, "TEXT")

    @property
    def polymorphic(self) -> bool:
        return len(self.reference_to) > 1

    @property
    def nillable(self) -> bool:
        return not self.required and self.type not in ("boolean", "id") and not self.auto_number

    @property
    def defaulted_on_create(self) -> bool:
        return self.default is not None or self.system or self.type == "boolean" or bool(self.auto_number)

    def describe(self) -> dict:
        """The field keys of a real describe (salesforce-contract.md 4), in alphabetical order."""
        text_like = self.type in (
            "string",
            "textarea",
            "email",
            "phone",
            "url",
            "picklist",
            "multipicklist",
            "combobox",
        )
        return {
            "aggregatable": self.type not in ("textarea", "address"),
            "aiPredictionField": False,
            "autoNumber": bool(self.auto_number),
            "byteLength": self.length * 3 if text_like or self.type in ("id", "reference") else 0,
            "calculated": bool(self.formula),
            "calculatedFormula": None,
            "cascadeDelete": False,
            "caseSensitive": self.case_sensitive,
            "compoundFieldName": self.compound_of,
            "controllerName": None,
            "createable": self.createable,
            "custom": self.custom,
            "defaultValue": self.default if self.type not in ("picklist",) else None,
            "defaultValueFormula": None,
            "defaultedOnCreate": self.defaulted_on_create,
            "dependentPicklist": False,
            "deprecatedAndHidden": False,
            "digits": 9 if self.type == "int" else 0,
            "displayLocationInDecimal": False,
            "encrypted": False,
            "externalId": self.external_id,
            "extraTypeInfo": ("richtextarea" if self.html else "plaintextarea")
            if self.type == "textarea"
            else None,
            "filterable": self.type not in ("textarea", "address"),
            "filteredLookupInfo": None,
            "formulaTreatNullNumberAsZero": False,
            "groupable": self.type
            not in ("textarea", "double", "currency", "percent", "datetime", "address"),
            "highScaleNumber": False,
            "htmlFormatted": self.html,
            "idLookup": self.id_lookup or self.type == "id" or self.external_id,
            "inlineHelpText": None,
            "label": self.label or self.name,
            "length": self.length if text_like else (18 if self.type in ("id", "reference") else 0),
            "mask": None,
            "maskType": None,
            "name": self.name,
            "nameField": self.name_field,
            "namePointing": self.polymorphic,
            "nillable": self.nillable,
            "permissionable": self.custom and self.nillable,
            "picklistValues": [
                {"active": True, "defaultValue": v == self.default, "label": v, "validFor": None, "value": v}
                for v in self.values
            ],
            "polymorphicForeignKey": self.polymorphic,
            "precision": 18 if self.type in ("double", "currency", "percent") else 0,
            "queryByDistance": False,
            "referenceTargetField": None,
            "referenceTo": list(self.reference_to),
            "relationshipName": self.relationship_name,
            "relationshipOrder": None,
            "restrictedDelete": False,
            "restrictedPicklist": self.restricted,
            "scale": 2 if self.type in ("double", "currency", "percent") else 0,
            "searchPrefilterable": False,
            "soapType": SOAP_TYPES.get(self.type, "xsd:string"),
            "sortable": self.type not in ("textarea", "multipicklist", "address"),
            "type": self.type,
            "unique": self.unique,
            "updateable": self.updateable,
            "writeRequiresMasterRead": False,
        }


@dataclass
class ChildRelationship:
    child_sobject: str
    field: str
    relationship_name: str | None

    def describe(self) -> dict:
        return {
            "cascadeDelete": False,
            "childSObject": self.child_sobject,
            "deprecatedAndHidden": False,
            "field": self.field,
            "junctionIdListNames": [],
            "junctionReferenceTo": [],
            "relationshipName": self.relationship_name,
            "restrictedDelete": False,
        }


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
    fields: dict[str, Field] = field(default_factory=dict)  # lower-case name -> Field, in declared order
    child_relationships: list[ChildRelationship] = field(default_factory=list)

    def field(self, name: str) -> Field | None:
        return self.fields.get(name.lower())

    @cached_property
    def stored_fields(self) -> list[Field]:
        return [f for f in self.fields.values() if f.stored]

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


def _field(spec: dict, custom: bool) -> Field:
    spec = dict(spec)
    readonly = spec.pop("readonly", False)
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
        reference_to=spec.pop("referenceTo", []),
        relationship_name=spec.pop("relationshipName", None),
        child_relationship=spec.pop("childRelationship", None),
        values=[str(v) for v in spec.pop("values", [])],
        restricted=spec.pop("restricted", False),
        default=spec.pop("default", None),
        auto_number=spec.pop("autoNumber", None),
        formula=spec.pop("formula", None),
        html=spec.pop("html", False),
        custom=custom or spec.get("name", "").endswith("__c"),
        since=spec.pop("since", None),
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


def _system_fields(owner: list[str] | None) -> list[Field]:
    audit = dict(type="reference", reference_to=["User"], createable=False, updateable=False, system=True)
    fields = [
        Field(name="Id", type="id", label="Record ID", createable=False, updateable=False, system=True),
        Field(
            name="IsDeleted", type="boolean", label="Deleted", createable=False, updateable=False, system=True
        ),
        Field(
            name="CreatedDate",
            type="datetime",
            label="Created Date",
            createable=False,
            updateable=False,
            system=True,
        ),
        Field(name="CreatedById", label="Created By ID", relationship_name="CreatedBy", **audit),
        Field(
            name="LastModifiedDate",
            type="datetime",
            label="Last Modified Date",
            createable=False,
            updateable=False,
            system=True,
        ),
        Field(
            name="LastModifiedById", label="Last Modified By ID", relationship_name="LastModifiedBy", **audit
        ),
        Field(
            name="SystemModstamp",
            type="datetime",
            label="System Modstamp",
            createable=False,
            updateable=False,
            system=True,
        ),
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


def _load_yaml(name: str) -> dict:
    with open(HERE / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


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
    spec = next(f for f in _load_yaml("standard.yaml")[sobject]["fields"] if f["name"] == field_name)
    return tuple(str(v) for v in spec["values"])


class Schema:
    """All sObjects of one org: the standard ones, plus the package at `package_version` when installed."""

    def __init__(
        self,
        package_version: str | None = "5.34",
        person_accounts: bool = False,
        custom_prefix_start: int = 0,
    ):
        self.package_version = package_version
        self.person_accounts = person_accounts
        self.objects: dict[str, SObject] = {}
        for name, spec in _load_yaml("standard.yaml").items():
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
        fields = _system_fields(spec.get("owner"))
        for f in (_field(s, custom) for s in spec.get("fields", [])):
            if self._installed(f.since):
                fields.append(f)
        for prefix in spec.get("addresses", []) or []:
            fields.extend(_address_fields(prefix))
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
            for f in (_field(s, True) for s in specs):
                if self._installed(f.since):
                    sobject.fields[f.name.lower()] = f

    def _add_person_account_fields(self) -> None:
        spec = _load_yaml("person_account.yaml")
        account = self.objects["account"]
        for f in (_field(s, False) for s in spec["fields"]):
            account.fields[f.name.lower()] = f
        # Person accounts compute Name from the person's names; business accounts still set it.
        account.fields["name"].required = False
        for f in list(self.objects["contact"].fields.values()):
            if f.custom:
                mirror = Field(**{**f.__dict__, "name": f.name[:-3] + "__pc", "child_relationship": None})
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

    def get(self, name: str) -> SObject | None:
        return self.objects.get(name.lower())

    def by_prefix(self, key_prefix: str) -> SObject | None:
        return next((o for o in self.objects.values() if o.key_prefix == key_prefix), None)
