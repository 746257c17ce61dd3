"""Composite resources: sObject collections, /composite with references, /composite/batch (SC 7)."""

from __future__ import annotations

import json
import re

from flask import current_app, request

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.ids import to18
from alcsim.simulators.salesforce.routes.common import (
    api_version,
    data_blueprint,
    json_body,
    org,
    respond,
    user_id,
)

bp = data_blueprint("composite")
COLLECTION_LIMIT = 200
SUBREQUEST_LIMIT = 25
ROLLED_BACK = (
    "Record rolled back because not all records were valid and the request was using AllOrNone header"
)


class _Rollback(Exception):
    """Raised inside a transaction to undo it; never leaves this module."""


def _collection_body() -> tuple[list, bool]:
    body = json_body()
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise errors.JsonParserError("The request body must be an object with a 'records' array")
    if len(body["records"]) > COLLECTION_LIMIT:
        raise errors.InvalidBatchRequest(
            f"Maximum number of records allowed in a single request is {COLLECTION_LIMIT}"
        )
    return body["records"], bool(body.get("allOrNone", False))


def _type_of(record) -> str:
    if (
        not isinstance(record, dict)
        or not isinstance(record.get("attributes"), dict)
        or "type" not in record["attributes"]
    ):
        raise errors.InvalidField("No SObject Type defined in the attributes of the record")
    return record["attributes"]["type"]


def _save_all(records: list, all_or_none: bool, save) -> list[dict]:
    """Run `save(record) -> result` for each record; with allOrNone any failure rolls every record back."""
    the_org = org()
    results: list[dict] = []
    failed = False
    try:
        with the_org.store.transaction():
            for record in records:
                try:
                    with the_org.store.transaction():
                        results.append(save(record))
                except errors.SalesforceError as exc:
                    failed = True
                    results.append({"success": False, "errors": [exc.as_error("statusCode")]})
            if all_or_none and failed:
                raise _Rollback
    except _Rollback:
        for result in results:
            if result["success"]:
                result.update(
                    id=None,
                    success=False,
                    errors=[
                        {
                            "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                            "message": ROLLED_BACK,
                            "fields": [],
                        }
                    ],
                )
                result.pop("created", None)
    for result in results:
        result.setdefault("id", None)
    return [{"id": r.pop("id"), **r} for r in results]


@bp.post("/composite/sobjects", strict_slashes=False)
def create_collection():
    the_org = org()
    records, all_or_none = _collection_body()

    def save(record):
        sobject = the_org.sobject(_type_of(record))
        return {"id": the_org.records.create(sobject, record, user_id()), "success": True, "errors": []}

    return respond(_save_all(records, all_or_none, save))


@bp.patch("/composite/sobjects", strict_slashes=False)
def update_collection():
    the_org = org()
    records, all_or_none = _collection_body()

    def save(record):
        sobject = the_org.sobject(_type_of(record))
        record_id = next((record[k] for k in record if k.lower() == "id"), None)
        if not record_id or not to18(str(record_id)):
            raise errors.MalformedId(f"Id in the record is missing or not valid: {record_id}", ["Id"])
        the_org.records.update(
            sobject, str(record_id), {k: v for k, v in record.items() if k.lower() != "id"}, user_id()
        )
        return {"id": to18(str(record_id)), "success": True, "errors": []}

    return respond(_save_all(records, all_or_none, save))


@bp.patch("/composite/sobjects/<name>/<field_name>", strict_slashes=False)
def upsert_collection(name: str, field_name: str):
    the_org = org()
    sobject = the_org.sobject(name)
    records, all_or_none = _collection_body()

    def save(record):
        if _type_of(record).lower() != sobject.name.lower():
            raise errors.InvalidField(f"Record type {_type_of(record)} does not match {sobject.name}")
        key = next((k for k in record if k.lower() == field_name.lower()), None)
        if key is None or record[key] in (None, ""):
            raise errors.RequiredFieldMissing(f"Required fields are missing: [{field_name}]", [field_name])
        record_id, created = the_org.records.upsert(sobject, field_name, str(record[key]), record, user_id())
        return {"id": record_id, "success": True, "errors": [], "created": created}

    return respond(_save_all(records, all_or_none, save))


