"""The connector's HTTP app: Alcméon notification webhooks, package callouts, and its own admin routes."""

# A notification or callout is acknowledged only after its job is committed to the durable queue,
# and a bad signature is refused with 401 before anything is stored (API-01, issue 5 "Engine").
# Admin routes under /admin expose the queue and the sync errors of each org (SYNC-10: errors pending,
# retry one, retry all, ignore). Features add blueprints through `Connector.app` (connector/service.py).
# Every JSON error of the app has one envelope, `{error: <code>, details: <message>}` (the shape of
# Alcméon's own errors), and a failed upstream call maps here once: 502 when it will fail again, 503
# when it may pass later.
# Every route under /admin/ but /admin/health takes the admin token of the connector's config as a bearer
# token (RFC 6750 section 2.1); a refusal is 401 with a WWW-Authenticate challenge (RFC 6750 section 3).
# /admin/health stays open for a load balancer's probe and tells it only "ok"; with the token it also
# counts the jobs (docs/assumptions.md, "Connector admin token"). The guard runs before routing, so an
# unknown /admin/ path is 401 too and tells nobody which routes exist.

from __future__ import annotations

import hmac
import json
import re

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from alcsim.connector.retry import CallFailed, Retryable
from alcsim.connector.signatures import callout_signature, valid, webhook_signature
from alcsim.connector.soql import UnsafeValue

CODES = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "too-large",
    502: "upstream-error",
    503: "upstream-unavailable",
}


class Refused(Exception):
    """A request the connector refuses on purpose: the HTTP status, a short code and the reason."""

    default_code = ""

    def __init__(self, status: int, message: str, code: str = ""):
        super().__init__(message)
        self.status = status
        self.code = code or self.default_code or CODES.get(status, "error")


def problem(status: int, message: str, code: str = "") -> Response:
    """The app's one JSON error envelope."""
    response = jsonify({"error": code or CODES.get(status, "error"), "details": message})
    response.status_code = status
    return response


ADMIN_PREFIX = "/admin/"
OPEN_ADMIN = frozenset({"/admin/health"})
REALM = "alcsim-connector"
JOBS_LIMIT = re.compile(r"[0-9]{1,4}")
MAX_JOBS = 1000


