"""The org's Flask app: session guard, API limits, Salesforce's error envelope, and the admin API."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

from alcsim.simulators.common.admin import admin_blueprint, instrument, journal_refusal
from alcsim.simulators.common.faults import FaultRules
from alcsim.simulators.common.journal import Journal
from alcsim.simulators.common.request_limits import Limits, Refusal, RequestLimits
from alcsim.simulators.common.routing import SimulatorApp
from alcsim.simulators.salesforce import errors, openapi, pages, seeding
from alcsim.simulators.salesforce.bulk import routes as bulk2
from alcsim.simulators.salesforce.bulk.v1 import routes as bulk_v1
from alcsim.simulators.salesforce.bulk.worker import worker_for
from alcsim.simulators.salesforce.org import Org
from alcsim.simulators.salesforce.routes import (
    auth,
    composite,
    extensions,
    layouts,
    misc,
    query,
    sobjects,
    tree,
)
from alcsim.simulators.salesforce.routes.common import error_response, respond

# Routes that answer without a session: the logins, the admin health check, and the version list, which a
# real org serves to anyone (api_rest "Versions": "Authentication: none").
OPEN_ENDPOINTS = {"auth.token", "auth.soap_login", "auth.revoke", "sim_admin.health", "versions.versions"}
log = logging.getLogger("alcsim.salesforce")
# Checked before Flask reads anything. URI and URI+headers: 16,384 bytes, 414 and 431 (help article
# 000386264, "Maximum number of rows returned by SOQL queries over the REST API"). Body: 50 MB, the REST
# limit for a non-multipart message (api_rest "Insert or Update Blob Data"). JSON depth: 1,000, the
# default of the Jackson parser whose messages JSON_PARSER_ERROR carries (docs/assumptions.md).
# Bulk API 2.0 uploads are streamed to the store in parts and take up to 150 MB of request (api_asynch
# "Upload Job Data"; the route checks the 100 MB of data itself).
REQUEST_LIMITS = Limits(
    max_uri=16_384,
    max_uri_and_headers=16_384,
    max_body=50 * 1024 * 1024,
    max_json_depth=1_000,
    streamed=(("PUT", r"/services/data/v\d+\.\d/jobs/ingest/[^/]+/batches/?", 150 * 1024 * 1024),),
)
# Bodies the data routes read: JSON (and XML, which REST also accepts), CSV for Bulk API 2.0 uploads.
ACCEPTED_MEDIA = ("json", "xml", "csv")


def _refuser(sim: OrgSimulator):
    def refuse(refusal: Refusal, environ: dict, start_response):
        """A refusal below the routes, in Salesforce's JSON error list (SC 3.3), journaled like any call."""
        if environ.get("PATH_INFO", "").startswith(bulk_v1.PREFIX):
            response = bulk_v1.refusal(refusal.message, refusal.status, environ.get("CONTENT_TYPE"))
        else:
            response = respond([{"message": refusal.message, "errorCode": refusal.code}], refusal.status)
        if refusal.status in (413, 414, 431):
            response.headers["Connection"] = "close"
        journal_refusal(sim, environ, refusal.status, response.get_data())
        return response(environ, start_response)

    return refuse


class OrgSimulator:
    """What the common admin API needs from an org: state, journal, faults and the vendor's envelope."""

    def __init__(self, org: Org):
        self.org = org
        self.clock = org.clock
        self.journal = Journal(org.config.journal_capacity)
        self.faults = FaultRules(org.config.seed)

    def reset(self) -> None:
        self.org.reset()
        self.org.sessions.clear()
        self.org.api_usage.reset()

    def snapshot(self, name: str) -> None:
        self.org.snapshot(name)

    def restore(self, name: str) -> bool:
        return self.org.restore(name)

    def seed(self, payload: dict):
        try:
            return jsonify(seeding.seed(self.org, payload)), 201
        except errors.SalesforceError as exc:
            return error_response(exc)

    def vendor_error(self, status: int, code: str, message: str):
        if request.path.startswith(bulk_v1.PREFIX):
            return bulk_v1.bulk_error(bulk_v1.BulkError(code, message, status))  # Bulk 1.0's own envelope
        return respond([{"message": message, "errorCode": code}], status)

    def admin_denied(self):
        try:
            g.session = self.org.sessions.check(request.headers.get("Authorization"))
        except errors.SalesforceError as exc:
            return error_response(exc)
        return None


