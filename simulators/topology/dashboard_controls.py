"""The dashboard's control routes (JSON): a customer writes, traffic pauses and resumes, reset to the seed."""

# Behind dashboard_auth.protect like every dashboard route; `alcsim say|traffic|reset` call the same
# routes with the admin token. Bad input answers {"error", "message"} with 400/404/409, never a 500.

from __future__ import annotations

from flask import Blueprint, jsonify, request

from alcsim.simulators.topology.controls import ControlError, Controls


def _text(body: dict, key: str, limit: int = 2000) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise ControlError(
            400, f"invalid-{key.replace('_', '-')}", f"{key} is a string of {limit} characters at most"
        )
    return value


def controls_blueprint(controls: Controls, feed=None) -> Blueprint:
    bp = Blueprint("dashboard_controls", __name__)

    @bp.errorhandler(ControlError)
    def refused(exc: ControlError):
        return jsonify({"error": exc.error, "message": exc.message}), exc.status

    def body() -> dict:
        found = request.get_json(silent=True)
        if not isinstance(found, dict):
            raise ControlError(400, "invalid-body", "the body is a JSON object")
        return found

    @bp.get("/api/controls")
    def choices():
        return jsonify(controls.choices())

    @bp.post("/api/say")
    def say():
        given = body()
        sent = controls.say(
            _text(given, "env"),  # may be left out when the topology has one environment
            channel=_text(given, "channel"),
            account=_text(given, "account"),
            intent=_text(given, "intent"),
            text=_text(given, "text", 10000),
            team=_text(given, "team"),
            user_id=_text(given, "user_id", 200),
            name=_text(given, "name", 200),
            language=_text(given, "language", 10),
        )
        # No event of its own: the environment's task-create tells it in the stream, once.
        return jsonify({**sent.__dict__, "sentence": sent.sentence()}), 201

    @bp.post("/api/traffic")
    def traffic():
        given = body()
        rate = given.get("rate")
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int | float)):
            raise ControlError(400, "invalid-rate", "rate is a number of events per second")
        state = controls.traffic(_text(given, "action") or "", rate)
        if feed is not None:
            told = "paused" if state["paused"] else f"resumed at {state['rate']:g} events per second"
            feed.add("traffic", "traffic", f"The background traffic {told}")
        return jsonify(state)

    @bp.post("/api/reset")
    def reset():
        body()
        done = controls.reset()
        if feed is not None:
            feed.add(
                "topology",
                "reset",
                "Everything went back to its seeded state (orgs, environments, connector)",
            )
        return jsonify(done)

    return bp