def bearer_token(header: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header (the scheme is case-insensitive, RFC 7235)."""
    scheme, _, token = (header or "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def admin_ok(expected: str, header: str | None) -> bool:
    """The header carries the admin token; an unset token lets nobody in."""
    given = bearer_token(header)
    return bool(expected and given) and hmac.compare_digest(given.encode(), expected.encode())


def admin_refusal(header: str | None) -> Response:
    """401 in the envelope, with the challenge RFC 6750 section 3 asks for."""
    if bearer_token(header):
        response = problem(401, "the admin token is wrong", "unauthorized")
        response.headers["WWW-Authenticate"] = f'Bearer realm="{REALM}", error="invalid_token"'
    else:
        response = problem(401, "the connector's admin token is required (Authorization: Bearer)")
        response.headers["WWW-Authenticate"] = f'Bearer realm="{REALM}"'
    return response


def jobs_limit(text: str | None) -> int | None:
    """`?limit=` of /admin/jobs: a whole number from 1 to MAX_JOBS (100 when absent), else None."""
    if text is None:
        return 100
    return int(text) if JOBS_LIMIT.fullmatch(text) and 1 <= int(text) <= MAX_JOBS else None


def upstream_failure(exc: CallFailed) -> Refused:
    """The one mapping of a failed call to an org or an environment onto the connector's own answer."""
    status = 503 if isinstance(exc, Retryable) else 502
    return Refused(status, str(exc))


class LazyBuilderRule(Rule):
    """Werkzeug's rule, its two `url_for` builders compiled on first use instead of when it joins the map.

    Compiling them (syntax trees, then `compile()`) is most of the cost of making the app, and every
    Connector makes one (each reset of the acceptance suite's fakes); the connector builds URLs for a few
    widget pages only. A builder depends on the rule alone, so compiling it later gives the same one."""

    def _compile_builder(self, append_unknown: bool = True):
        compile_builder = super()._compile_builder
        compiled = None

        def build(rule, **values):
            nonlocal compiled  # two threads at once compile twice, the same builder
            if compiled is None:
                compiled = compile_builder(append_unknown)
            return compiled(rule, **values)

        return build


class ConnectorFlask(Flask):
    url_rule_class = LazyBuilderRule


def create_app(connector) -> Flask:
    app = ConnectorFlask("alcsim-connector", static_folder=None)  # the connector serves no static files

    def is_admin() -> bool:
        return admin_ok(connector.config.admin_token, request.headers.get("Authorization"))

    @app.before_request
    def admin_only():
        path = request.path
        if (path == "/admin" or path.startswith(ADMIN_PREFIX)) and path not in OPEN_ADMIN and not is_admin():
            return admin_refusal(request.headers.get("Authorization"))
        return None

    @app.errorhandler(Refused)
    def refused(exc: Refused):
        return problem(exc.status, str(exc), exc.code)

    @app.errorhandler(UnsafeValue)
    def unsafe_value(exc: UnsafeValue):
        return problem(400, str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return problem(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(CallFailed)
    def call_failed(exc: CallFailed):
        return refused(upstream_failure(exc))

    @app.post("/alcmeon/<env>/notify")
    def notify(env: str):
        endpoint = connector.environment_endpoint(env)
        if endpoint is None:
            return problem(404, f"no environment {env!r} in this topology")
        body = request.get_data(cache=True)
        expected = webhook_signature(endpoint.secret, request.path, body)
        if not valid(expected, request.headers.get("X-Alcmeon-Webhook-Signature")):
            return problem(401, "bad X-Alcmeon-Webhook-Signature")
        try:
            notification = json.loads(body)
            action_id, action = int(notification["id"]), notification["action"]
        except (ValueError, KeyError, TypeError):
            return problem(400, "a notification is {id, action}")
        connector.receive_action(env, action_id, action)
        return jsonify({"received": action_id})

    @app.post("/package/<org>/<env>")
    def package_callout(org: str, env: str):
        secret = connector.callout_secret(org, env)
        if secret is None:
            return problem(404, f"no callouts from org {org!r} for environment {env!r}")
        body = request.get_data(cache=True)
        if not valid(callout_signature(secret, body), request.headers.get("X-Alcmeon-Package-Signature")):
            return problem(401, "bad X-Alcmeon-Package-Signature")
        try:
            callout = json.loads(body)
            callout_id = int(callout["id"])
            callout["scoped_id"]  # noqa: B018  (required: it routes the callout, TOPO-03)
        except (ValueError, KeyError, TypeError):
            return problem(400, "a callout is {id, scoped_id, changes, ...}")
        job_id = connector.receive_callout(org, env, callout_id, callout)
        return jsonify({"received": callout_id, "job": job_id})

    @app.get("/admin/health")
    def health():
        if not is_admin():
            return jsonify({"status": "ok"})
        return jsonify({"status": "ok", "jobs": connector.store.counts()})

    @app.get("/admin/jobs")
    def jobs():
        limit = jobs_limit(request.args.get("limit"))
        if limit is None:
            return problem(400, f"limit is a whole number from 1 to {MAX_JOBS}")
        rows = connector.store.jobs(request.args.get("state"), limit)
        return jsonify([{**r, "payload": json.loads(r["payload"])} for r in rows])

    @app.post("/admin/catch-up")
    def catch_up():
        return jsonify({"enqueued": connector.catch_up_all()})

    @app.post("/admin/settings/refresh")
    def refresh_settings():
        connector.settings.invalidate()
        return jsonify({"refreshed": True})

    # SYNC-10, AR 1.11: the org's warning icon (errors pending), retry one, retry all, ignore.
    @app.get("/admin/orgs")
    def orgs():
        return jsonify(
            [
                {
                    "name": name,
                    "organization_id": org_id,
                    "errors_pending": len(connector.sync_errors_of(org_id, "pending")),
                }
                for name, org_id in connector.org_ids().items()
            ]
        )

    @app.get("/admin/sync-errors")
    def sync_errors():
        org = connector.resolve_org(request.args.get("org"))
        state = request.args.get("state", "pending") or None
        if org is None:
            return jsonify(connector.store.sync_errors(None, state))
        return jsonify(connector.sync_errors_of(org, state))

    @app.post("/admin/sync-errors/<int:error_id>/retry")
    def retry_one(error_id: int):
        found = connector.retry_error(error_id)
        return jsonify(found) if found else problem(404, f"no pending sync error {error_id}")

    @app.post("/admin/sync-errors/<int:error_id>/ignore")
    def ignore(error_id: int):
        found = connector.ignore_error(error_id)
        return jsonify(found) if found else problem(404, f"no pending sync error {error_id}")

    @app.post("/admin/orgs/<org>/sync-errors/retry")
    def retry_all(org: str):
        org_id = connector.resolve_org(org)
        if org_id is None:
            return problem(404, f"no org {org!r}")
        return jsonify(
            {"retried": [connector.retry_error(e["id"]) for e in connector.sync_errors_of(org_id)]}
        )

    return app