@bp.get("/composite/sobjects/<name>", strict_slashes=False)
def get_collection(name: str):
    ids = [i for i in request.args.get("ids", "").split(",") if i]
    return respond(_retrieve(name, ids, request.args.get("fields")))


@bp.post("/composite/sobjects/<name>", strict_slashes=False)
def retrieve_collection(name: str):
    # The POST form of "Get Records Using sObject Collections" (api_rest resources_composite_sobjects_
    # collections_retrieve): ids and fields in the body, for lists too long for a URL; jsforce uses it.
    body = json_body()
    ids, fields = (body.get("ids"), body.get("fields")) if isinstance(body, dict) else (None, None)
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise errors.SalesforceError("ids must be a list of record ids", status=400)
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise errors.SalesforceError("fields must be a list of field names", status=400)
    return respond(_retrieve(name, ids, ",".join(fields)))


def _retrieve(name: str, ids: list[str], fields: str | None) -> list:
    the_org = org()
    sobject = the_org.sobject(name)
    if not ids or not fields:
        raise errors.SalesforceError("Both ids and fields are required", status=400)
    if len(ids) > 2000:
        raise errors.InvalidBatchRequest("Maximum number of ids allowed in a single request is 2000")
    found = []
    for record_id in ids:
        try:
            found.append(the_org.records.get(sobject, record_id, api_version(), fields))
        except (errors.NotFound, errors.EntityIsDeleted):
            found.append(None)
    return found


@bp.delete("/composite/sobjects", strict_slashes=False)
def delete_collection():
    the_org = org()
    ids = [i for i in request.args.get("ids", "").split(",") if i]
    if not ids:
        raise errors.SalesforceError("ids is required", status=400)
    if len(ids) > COLLECTION_LIMIT:
        raise errors.InvalidBatchRequest(
            f"Maximum number of records allowed in a single request is {COLLECTION_LIMIT}"
        )

    def save(record_id):
        sobject = the_org.sobject_of(record_id)
        if sobject is None:
            raise errors.MalformedId(f"malformed id {record_id}")
        the_org.records.delete(sobject, record_id, user_id())
        return {"id": to18(record_id), "success": True, "errors": []}

    return respond(_save_all(ids, request.args.get("allOrNone", "false").lower() == "true", save))


# -- /composite and /composite/batch run subrequests through the app itself -------------------------------
def _dispatch(method: str, url: str, body) -> tuple[int, object, dict]:
    path, _, query = url.partition("?")
    if not path.startswith("/services/data/"):
        path = "/services/data/" + path.lstrip("/")
    headers = {"Authorization": request.headers.get("Authorization", "")}
    options = {
        "method": method.upper(),
        "query_string": query,
        "headers": headers,
        "environ_base": {"alcsim.subrequest": True},
    }
    if body is not None:
        options.update(data=json.dumps(body), content_type="application/json")
    with current_app.test_request_context(path, **options):
        response = current_app.full_dispatch_request()
    text = response.get_data(as_text=True)
    payload = json.loads(text) if text else None
    return response.status_code, payload, dict(response.headers)


REFERENCE = re.compile(r"@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}")


def _resolve(text: str, outputs: dict) -> str:
    def value(match: re.Match) -> str:
        ref, path = match.group(1), match.group(2)
        if ref not in outputs:
            raise errors.InvalidField(f"Invalid reference specified. No value for {ref} found in {ref}.")
        current = outputs[ref]
        for step in re.findall(r"\.([A-Za-z0-9_]+)|\[(\d+)\]", path):
            try:
                current = current[step[0]] if step[0] else current[int(step[1])]
            except (KeyError, IndexError, TypeError):
                raise errors.InvalidField(
                    f"Invalid reference specified. No value for {ref}{path} found in {ref}."
                ) from None
        return str(current)

    return REFERENCE.sub(value, text)


