"""Simulator extension: CRM sync errors on messages, as the Salesforce-organization settings show them.

Alcméon attaches `CRM_SYNCHRO_ERROR` to a message whose push failed and shows, per connected org, whether
errors are pending (alcmeon-reference 1.11, SYNC-10). Here the connector, which plays Alcméon's sync,
reports and settles them through these routes; the inbox and tests read them back.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from alcsim.simulators.alcmeon.errors import BadRequest, NotFound
from alcsim.simulators.alcmeon.validation import json_body, text

STATES = ("pending", "resolved", "ignored")


def crm_errors_blueprint(env) -> Blueprint:
    bp = Blueprint("alcmeon_crm_errors", __name__, url_prefix="/_sim/ext")

    @bp.before_request
    def _guard():
        denied = env.admin_denied()
        if denied is None:
            g.application = env.credentials.authenticate(request.headers.get("Authorization"))
        return denied

    def _message(message_id: int) -> None:
        if env.store.one("SELECT id FROM messages WHERE id = ?", message_id) is None:
            raise NotFound("not-found", f"message {message_id} does not exist")

    @bp.put("/messages/<id:message_id>/crm-errors/<org_id>")
    def report(message_id: int, org_id: str):
        _message(message_id)
        body = json_body()
        code = text(body.get("code", "CRM_SYNCHRO_ERROR"), "code")
        details = body.get("details", "")
        if not isinstance(details, str):
            raise BadRequest("invalid-details", "details is a string")
        now = env.clock.timestamp()
        env.store.run(
            "INSERT INTO crm_errors (message_id, org_id, code, details, state, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (message_id, org_id) DO UPDATE SET "
            "code = excluded.code, details = excluded.details, state = 'pending', updated_at = excluded.updated_at",
            message_id,
            org_id,
            code,
            details,
            now,
            now,
        )
        return jsonify(_row(env, message_id, org_id))

    @bp.delete("/messages/<id:message_id>/crm-errors/<org_id>")
    def settle(message_id: int, org_id: str):
        state = request.args.get("state", "resolved")
        if state not in STATES[1:]:
            raise BadRequest("invalid-state", "state is resolved or ignored")
        changed = env.store.run(
            "UPDATE crm_errors SET state = ?, updated_at = ? WHERE message_id = ? AND org_id = ?",
            state,
            env.clock.timestamp(),
            message_id,
            org_id,
        )
        if not changed:
            raise NotFound("not-found", f"no CRM error on message {message_id} for org {org_id}")
        return "", 204

    @bp.get("/crm-errors")
    def listing():
        state = request.args.get("state")
        if state is not None and state not in STATES:
            raise BadRequest("invalid-state", f"state is one of {', '.join(STATES)}")
        sql, args = "SELECT * FROM crm_errors WHERE 1 = 1", []
        for column in ("org_id", "state"):
            if request.args.get(column):
                sql, args = f"{sql} AND {column} = ?", [*args, request.args[column]]
        rows = env.store.all(sql + " ORDER BY created_at, message_id", *args)
        pending = env.store.all(
            "SELECT org_id, COUNT(*) AS n FROM crm_errors WHERE state = 'pending' GROUP BY org_id"
        )
        # The org's warning icon: an exclamation mark while errors wait (alcmeon-reference 1.11).
        return jsonify({"errors": rows, "pending_by_org": {r["org_id"]: r["n"] for r in pending}})

    return bp


def _row(env, message_id: int, org_id: str) -> dict:
    return env.store.one("SELECT * FROM crm_errors WHERE message_id = ? AND org_id = ?", message_id, org_id)
