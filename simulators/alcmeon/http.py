"""What every vendor route shares: authentication, rate limit and permission checks, in that order."""

from __future__ import annotations

import functools
import re

from flask import g, jsonify, request
from werkzeug.routing import BaseConverter


class IdConverter(BaseConverter):
    """Path ids: at most 18 digits, so a value too large for SQLite is a 404, never a driver error."""

    regex = r"\d{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


def route_key() -> str:
    """`METHOD /path/{param}`, the form rate-limit overrides are configured in."""
    rule = request.url_rule.rule if request.url_rule else request.path
    path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)
    return f"{request.method} {path}"


def guarded(env, permission: str | None, *, basic_only: bool = False):
    def wrap(view):
        @functools.wraps(view)
        def inner(*args, **kwargs):
            app = env.credentials.authenticate(request.headers.get("Authorization"), basic_only)
            g.application = app
            env.rate_limits.hit(app["id"], route_key())
            env.credentials.require(app, permission)
            return view(*args, **kwargs)

        return inner

    return wrap


def next_page_url(limit: int, page: int, **extra) -> str:
    query = "&".join(f"{k}={v}" for k, v in {**extra, "limit": limit, "page": page + 1}.items())
    return f"{request.base_url}?{query}"


# Limits checked before any route parses a body (issue 13, DESIGN principle 6): a JSON body nested deeper
# than Python's recursion limit used to answer 500. The real platform's thresholds are not published;
# these are ours (docs/assumptions.md, "Request limits").
MAX_JSON_BYTES = 5 * 1024 * 1024  # an RCS campaign of 10,000 recipients with variables fits
MAX_BODY_BYTES = 11 * 1024 * 1024  # a 10485760-byte attachment (answer.yaml) and its multipart envelope
MAX_JSON_DEPTH = 64
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
# User provisioning and embed answer `{error: {reason, data}}` (user.yaml, embed.yaml); the rest `{error, details}`.
_REASON_PREFIXES = ("/accounts", "/teams", "/roles", "/embed")


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest, counted on the bytes (strings skipped), without parsing."""
    depth = deepest = 0
    for bracket in _BRACKET.finditer(_STRING.sub(b'""', raw)):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


def body_limits():
    """`before_request`: refuse an oversized or too deeply nested body in the route's envelope, unparsed."""
    length = request.content_length or 0
    is_json = request.is_json
    limit = MAX_JSON_BYTES if is_json else MAX_BODY_BYTES
    if length > limit:
        return _refuse(413, "request-too-large", f"the request body is larger than {limit} bytes")
    if not is_json or not length:
        return None
    depth = json_depth(request.get_data(cache=True))
    if depth > MAX_JSON_DEPTH:
        return _refuse(400, "invalid-json", f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels")
    return None


def _refuse(status: int, code: str, details: str):
    if request.path.startswith(_REASON_PREFIXES):
        body = {"error": {"reason": code, "data": details}}
    else:
        body = {"error": code, "details": details}
    return jsonify(body), status
