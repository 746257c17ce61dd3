"""What every route shares: the org of the app, the caller's session, the API version, JSON bodies."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, g, request

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.config import CURRENT_API_VERSION, OLDEST_API_VERSION


def org():
    return current_app.config["ORG"]


def user_id() -> str:
    """The user of the session that authenticated this request (set by the session guard)."""
    return g.session.user_id


def api_version() -> str:
    return g.get("api_version", CURRENT_API_VERSION)


def _pop_version(endpoint, values) -> None:
    if values is None or "version" not in values:
        return
    text = values.pop("version")
    try:
        number = float(text)
    except ValueError:
        number = -1
    # Every version from 31.0 to the current one is served; others do not exist on the org and answer
    # NOT_FOUND, as a real org answers them (api_rest "Versions").
    if not (OLDEST_API_VERSION <= number <= float(CURRENT_API_VERSION)) or not text.endswith(".0"):
        raise errors.NotFound("The requested resource does not exist")
    g.api_version = text


def data_blueprint(name: str) -> Blueprint:
    """A blueprint mounted at /services/data/v{version}; routes see the version via `api_version()`."""
    bp = Blueprint(name, __name__, url_prefix="/services/data/v<version>")
    bp.url_value_preprocessor(_pop_version)
    return bp


def json_body():
    """The request's JSON, or JSON_PARSER_ERROR in Salesforce's words (SC 3.3).

    Size and depth were checked before the app ran (app.REQUEST_LIMITS); a depth under that limit can
    still exhaust Python's stack inside a request, which is the same refusal."""
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8") if raw else ""
    except UnicodeDecodeError as exc:
        # The wording of the Jackson parser behind JSON_PARSER_ERROR's other messages.
        raise errors.JsonParserError(
            f"Invalid UTF-8 start byte 0x{raw[exc.start]:02x} at [line:1, column:{exc.start + 1}]"
        ) from None
    try:
        return json.loads(text)
    except RecursionError:
        raise errors.JsonParserError("Document nesting depth exceeds the maximum allowed") from None
    except json.JSONDecodeError as exc:
        found = text[exc.pos : exc.pos + 1] or "EOF"
        code = ord(found) if found != "EOF" else -1
        raise errors.JsonParserError(
            f"Unexpected character ('{found}' (code {code})): was expecting a JSON value"
            f" at [line:{exc.lineno}, column:{exc.colno}]"
        ) from None


def respond(payload, status: int = 200, headers: dict | None = None) -> Response:
    """JSON in the order the org built it (simple-salesforce keeps key order, SC 1.1)."""
    body = "" if payload is None else json.dumps(payload, ensure_ascii=False)
    response = Response(
        body, status=status, mimetype="application/json" if payload is not None else None, headers=headers
    )
    if payload is None:
        response.headers.pop("Content-Type", None)
    return response


def error_response(error: errors.SalesforceError) -> Response:
    return respond([error.as_error()], error.status)
