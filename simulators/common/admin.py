"""The admin API every fake serves outside its vendor routes, and the hooks that journal and inject faults.

A simulator passes itself in; it provides `clock`, `journal`, `faults`, `reset()`, `snapshot(name)`,
`restore(name)`, `seed(payload)`, `vendor_error(status, code, message)` (a Response in the vendor's
envelope) and `admin_denied()` (a Response when the caller may not use the admin API, else None).
"""

from __future__ import annotations

import errno
import time

from flask import Blueprint, Flask, Response, g, jsonify, request

from alcsim.simulators.common.faults import FaultRuleError

ADMIN_PREFIX = "/_sim"
# Simulator extensions play the simulated world (customers, agents, the package's queue): unlike the admin
# API they are journaled and fault rules apply to them.
EXTENSION_PREFIXES = ("/_sim/ext/", "/_sim/package/", "/_sim/omni/")


def is_admin_path(path: str) -> bool:
    return path.startswith(ADMIN_PREFIX) and not path.startswith(EXTENSION_PREFIXES)


def _body_text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


class _DropConnection:
    """WSGI wrapper: a request marked for dropping ends with a reset socket and no response at all.

    The server (cheroot) closes a connection silently on ECONNRESET raised before anything is written.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        result = self.wsgi_app(environ, start_response)
        if environ.get("alcsim.drop"):
            if hasattr(result, "close"):
                result.close()
            raise ConnectionResetError(errno.ECONNRESET, "connection dropped by a fault rule")
        return result


def instrument(app: Flask, sim) -> None:
    """Apply fault rules before vendor routes and journal every vendor call after it is answered."""
    app.wsgi_app = _DropConnection(app.wsgi_app)

    @app.before_request
    def _apply_faults():
        g.started = time.perf_counter()
        g.fault = None
        if is_admin_path(request.path):
            return None
        rule = sim.faults.pick(request.method, request.path)
        if rule is None:
            return None
        g.fault = rule.kind
        if rule.kind == "latency":
            time.sleep(rule.latency_ms / 1000)
            return None
        if rule.kind == "drop":
            request.environ["alcsim.drop"] = True
            return Response(status=503)
        response = sim.vendor_error(rule.status, rule.error_code, rule.message)
        response.headers.update(rule.headers or {})
        return response

    @app.after_request
    def _journal(response: Response):
        if is_admin_path(request.path):
            return response
        body = b"" if response.direct_passthrough else response.get_data()
        sim.journal.record(
            time=sim.clock.now().isoformat(),
            method=request.method,
            path=request.path,
            query=request.query_string.decode("latin-1"),
            status=response.status_code,
            duration_ms=round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 3),
            request_body=_body_text(request.get_data(cache=True)),
            response_body=_body_text(body),
            fault=g.get("fault"),
        )
        return response


def journal_refusal(sim, environ: dict, status: int, response_body: bytes) -> None:
    """Journal a request refused before Flask ran (request limits, the server's own refusals)."""
    path = environ.get("PATH_INFO", "")
    if is_admin_path(path):
        return
    raw = environ.get("wsgi.input")
    body = raw.getvalue() if hasattr(raw, "getvalue") else b""
    sim.journal.record(
        time=sim.clock.now().isoformat(),
        method=environ.get("REQUEST_METHOD", ""),
        path=path,
        query=environ.get("QUERY_STRING", ""),
        status=status,
        duration_ms=0.0,
        request_body=_body_text(body),
        response_body=_body_text(response_body),
    )


def admin_blueprint(sim) -> Blueprint:
    bp = Blueprint("sim_admin", __name__, url_prefix=ADMIN_PREFIX)

    def problem(status: int, message: str):
        return jsonify({"error": message}), status

    @bp.before_request
    def _guard():
        if request.endpoint == "sim_admin.health":
            return None
        return sim.admin_denied()

    @bp.get("/health")
    def health():
        return jsonify({"status": "ok", "time": sim.clock.now().isoformat()})

    @bp.post("/reset")
    def reset():
        sim.reset()
        return jsonify({"reset": True})

    @bp.post("/snapshots/<name>")
    def snapshot(name: str):
        sim.snapshot(name)
        return jsonify({"snapshot": name}), 201

    @bp.post("/snapshots/<name>/restore")
    def restore(name: str):
        if not sim.restore(name):
            return problem(404, f"no snapshot named {name!r}")
        return jsonify({"restored": name})

    @bp.post("/seed")
    def seed():
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return problem(400, "the seed body is a JSON object")
        return sim.seed(payload)

    @bp.get("/journal")
    def journal():
        try:
            status = int(request.args["status"]) if "status" in request.args else None
            since = int(request.args.get("since", 0))
            limit = int(request.args["limit"]) if "limit" in request.args else None
        except ValueError:
            return problem(400, "status, since and limit are integers")
        try:
            found = sim.journal.entries(
                method=request.args.get("method"),
                path=request.args.get("path"),
                status=status,
                since=since,
                limit=limit,
            )
        except Exception as exc:  # a bad regular expression from the caller
            return problem(400, f"bad path pattern: {exc}")
        return jsonify({"entries": [e.as_dict() for e in found]})

    @bp.delete("/journal")
    def clear_journal():
        sim.journal.clear()
        return "", 204

    @bp.get("/faults")
    def list_faults():
        return jsonify({"rules": [r.as_dict() for r in sim.faults.list()]})

    @bp.post("/faults")
    def add_fault():
        payload = request.get_json(silent=True)
        try:
            if isinstance(payload, dict) and "seed" in payload and set(payload) == {"seed"}:
                sim.faults.reseed(payload["seed"])
                return jsonify({"seed": payload["seed"]})
            rule = sim.faults.add(payload)
        except FaultRuleError as exc:
            return problem(400, str(exc))
        return jsonify(rule.as_dict()), 201

    @bp.delete("/faults")
    def clear_faults():
        sim.faults.clear()
        return "", 204

    @bp.get("/clock")
    def get_clock():
        return jsonify({"now": sim.clock.now().isoformat(), "frozen": sim.clock.frozen})

    @bp.post("/clock")
    def move_clock():
        payload = request.get_json(silent=True) or {}
        try:
            if "advance_seconds" in payload:
                sim.clock.advance(float(payload["advance_seconds"]))
            if payload.get("freeze"):
                sim.clock.freeze()
            if payload.get("unfreeze"):
                sim.clock.unfreeze()
        except (TypeError, ValueError):
            return problem(400, "advance_seconds is a number")
        return get_clock()

    return bp
