"""Seed an org with records from a JSON or YAML document, with references between the seeded records.

Shape: `{"Account": [{"_ref": "acme", "Name": "Acme"}], "Contact": [{"LastName": "Doe", "AccountId": "@acme"}]}`.
Objects are created in the order given; a value `@name` is the id of the record seeded with `_ref: name`.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.org import Org


def seed(org: Org, document: dict) -> dict:
    """Create every record in one transaction; on any error nothing is kept and the error says where."""
    if not isinstance(document, dict):
        raise errors.JsonParserError("A seed document is an object of sObject name to a list of records")
    refs: dict[str, str] = {}
    created: dict[str, int] = {}
    user = org.integration_user_id
    with org.store.transaction():
        for name, records in document.items():
            sobject = org.sobject(name)
            if not isinstance(records, list):
                raise errors.JsonParserError(f"{name}: a list of records is expected")
            for index, record in enumerate(records):
                if not isinstance(record, dict):
                    raise errors.JsonParserError(f"{name}[{index}]: a record is an object")
                values = {}
                for key, value in record.items():
                    if key == "_ref":
                        continue
                    if isinstance(value, str) and value.startswith("@"):
                        if value[1:] not in refs:
                            raise errors.InvalidCrossReferenceKey(
                                f"{name}[{index}].{key}: unknown reference {value}", [key]
                            )
                        value = refs[value[1:]]
                    values[key] = value
                try:
                    record_id = org.records.create(sobject, values, user)
                except errors.SalesforceError as exc:
                    exc.message = f"{name}[{index}]: {exc.message}"
                    raise
                if "_ref" in record:
                    refs[str(record["_ref"])] = record_id
                created[sobject.name] = created.get(sobject.name, 0) + 1
    return {"created": created, "refs": refs}


def load(path: str | Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)
