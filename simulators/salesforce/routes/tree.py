"""sObject Tree: POST /composite/tree/{sObject} creates nested records in one all-or-nothing request."""

from __future__ import annotations

import re

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.routes.common import data_blueprint, json_body, org, respond, user_id

bp = data_blueprint("tree")
# api_rest "sObject Tree": up to 200 records across all trees, up to five types, up to five levels deep.
RECORD_LIMIT = 200
TYPE_LIMIT = 5
DEPTH_LIMIT = 5
# api_rest "sObject Tree Request Body": a referenceId starts with an alphanumeric character and holds
# only letters, numbers and underscores; it is case-sensitive and unique within the request.
REFERENCE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]*$")


class InvalidInput(errors.SalesforceError):
    error_code = "INVALID_INPUT"


class _Refused(Exception):
    """The request fails as a whole: `results` is the response's list, one entry per offending record."""

    def __init__(self, results: list[dict]):
        super().__init__()
        self.results = results


def _failure(reference_id, exc: errors.SalesforceError) -> dict:
    # api_rest "sObject Tree Response Body": on failure only the offending record's referenceId, with
    # statusCode, message and fields, as in a SaveResult.
    return {"referenceId": reference_id, "errors": [exc.as_error("statusCode")]}


def _refuse(reference_id, exc: errors.SalesforceError):
    raise _Refused([_failure(reference_id, exc)])


def _flatten(the_org, records, sobject, parent: tuple[int, str] | None, depth: int, out: list) -> None:
    """Check one level of the request, appending `[depth, sobject, values, referenceId, parent]` per record;
    `parent` is `(index in out, reference field)` of the record a child hangs under."""
    if not isinstance(records, list):
        raise errors.JsonParserError("The request body must carry a 'records' array")
    for record in records:
        if not isinstance(record, dict) or not isinstance(record.get("attributes"), dict):
            _refuse(None, InvalidInput("Include an attributes property for each record"))
        attributes = record["attributes"]
        reference_id = attributes.get("referenceId")
        if not isinstance(reference_id, str) or not reference_id:
            _refuse(None, InvalidInput("Include a reference ID for each record in the request"))
        if not REFERENCE_ID.match(reference_id):
            _refuse(
                reference_id,
                InvalidInput(
                    f"Invalid reference ID {reference_id}: it must start with an alphanumeric character"
                    " and contain only letters, numbers or underscores"
                ),
            )
        record_type = attributes.get("type")
        if not isinstance(record_type, str) or record_type.lower() != sobject.name.lower():
            _refuse(reference_id, InvalidInput(f"The record type {record_type} doesn't match {sobject.name}"))
        values, children = {}, []
        for key, value in record.items():
            if key == "attributes":
                continue
            if isinstance(value, dict) and "records" in value:
                relationship = sobject.child_relationship(key)
                if relationship is None:
                    _refuse(
                        reference_id,
                        errors.InvalidField(
                            f"No such column '{key}' on sobject of type {sobject.name}", [key]
                        ),
                    )
                children.append((relationship, value["records"]))
            else:
                values[key] = value
        index = len(out)
        out.append([depth, sobject, values, reference_id, parent])
        if children and depth >= DEPTH_LIMIT:
            _refuse(reference_id, InvalidInput(f"sObject trees can be at most {DEPTH_LIMIT} levels deep"))
        for relationship, child_records in children:
            child = the_org.sobject(relationship.child_sobject)
            _flatten(the_org, child_records, child, (index, relationship.field), depth + 1, out)


def _check(out: list) -> None:
    if len(out) > RECORD_LIMIT:
        # The documented limit; the wording is the fake's (no recorded answer of a real org).
        _refuse(
            None, InvalidInput(f"Maximum number of records allowed in a single request is {RECORD_LIMIT}")
        )
    if len({entry[1].name for entry in out}) > TYPE_LIMIT:
        _refuse(None, InvalidInput(f"An sObject tree request can hold at most {TYPE_LIMIT} record types"))
    # api_rest "sObject Tree Response Body": with duplicate reference IDs, one result per instance.
    seen: dict[str, int] = {}
    for entry in out:
        seen[entry[3]] = seen.get(entry[3], 0) + 1
    duplicated = [entry[3] for entry in out if seen[entry[3]] > 1]
    if duplicated:
        raise _Refused(
            [
                _failure(ref, InvalidInput(f"Duplicate ReferenceId provided in the request: {ref}"))
                for ref in duplicated
            ]
        )


@bp.post("/composite/tree/<name>", strict_slashes=False)
def create_tree(name: str):
    the_org = org()
    sobject = the_org.sobject(name)
    body = json_body()
    if not isinstance(body, dict) or "records" not in body:
        raise errors.JsonParserError("The request body must be an object with a 'records' array")
    out: list = []
    try:
        _flatten(the_org, body["records"], sobject, None, 1, out)
        _check(out)
        ids: list[str | None] = [None] * len(out)
        # Created level by level, as the response lists them and as triggers fire (api_rest "sObject
        # Tree"); one transaction, so a failure saves nothing (the savepoints of store.transaction).
        order = sorted(range(len(out)), key=lambda i: out[i][0])
        with the_org.store.transaction():
            for i in order:
                _depth, child, values, reference_id, parent = out[i]
                if parent is not None:
                    values = {**values, parent[1]: ids[parent[0]]}
                try:
                    ids[i] = the_org.records.create(child, values, user_id())
                except errors.SalesforceError as exc:
                    raise _Refused([_failure(reference_id, exc)]) from None
    except _Refused as refused:
        return respond({"hasErrors": True, "results": refused.results}, 400)
    results = [{"referenceId": out[i][3], "id": ids[i]} for i in order]
    return respond({"hasErrors": False, "results": results}, 201)