def create_app(org: Org) -> Flask:
    app = SimulatorApp("alcsim.salesforce")
    app.config["ORG"] = org
    app.url_map.strict_slashes = False
    sim = OrgSimulator(org)
    app.extensions["alcsim"] = sim
    instrument(app, sim)
    app.wsgi_app = RequestLimits(app.wsgi_app, REQUEST_LIMITS, _refuser(sim))

    @app.before_request
    def guard():
        if request.endpoint in OPEN_ENDPOINTS or request.blueprint in ("sim_admin", "pages"):
            # The admin API checks its own session; pages send a browser without one to the login form.
            return None
        if request.path.startswith(bulk_v1.PREFIX):
            # Bulk API 1.0 reads X-SFDC-Session and refuses in its own shape (SC 1.5).
            return bulk_v1.guard(org)
        # Unknown paths are answered 401 too: without a session nothing of the org is visible.
        g.session = org.sessions.check(request.headers.get("Authorization"))
        if request.path.startswith("/services/data") and not request.environ.get("alcsim.subrequest"):
            org.api_usage.count()
            media = (request.mimetype or "").lower()
            if request.content_length and media and not any(kind in media for kind in ACCEPTED_MEDIA):
                # A real org refuses a body it cannot read as 415 (SC 3.3, other statuses).
                return respond(
                    [
                        {
                            "message": f"MediaType of '{media}' is not supported by this resource",
                            "errorCode": "UNSUPPORTED_MEDIA_TYPE",
                        }
                    ],
                    415,
                )
        return None

    @app.after_request
    def limit_info(response):
        if request.path.startswith("/services/data") and g.get("session") is not None:
            response.headers["Sforce-Limit-Info"] = org.api_usage.header()
        return response

    @app.errorhandler(errors.MultipleMatches)
    def multiple(exc: errors.MultipleMatches):
        version = g.get("api_version", org.api_version)
        return respond([f"/services/data/v{version}/sobjects/{exc.sobject}/{i}" for i in exc.ids], 300)

    @app.errorhandler(errors.SalesforceError)
    def salesforce_error(exc: errors.SalesforceError):
        return error_response(exc)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 405:
            allowed = ",".join(sorted(m for m in (exc.valid_methods or []) if m not in ("OPTIONS",)))
            response = respond(
                [
                    {
                        "message": f"HTTP Method '{request.method}' not allowed. Allowed are {allowed}",
                        "errorCode": "METHOD_NOT_ALLOWED",
                    }
                ],
                405,
            )
            response.headers["Allow"] = allowed
            return response
        if exc.code == 404:
            return respond(
                [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}], 404
            )
        return respond(
            [{"message": exc.description or exc.name, "errorCode": exc.name.upper().replace(" ", "_")}],
            exc.code or 400,
        )

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        # Never a stack trace on the wire; the log keeps it for whoever runs the fake.
        log.exception("unexpected error on %s %s", request.method, request.path)
        return respond(
            [
                {
                    "message": "An unexpected error occurred. Please include this ErrorId if you contact support",
                    "errorCode": "UNKNOWN_EXCEPTION",
                }
            ],
            500,
        )

    for bp in (
        auth.bp,
        misc.versions_bp,
        misc.bp,
        sobjects.bp,
        layouts.bp,
        composite.bp,
        tree.bp,
        query.bp,
        openapi.bp,
        extensions.bp,
        pages.bp,
        bulk_v1.bp,
        bulk2.bp,
    ):
        app.register_blueprint(bp)
    app.register_blueprint(admin_blueprint(sim))
    worker_for(org)  # Bulk API 2.0 jobs a stopped org left in progress resume now
    bulk_v1.resume(org)  # and Bulk API 1.0 batches it left Queued or InProgress
    return app
