"""Faithful routes: global scenario variables, start-scenario, and the RCS templates, sends and campaigns."""

# core-api.yaml (Global variables), scenarios.yaml (/start-scenario), initiate-conversation-api.yaml
# (tag RCS). Auth and rate limits as on every route (AR 3.1): 15 a minute, 2,000 for start-scenario.

from __future__ import annotations

from flask import Blueprint, jsonify, request

from alcsim.simulators.alcmeon.engagement import OngoingConversation
from alcsim.simulators.alcmeon.errors import AlcmeonError, BadRequest
from alcsim.simulators.alcmeon.http import guarded, next_page_url
from alcsim.simulators.alcmeon.store import dumps, loads
from alcsim.simulators.alcmeon.template_filters import parse_filters
from alcsim.simulators.alcmeon.validation import json_body, query_int

# The scenario a starting box belongs to is not visible through the API; the fake runs every scenario on
# the environment's first WhatsApp account, the channel the document's example names (docs/assumptions.md).
SCENARIO_CHANNEL = "whatsapp"
MAX_STARTING_BOX_LENGTH = 200


def automation_blueprint(env) -> Blueprint:
    bp = Blueprint("alcmeon_automation", __name__)

    # Global scenario variables (core-api.yaml). Errors use the document's own wording.
    @bp.get("/v1/global-variables")
    @guarded(env, "Scenarios")
    def global_variables():
        try:
            limit = query_int("limit", 20, minimum=1, maximum=100)
            page = query_int("page", 0, maximum=10**9)
        except BadRequest as exc:
            raise BadRequest("Invalid pagination parameters", exc.details) from None
        rows = env.store.all(
            "SELECT name, value FROM global_variables ORDER BY name LIMIT ? OFFSET ?", limit + 1, page * limit
        )
        body = {"data": [{"name": r["name"], "value": loads(r["value"])} for r in rows[:limit]]}
        if len(rows) > limit:
            body["next"] = next_page_url(limit, page)
        return jsonify(body)

    @bp.put("/v1/global-variables")
    @guarded(env, "Scenarios")
    def set_global_variable():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadRequest("Invalid request body", "Invalid JSON format")
        for key in ("name", "value"):
            if key not in body:
                raise BadRequest("Invalid request body", f"Missing required field: {key}")
        name, value = body["name"], body["value"]
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            raise BadRequest("Invalid request body", "name is a string of 1 to 100 characters")
        if value is None:  # SetGlobalVariableRequest.value: a string, number, boolean, object or array
            raise BadRequest("Invalid request body", "value must not be null")
        env.store.run(
            "INSERT OR REPLACE INTO global_variables (name, value) VALUES (?, ?)", name, dumps(value)
        )
        return jsonify({"name": name, "value": value})

    @bp.post("/start-scenario")
    @guarded(env, "Scenarios")
    def start_scenario():
        return jsonify(_start_scenario(env, json_body()))

    # RCS (initiate-conversation-api.yaml).
    @bp.post("/v1/rcs/templates")
    @guarded(env, "Initiate Conversation")
    def rcs_templates():
        return jsonify(env.rcs.templates(parse_filters(json_body(), with_status=False), request.base_url))

    @bp.post("/v1/rcs/send/")
    @guarded(env, "Initiate Conversation")
    def rcs_send():
        return jsonify(env.rcs.send(json_body()))

    @bp.post("/v1/rcs/send/campaign")
    @guarded(env, "Initiate Conversation")
    def rcs_campaign_send():
        return jsonify(env.rcs.send_campaign(json_body()))

    @bp.get("/v1/rcs/campaigns/<campaign_id>")
    @guarded(env, "Initiate Conversation")
    def rcs_campaign(campaign_id: str):
        return jsonify(env.rcs.campaign(campaign_id))

    @bp.get("/v1/rcs/messages")
    @guarded(env, "Initiate Conversation")
    def rcs_messages():
        account_id = query_int("account_id", required=True)
        limit = query_int("limit", 20, minimum=1, maximum=100)
        page = query_int("page", 0, maximum=10**9)
        campaign_id = request.args.get("campaign_id") or None
        env.engagement.channel_account("rcs", account_id)
        data, more = env.rcs.messages(account_id, campaign_id, limit, page)
        body = {"data": data}
        if more:
            extra = {"account_id": account_id, **({"campaign_id": campaign_id} if campaign_id else {})}
            body["next"] = next_page_url(limit, page, **extra)
        return jsonify(body)

    return bp


def _start_scenario(env, body: dict) -> dict:
    box, user = body.get("starting_box"), body.get("user")
    if not isinstance(box, str) or not box.strip() or len(box) > MAX_STARTING_BOX_LENGTH:
        raise BadRequest("invalid-starting-box", "starting_box is a required non-empty string")
    if not isinstance(user, dict) or not isinstance(user.get("social_media_user_id"), str):
        raise BadRequest("invalid-user", "user.social_media_user_id is a required string")
    variables = body.get("variables", {})
    interrupt = body.get("interrupt_ongoing_conversation", False)
    if not isinstance(variables, dict) or not isinstance(interrupt, bool):
        raise BadRequest(
            "invalid-request-body", "variables is an object, interrupt_ongoing_conversation a boolean"
        )
    account = env.store.one(
        "SELECT * FROM social_accounts WHERE type = ? ORDER BY id LIMIT 1", SCENARIO_CHANNEL
    )
    try:
        user_id = env.directory.normalise_user_id(SCENARIO_CHANNEL, user["social_media_user_id"])
    except AlcmeonError:
        user_id = None
    if account is None or user_id is None:
        # scenarios.yaml / rule 42: a badly formatted user id is silently ignored, still 200.
        return {"status": "ok"}
    known = env.directory.find_user(account["id"], user_id)
    ongoing = env.inbox.current_conversation(account, known["id"]) if known else None
    if ongoing is not None and not interrupt:
        raise OngoingConversation(f"user {user_id} has an ongoing conversation {ongoing['id']}")
    env.store.run(
        "INSERT INTO scenario_starts (starting_box, account_id, user_id, variables, interrupted, started_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        box,
        account["id"],
        user_id,
        dumps(variables),
        int(ongoing is not None),
        env.clock.timestamp(),
    )
    return {"status": "ok"}
