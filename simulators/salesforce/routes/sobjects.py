"""sObject routes: describe, create, get, update, delete, external ids, and the updated/deleted windows (SC 1.3)."""

from __future__ import annotations

from urllib.parse import unquote

from flask import request

from alcsim.simulators.salesforce import describe as describing
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

bp = data_blueprint("sobjects")
UPSERT_CREATED_SINCE = 46.0


@bp.get("/sobjects", strict_slashes=False)
def global_describe():
    return respond(describing.global_describe(org(), api_version()))


@bp.get("/sobjects/<name>", strict_slashes=False)
def basic_info(name: str):
    the_org = org()
    return respond(describing.basic_info(the_org, the_org.sobject(name), api_version()))


@bp.post("/sobjects/<name>", strict_slashes=False)
def create(name: str):
    the_org = org()
    sobject = the_org.sobject(name)
    record_id = the_org.records.create(sobject, json_body(), user_id())
    location = f"/services/data/v{api_version()}/sobjects/{sobject.name}/{record_id}"
    return respond({"id": record_id, "success": True, "errors": []}, 201, {"Location": location})


@bp.get("/sobjects/<name>/describe", strict_slashes=False)
def describe(name: str):
    the_org = org()
    return respond(describing.describe(the_org, the_org.sobject(name), api_version()))


@bp.get("/sobjects/<name>/updated", strict_slashes=False)
def updated(name: str):
    the_org = org()
    return respond(
        the_org.records.updated(the_org.sobject(name), request.args.get("start"), request.args.get("end"))
    )


@bp.get("/sobjects/<name>/deleted", strict_slashes=False)
def deleted(name: str):
    the_org = org()
    return respond(
        the_org.records.deleted(the_org.sobject(name), request.args.get("start"), request.args.get("end"))
    )


def _record_id(segment: str) -> str:
    full = to18(segment)
    if full is None:
        # A segment that is neither an id nor an external-id path (SC 3.3, NOT_FOUND).
        raise errors.NotFound(f"Provided external ID field does not exist or is not accessible: {segment}")
    return full


@bp.get("/sobjects/<name>/<record_id>", strict_slashes=False)
def get(name: str, record_id: str):
    the_org = org()
    sobject = the_org.sobject(name)
    return respond(
        the_org.records.get(sobject, _record_id(record_id), api_version(), request.args.get("fields"))
    )


@bp.patch("/sobjects/<name>/<record_id>", strict_slashes=False)
def update(name: str, record_id: str):
    the_org = org()
    sobject = the_org.sobject(name)
    the_org.records.update(sobject, _record_id(record_id), json_body(), user_id())
    return respond(None, 204)


@bp.delete("/sobjects/<name>/<record_id>", strict_slashes=False)
def delete(name: str, record_id: str):
    the_org = org()
    sobject = the_org.sobject(name)
    the_org.records.delete(sobject, _record_id(record_id), user_id())
    return respond(None, 204)


def _external_value(value: str) -> str:
    """The external id exactly as the client encoded it: the server decodes the path but keeps `%2F`,
    so the raw URI is read again; `+` stays a literal plus (SC 1.3 gotchas)."""
    raw = request.environ.get("REQUEST_URI")
    if not raw:
        return value
    segments = raw.split("?", 1)[0].split("/")
    # ['', 'services', 'data', 'vNN.0', 'sobjects', name, field, value...]
    return unquote("/".join(segments[7:])) if len(segments) > 7 else value


def _only(the_org, sobject, field_name: str, value: str) -> str:
    _, ids = the_org.records.ids_by_external_id(sobject, field_name, value)
    if not ids:
        raise errors.NotFound("The requested resource does not exist")
    if len(ids) > 1:
        raise errors.MultipleMatches(ids, sobject.name)
    return ids[0]


@bp.get("/sobjects/<name>/<field_name>/<path:value>", strict_slashes=False)
def get_by_external_id(name: str, field_name: str, value: str):
    the_org = org()
    sobject = the_org.sobject(name)
    record_id = _only(the_org, sobject, field_name, _external_value(value))
    return respond(the_org.records.get(sobject, record_id, api_version(), request.args.get("fields")))


@bp.patch("/sobjects/<name>/<field_name>/<path:value>", strict_slashes=False)
def upsert(name: str, field_name: str, value: str):
    the_org = org()
    sobject = the_org.sobject(name)
    update_only = request.args.get("updateOnly", "false").lower() == "true"
    body = json_body()
    record_id, created = the_org.records.upsert(
        sobject, field_name, _external_value(value), body, user_id(), update_only
    )
    location = f"/services/data/v{api_version()}/sobjects/{sobject.name}/{record_id}"
    if float(api_version()) < UPSERT_CREATED_SINCE:
        # Before v46.0 an update answers 204 and a creation carries no `created` (api_rest "Insert or
        # Update (Upsert) a Record Using an External ID", SC 3.2).
        if not created:
            return respond(None, 204)
        return respond({"id": record_id, "success": True, "errors": []}, 201, {"Location": location})
    payload = {"id": record_id, "success": True, "errors": [], "created": created}
    return respond(payload, 201 if created else 200, {"Location": location} if created else None)


@bp.delete("/sobjects/<name>/<field_name>/<path:value>", strict_slashes=False)
def delete_by_external_id(name: str, field_name: str, value: str):
    the_org = org()
    sobject = the_org.sobject(name)
    the_org.records.delete(sobject, _only(the_org, sobject, field_name, _external_value(value)), user_id())
    return respond(None, 204)
