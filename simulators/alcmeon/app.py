"""The Flask app of one environment: vendor routes, extensions, admin API, error envelopes, OpenAPI."""

from __future__ import annotations

import copy
import functools
import logging
from importlib import resources

import yaml
from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

from alcsim.simulators.alcmeon.crm_errors import crm_errors_blueprint
from alcsim.simulators.alcmeon.errors import AlcmeonError
from alcsim.simulators.alcmeon.extensions import extensions_blueprint
from alcsim.simulators.alcmeon.http import IdConverter, body_limits
from alcsim.simulators.alcmeon.pages import register_pages
from alcsim.simulators.alcmeon.routes_api import api_blueprint
from alcsim.simulators.alcmeon.routes_automation import automation_blueprint
from alcsim.simulators.alcmeon.routes_messaging import messaging_blueprint
from alcsim.simulators.common.admin import ADMIN_PREFIX, admin_blueprint, instrument
from alcsim.simulators.common.routing import SimulatorApp

log = logging.getLogger("alcsim.alcmeon")


@functools.cache
def _published_document() -> dict:
    """Parsed once a process (libyaml's parser when built in): every environment serves it read-only."""
    text = resources.files(__package__).joinpath("openapi.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def openapi_document() -> dict:
    return copy.deepcopy(_published_document())  # a caller's own copy, free to change


def create_app(env) -> Flask:
    app = SimulatorApp(__name__)  # a full dotted name: an `alcmeon` folder on sys.path must not capture it
    app.json.sort_keys = False
    app.url_map.converters["id"] = IdConverter
    instrument(app, env)
    app.before_request(body_limits)  # after the fault rules, before any route reads a body
    app.register_blueprint(admin_blueprint(env))
    app.register_blueprint(api_blueprint(env))
    app.register_blueprint(messaging_blueprint(env))
    app.register_blueprint(automation_blueprint(env))
    app.register_blueprint(extensions_blueprint(env))
    app.register_blueprint(crm_errors_blueprint(env))
    register_pages(app, env)  # the inbox screens and the styled embed page (not Alcméon's API)
    document = _published_document()

    @app.get("/openapi.json")
    def openapi():
        return jsonify(document)

    @app.get(f"{ADMIN_PREFIX}/openapi.json")
    def admin_openapi():
        # The same document where the org fake publishes its own, behind the admin credentials there too.
        return env.admin_denied() or jsonify(document)

    @app.errorhandler(AlcmeonError)
    def vendor_error(exc: AlcmeonError):
        return jsonify(exc.body()), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        # Unknown routes and methods get the common envelope too (AR 3.1), never an HTML page.
        code = {404: "not-found", 405: "method-not-allowed"}.get(
            exc.code, (exc.name or "error").lower().replace(" ", "-")
        )
        return env.vendor_error(exc.code or 400, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return env.vendor_error(500, "internal-error", f"{type(exc).__name__}; see the simulator log")

    @app.after_request
    def incoming_errors(response):
        # OAS application.yaml: failed incoming requests appear in GET /application/errors.
        application = g.get("application")
        if application and response.status_code >= 400 and not request.path.startswith(ADMIN_PREFIX):
            details = response.get_data()[:100].decode("utf-8", "replace")
            env.notifier.record_incoming_error(
                application["id"], request.method, request.path, response.status_code, details
            )
        return response

    return app
