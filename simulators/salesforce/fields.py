"""A field of the org's metadata and the describe keys it answers with (salesforce-contract.md 4)."""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass(slots=True)
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
    value_labels: dict[str, str] = field(default_factory=dict)  # only the labels that differ from values
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
    # Describe keys recorded from a real org where they differ from what the type implies (generate.py).
    overrides: dict | None = None
    _described: dict | None = field(default=None, init=False, repr=False, compare=False)

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
        return (
            not self.required
            and self.type not in ("boolean", "id")
            and not self.auto_number
            and not self.system
        )

    @property
    def defaulted_on_create(self) -> bool:
        return self.default is not None or self.system or self.type == "boolean" or bool(self.auto_number)

    def describe(self) -> dict:
        """The field keys of a real describe (salesforce-contract.md 4), in alphabetical order.

        Built once: a field does not change after the schema is built, and a describe of the full
        standard schema would otherwise rebuild sixty keys per field per request. Callers get their own
        top-level dict; the nested lists are shared and read-only."""
        if self._described is None:
            self._described = self._describe()
        return dict(self._described)

    def _describe(self) -> dict:
        # A textarea of up to 255 characters filters, sorts and groups like a string (real describes).
        short = self.type != "textarea" or 0 < self.length <= 255
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
        described = {
            "aggregatable": short and self.type not in ("address", "boolean"),
            "aiPredictionField": False,
            "autoNumber": bool(self.auto_number),
            "byteLength": self.length * 3 if text_like else (18 if self.type in ("id", "reference") else 0),
            # The fake's own computed standard fields are plain fields in a real describe.
            "calculated": bool(self.formula) and self.custom,
            "calculatedFormula": None,
            "cascadeDelete": False,
            "caseSensitive": self.case_sensitive,
            "compoundFieldName": self.compound_of,
            "controllerName": None,
            "createable": self.createable,
            "custom": self.custom,
            "defaultValue": self.default if self.type not in ("picklist", "multipicklist") else None,
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
            "filterable": short,
            "filteredLookupInfo": None,
            "formulaTreatNullNumberAsZero": False,
            "groupable": short and self.type not in ("double", "currency", "percent", "datetime", "address"),
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
            "permissionable": self.nillable and (self.createable or self.updateable),
            "picklistValues": [
                {
                    "active": True,
                    "defaultValue": v == self.default,
                    "label": self.value_labels.get(v, v),
                    "validFor": None,
                    "value": v,
                }
                for v in self.values
            ],
            "polymorphicForeignKey": self.polymorphic,
            "precision": 18 if self.type in ("double", "currency", "percent") else 0,
            "queryByDistance": self.type == "address",
            "referenceTargetField": None,
            "referenceTo": list(self.reference_to),
            "relationshipName": self.relationship_name,
            "relationshipOrder": None,
            "restrictedDelete": False,
            "restrictedPicklist": self.restricted,
            "scale": 2 if self.type in ("double", "currency", "percent") else 0,
            "searchPrefilterable": self.type == "reference" and self.nillable and self.createable,
            "soapType": SOAP_TYPES.get(self.type, "xsd:string"),
            "sortable": short and self.type not in ("multipicklist", "address"),
            "type": self.type,
            "unique": self.unique,
            "updateable": self.updateable,
            "writeRequiresMasterRead": False,
        }
        if self.overrides:
            described.update(self.overrides)
        return described


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