@bp.post("/composite", strict_slashes=False)
def composite():
    body = json_body()
    subrequests = body.get("compositeRequest") if isinstance(body, dict) else None
    if not isinstance(subrequests, list) or not subrequests:
        raise errors.JsonParserError("The request body must carry a non-empty 'compositeRequest' array")
    if len(subrequests) > SUBREQUEST_LIMIT:
        raise errors.InvalidBatchRequest(f"Maximum number of subrequests allowed is {SUBREQUEST_LIMIT}")
    all_or_none = bool(body.get("allOrNone", False))
    outputs: dict = {}
    answers: list[dict] = []
    halted = False
    the_org = org()
    try:
        with the_org.store.transaction():
            for sub in subrequests:
                ref = sub.get("referenceId") if isinstance(sub, dict) else None
                if halted:
                    answers.append(_halted(ref))
                    continue
                try:
                    if not isinstance(sub, dict) or not sub.get("url") or not sub.get("method"):
                        raise errors.JsonParserError("Each subrequest needs method, url and referenceId")
                    url = _resolve(sub["url"], outputs)
                    payload = (
                        json.loads(_resolve(json.dumps(sub["body"]), outputs)) if "body" in sub else None
                    )
                    status, result, headers = _dispatch(sub["method"], url, payload)
                except errors.SalesforceError as exc:
                    status, result, headers = exc.status, [exc.as_error()], {}
                answer = {
                    "body": result,
                    "httpHeaders": {k: v for k, v in headers.items() if k == "Location"},
                    "httpStatusCode": status,
                    "referenceId": ref,
                }
                answers.append(answer)
                if status < 300:
                    outputs[ref] = result
                elif all_or_none:
                    halted = True
            if halted:
                raise _Rollback
    except _Rollback:
        for answer in answers:
            if answer["httpStatusCode"] < 300:
                answer.update(_halted(answer["referenceId"]))
    return respond({"compositeResponse": answers})


def _halted(ref) -> dict:
    message = "The transaction was rolled back since another operation in the same transaction failed."
    return {
        "body": [{"errorCode": "PROCESSING_HALTED", "message": message}],
        "httpHeaders": {},
        "httpStatusCode": 400,
        "referenceId": ref,
    }


@bp.post("/composite/batch", strict_slashes=False)
def batch():
    body = json_body()
    requests_ = body.get("batchRequests") if isinstance(body, dict) else None
    if not isinstance(requests_, list) or not requests_:
        raise errors.JsonParserError("The request body must carry a non-empty 'batchRequests' array")
    if len(requests_) > SUBREQUEST_LIMIT:
        raise errors.InvalidBatchRequest(f"Maximum number of subrequests allowed is {SUBREQUEST_LIMIT}")
    halt = bool(body.get("haltOnError", False))
    results, has_errors, halted = [], False, False
    for sub in requests_:
        if halted:
            results.append(
                {
                    "statusCode": 412,
                    "result": [
                        {
                            "errorCode": "BATCH_PROCESSING_HALTED",
                            "message": "Batch processing halted per request",
                        }
                    ],
                }
            )
            continue
        if not isinstance(sub, dict) or not sub.get("url") or not sub.get("method"):
            status, result = (
                400,
                [
                    {
                        "errorCode": "INVALID_BATCH_REQUEST",
                        "message": "Each batch request needs method and url",
                    }
                ],
            )
        else:
            status, result, _ = _dispatch(sub["method"], sub["url"], sub.get("richInput"))
        results.append({"statusCode": status, "result": result})
        if status >= 400:
            has_errors = True
            halted = halt
    return respond({"hasErrors": has_errors, "results": results})
