"""What every vendor route shares: authentication, rate limit and permission checks, in that order."""

from __future__ import annotations

import functools
import re

from flask import g, request
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
