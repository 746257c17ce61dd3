"""An OpenAPI 3.0 document of the REST routes the org serves, generated from its metadata."""

from __future__ import annotations

from flask import Blueprint

from alcsim.simulators.salesforce.config import CURRENT_API_VERSION
from alcsim.simulators.salesforce.routes.common import org, respond
from alcsim.simulators.salesforce.schema import Field, SObject

bp = Blueprint("openapi", __name__)
PATH = "/_sim/openapi.json"

JSON_TYPES = {
    "boolean": {"type": "boolean"},
    "int": {"type": "integer"},
    "double": {"type": "number"},
    "currency": {"type": "number"},
    "percent": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
}
ERRORS = {"$ref": "#/components/schemas/Errors"}


def _property(f: Field) -> dict:
    schema = dict(JSON_TYPES.get(f.type, {"type": "string"}))
    if f.type in ("string", "textarea", "email", "phone", "url", "combobox") and f.length:
        schema["maxLength"] = f.length
    if f.type == "picklist" and f.restricted:
        schema["enum"] = list(f.values)
    if f.type == "reference":
        schema["pattern"] = "^[0-9A-Za-z]{15}([0-9A-Za-z]{3})?$"
    schema["nullable"] = True
    return schema


def _writable(sobject: SObject, creating: bool) -> dict:
    props = {
        f.name: _property(f)
        for f in sobject.stored_fields
        if (f.createable if creating else f.updateable) and f.name != "Id"
    }
    body = {"type": "object", "properties": props, "additionalProperties": False}
    required = [f.name for f in sobject.stored_fields if f.required and creating]
    if required:
        body["required"] = required
    return body


def _answers(ok: dict, *codes: int) -> dict:
    answers = dict(ok)
    descriptions = {
        300: "several records match",
        400: "invalid request",
        401: "no valid session",
        403: "limit exceeded",
        404: "not found",
        405: "method not allowed",
    }
    for code in (400, 401, 403, 404, *codes):
        answers[str(code)] = {
            "description": descriptions[code],
            "content": {"application/json": {"schema": ERRORS}},
        }
    return answers


def _json(schema: dict, description: str = "ok") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


QUERY_RESULT = {
    "type": "object",
    "properties": {
        "totalSize": {"type": "integer"},
        "done": {"type": "boolean"},
        "nextRecordsUrl": {"type": "string"},
        "records": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["totalSize", "done", "records"],
}


def _query_paths(base: str) -> dict:
    """query/, queryAll/, a query locator, search/ and the composite resources (SC 1.3, 1.4, 7)."""
    q = {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "minLength": 1}}
    locator = {"name": "locator", "in": "path", "required": True, "schema": {"type": "string"}}
    saves = {"type": "array", "items": {"type": "object"}}
    records_body = {
        "type": "object",
        "properties": {
            "allOrNone": {"type": "boolean"},
            "records": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["records"],
    }
    return {
        f"{base}/query": {
            "get": {
                "operationId": "query",
                "parameters": [q],
                "responses": _answers({"200": _json(QUERY_RESULT)}),
            }
        },
        f"{base}/queryAll": {
            "get": {
                "operationId": "queryAll",
                "parameters": [q],
                "responses": _answers({"200": _json(QUERY_RESULT)}),
            }
        },
        f"{base}/query/{{locator}}": {
            "get": {
                "operationId": "queryMore",
                "parameters": [locator],
                "responses": _answers({"200": _json(QUERY_RESULT)}),
            }
        },
        f"{base}/search": {
            "get": {
                "operationId": "search",
                "parameters": [q],
                "responses": _answers(
                    {"200": _json({"type": "object", "properties": {"searchRecords": saves}})}
                ),
            }
        },
        f"{base}/composite/sobjects": {
            "post": {
                "operationId": "createCollection",
                "requestBody": {"required": True, "content": {"application/json": {"schema": records_body}}},
                "responses": _answers({"200": _json(saves)}),
            }
        },
        f"{base}/composite/batch": {
            "post": {
                "operationId": "compositeBatch",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "properties": {"batchRequests": saves}}
                        }
                    },
                },
                "responses": _answers({"200": _json({"type": "object"})}),
            }
        },
    }


def document(version: str = CURRENT_API_VERSION) -> dict:
    the_org = org()
    base = f"/services/data/v{version}"
    save_result = {"$ref": "#/components/schemas/SaveResult"}
    record = {"type": "object", "properties": {"attributes": {"type": "object"}}, "required": ["attributes"]}
    id_param = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    paths: dict = {
        **_query_paths(base),
        f"{base}/sobjects": {
            "get": {
                "operationId": "describeGlobal",
                "responses": _answers({"200": _json({"type": "object"})}),
            }
        },
        f"{base}/limits": {
            "get": {"operationId": "limits", "responses": _answers({"200": _json({"type": "object"})})}
        },
        f"{base}/recent": {
            "get": {"operationId": "recent", "responses": _answers({"200": _json({"type": "array"})})}
        },
    }
    for sobject in the_org.schema.objects.values():
        name = sobject.name
        paths[f"{base}/sobjects/{name}"] = {
            "get": {
                "operationId": f"basicInfo{name}",
                "responses": _answers({"200": _json({"type": "object"})}),
            },
            "post": {
                "operationId": f"create{name}",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _writable(sobject, True)}},
                },
                "responses": _answers({"201": _json(save_result, "created")}),
            },
        }
        paths[f"{base}/sobjects/{name}/describe"] = {
            "get": {
                "operationId": f"describe{name}",
                "responses": _answers({"200": _json({"type": "object"})}),
            }
        }
        paths[f"{base}/sobjects/{name}/{{id}}"] = {
            "parameters": [id_param],
            "get": {"operationId": f"get{name}", "responses": _answers({"200": _json(record)})},
            "patch": {
                "operationId": f"update{name}",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _writable(sobject, False)}},
                },
                "responses": _answers({"204": {"description": "updated"}}),
            },
            "delete": {
                "operationId": f"delete{name}",
                "responses": _answers({"204": {"description": "deleted"}}),
            },
        }
        for f in sobject.stored_fields:
            if not f.external_id:
                continue
            value_param = {
                "name": "value",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "minLength": 1},
            }
            paths[f"{base}/sobjects/{name}/{f.name}/{{value}}"] = {
                "parameters": [value_param],
                "get": {
                    "operationId": f"get{name}By{f.name}",
                    "responses": _answers({"200": _json(record)}, 300),
                },
                "patch": {
                    "operationId": f"upsert{name}By{f.name}",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": _writable(sobject, True) | {"required": []}}
                        },
                    },
                    "responses": _answers(
                        {"200": _json(save_result, "updated"), "201": _json(save_result, "created")}, 300
                    ),
                },
            }
    return {
        "openapi": "3.0.3",
        "info": {"title": f"alcsim Salesforce org {the_org.config.name}", "version": version},
        "paths": paths,
        "components": {
            "securitySchemes": {"session": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "message": {"type": "string"},
                            "errorCode": {"type": "string"},
                            "fields": {"type": "array", "items": {"type": "string"}},
                        },
                        "required": ["message", "errorCode"],
                    },
                },
                "SaveResult": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "success": {"type": "boolean"},
                        "errors": {"type": "array"},
                        "created": {"type": "boolean"},
                    },
                    "required": ["id", "success", "errors"],
                },
            },
        },
        "security": [{"session": []}],
    }


@bp.get(PATH)
def openapi():
    return respond(document())
