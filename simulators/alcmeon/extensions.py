"""Simulator extensions under /_sim/ext (NOT Alcméon's API): customers, agents, settings, delivery control."""

# These routes stand in for what Alcméon's public API does not offer: a customer writing on a channel,
# an agent working in the inbox, and the settings screens (application webhook URL, Salesforce org
# linking, team-to-queue mapping). They take the environment's credentials (Basic or Bearer) and are
# not rate limited. What they do is observable through the faithful routes (actions, webhooks, custom
# fields), as it would be on the real platform. README.md lists them.

from __future__ import annotations

import json

from flask import Blueprint, g, jsonify, request

from alcsim.simulators.alcmeon.custom_fields import CONTACT_FIELD_LABEL
from alcsim.simulators.alcmeon.errors import BadRequest, NotFound
from alcsim.simulators.alcmeon.validation import boolean, integer, json_body, query_int, text

EXT_PREFIX = "/_sim/ext"


def extensions_blueprint(env) -> Blueprint:
    bp = Blueprint("alcmeon_ext", __name__, url_prefix=EXT_PREFIX)

    @bp.before_request
    def _guard():
        denied = env.admin_denied()
        if denied is None:
            g.application = env.credentials.authenticate(request.headers.get("Authorization"))
        return denied

    def agent_id(body: dict, required: bool = True) -> int | None:
        if body.get("agent_id") is None and not required:
            return None
        return integer(body.get("agent_id"), "agent_id", minimum=1)

    # A customer writes (AR 2.1): a message, maybe a new conversation, always a task and `task-create`.
    @bp.post("/customers/messages")
    def customer_message():
        body = json_body()
        attachments = body.get("attachments", [])
        if not isinstance(attachments, list) or not all(
            isinstance(a, dict) and isinstance(a.get("mime_type"), str) and isinstance(a.get("data", ""), str)
            for a in attachments
        ):
            raise BadRequest("invalid-attachments", "attachments are [{mime_type, data (base64)}]")
        shaped = [
            {
                "id": i + 1,
                "mime_type": a["mime_type"],
                "data": a.get("data", ""),
                "size": len(a.get("data", "")) * 3 // 4,
            }
            for i, a in enumerate(attachments)
        ]
        channel_data = body.get("channel_data")
        if channel_data is not None and not isinstance(channel_data, dict):
            raise BadRequest("invalid-channel-data", "channel_data is an object")
        name = body.get("name")
        if name is not None and not isinstance(name, str):
            raise BadRequest("invalid-name", "name is a string")
        result = env.inbox.customer_writes(
            integer(body.get("account_id"), "account_id", minimum=1),
            body.get("user_id"),
            text(body.get("content", ""), "content", max_length=10000, allow_empty=True),
            name=name,
            attachments=shaped,
            channel_data=channel_data,
            is_private=boolean(body.get("is_private", True), "is_private"),
        )
        return jsonify(result), 201

    @bp.post("/customers/consent")
    def customer_consent():
        body = json_body()
        account_id = integer(body.get("account_id"), "account_id", minimum=1)
        optin_id = body.get("optin_id") or env.engagement.optins()[0]["id"]
        given = boolean(body.get("given", True), "given")
        payload = {"account_id": account_id, "user_phone_numbers": [body.get("user_id")]}
        if given:
            return jsonify(env.engagement.add_user_optins(integer(optin_id, "optin_id", minimum=1), payload))
        return jsonify(env.engagement.optout(integer(optin_id, "optin_id", minimum=1), payload))

    # An agent acts (AR 2.2).
    @bp.post("/tasks/<id:task_id>/acquire")
    def acquire(task_id: int):
        return jsonify({"action_id": env.inbox.acquire(task_id, agent_id(json_body()))})

    @bp.post("/tasks/<id:task_id>/release")
    def release(task_id: int):
        return jsonify({"action_id": env.inbox.release(task_id, agent_id(json_body()))})

    @bp.post("/tasks/<id:task_id>/assign")
    def assign(task_id: int):
        body = json_body()
        to = integer(body.get("to_agent_id"), "to_agent_id", minimum=1)
        return jsonify({"action_id": env.inbox.assign_to(task_id, agent_id(body), to)})

    @bp.post("/tasks/<id:task_id>/route")
    def route(task_id: int):
        body = json_body()
        team = integer(body.get("team_id"), "team_id", minimum=1)
        return jsonify({"action_id": env.inbox.route_to_team(task_id, team, agent_id(body, required=False))})

    @bp.post("/tasks/<id:task_id>/reply")
    def reply(task_id: int):
        body = json_body()
        content = text(body.get("content"), "content", max_length=10000)
        return jsonify({"action_id": env.inbox.reply(task_id, agent_id(body), content)})

    @bp.post("/tasks/<id:task_id>/archive")
    def archive(task_id: int):
        return jsonify({"action_id": env.inbox.archive(task_id, agent_id(json_body(), required=False))})

    @bp.post("/tasks/<id:task_id>/<any(comment, 'help-request', 'help-answer', 'on-hold', 'first-seen'):act>")
    def note(task_id: int, act: str):
        body = json_body()
        comment = body.get("comment")
        if comment is not None:
            text(comment, "comment", max_length=10000, allow_empty=True)
        return jsonify({"action_id": env.inbox.note(task_id, agent_id(body), act, comment)})

    @bp.post("/conversations/<id:conversation_id>/route")
    def route_conversation(conversation_id: int):
        """Route the conversation's latest message: what a transfer from a Salesforce queue asks for."""
        body = json_body()
        team = integer(body.get("team_id"), "team_id", minimum=1)
        task = env.inbox.latest_task(conversation_id)
        return jsonify(
            {"action_id": env.inbox.route_to_team(task["id"], team, agent_id(body, required=False))}
        )

    @bp.get("/agents/<id:agent>/inbox")
    def agent_inbox(agent: int):
        return jsonify(env.inbox.agent_inbox(agent))

    @bp.post("/conversations/<id:conversation_id>/close")
    def close(conversation_id: int):
        body = json_body()
        reply_text = body.get("reply")
        if reply_text is not None:
            text(reply_text, "reply", max_length=10000)
        return jsonify(env.inbox.close(conversation_id, agent_id(body), reply_text))

    @bp.get("/conversations/<id:conversation_id>")
    def conversation(conversation_id: int):
        return jsonify(env.inbox.view(env.inbox.conversation_row(conversation_id)))

    @bp.get("/conversations")
    def conversations():
        sql, args = "SELECT * FROM conversations WHERE 1 = 1", []
        for key in ("account_id", "social_user_id"):
            if request.args.get(key, "").isdigit() and len(request.args[key]) < 19:
                sql, args = sql + f" AND {key} = ?", [*args, int(request.args[key])]  # key is from our tuple
        # Newest first, 200 a page by default; `before_id` (the last id of a page) reads the next one.
        before = query_int("before_id", None, minimum=1)
        if before is not None:
            sql, args = sql + " AND id < ?", [*args, before]
        limit = query_int("limit", 200, minimum=1, maximum=1000)
        rows = env.store.all(sql + " ORDER BY id DESC LIMIT ?", *args, limit)
        return jsonify([env.inbox.view(r) for r in rows])

    # Matching a social user to a CRM contact stores the result in a user custom field (SMR, AR 3.6).
    @bp.post("/users/<id:social_user_id>/match")
    def match(social_user_id: int):
        body = json_body()
        contact = body.get("crm_contact_id")
        if contact is not None:
            text(contact, "crm_contact_id", max_length=18)
        user = env.directory.social_user(social_user_id)
        if body.get("agent_id") is not None:
            env.directory.active_agent(agent_id(body))
        field = env.store.one(
            "SELECT id FROM custom_fields WHERE label = ? AND scope = 'user'", CONTACT_FIELD_LABEL
        )
        with env.store.transaction():
            env.store.run(
                "UPDATE social_users SET crm_contact_id = ? WHERE group_id = ?", contact, user["group_id"]
            )
            if field:
                env.custom_values.set_profile(
                    user["group_id"], [{"field_id": field["id"], "field_value": contact}]
                )
        return jsonify(_user_view(env, social_user_id))

    @bp.get("/users/<id:social_user_id>")
    def user(social_user_id: int):
        return jsonify(_user_view(env, social_user_id))

    # The application's notification settings (AR 3.3, "URL Webhook" and notification types).
    @bp.put("/application/webhook")
    def configure_webhook():
        body = json_body()
        url = body.get("url")
        if url is not None and (not isinstance(url, str) or not url.startswith(("http://", "https://"))):
            raise BadRequest("invalid-url", "url is an http(s) URL or null")
        types = body.get("notification_types")
        if types is not None and (not isinstance(types, list) or not all(isinstance(t, str) for t in types)):
            raise BadRequest(
                "invalid-notification-types", "notification_types is a list of action types or null"
            )
        enabled = boolean(body.get("enabled", True), "enabled")
        env.store.run(
            "UPDATE applications SET webhook_url = ?, webhook_enabled = ?, notification_types = ? WHERE id = ?",
            url,
            int(enabled),
            None if types is None else json.dumps(types),
            g.application["id"],
        )
        return jsonify({"url": url, "enabled": enabled, "notification_types": types})

    @bp.post("/notifications/run-due")
    def run_due():
        return jsonify(env.notifier.run_due())

    @bp.get("/notifications/stats")
    def stats():
        return jsonify(env.notifier.stats())

    # Salesforce org linking (AR 1.8).
    @bp.get("/salesforce")
    def salesforce_settings():
        return jsonify(env.settings.view())

    @bp.put("/salesforce/organizations/<org_id>")
    def put_org(org_id: str):
        return jsonify(env.settings.put_organization(org_id, json_body()))

    @bp.delete("/salesforce/organizations/<org_id>")
    def delete_org(org_id: str):
        env.settings.delete_organization(org_id)
        return "", 204

    @bp.put("/salesforce/links/<id:account_id>")
    def link(account_id: int):
        body = json_body()
        return jsonify(env.settings.link(account_id, body.get("org_id"), body.get("enabled", True)))

    @bp.delete("/salesforce/links/<id:account_id>")
    def unlink(account_id: int):
        env.settings.unlink(account_id)
        return "", 204

    @bp.put("/salesforce/team-queues/<id:team_id>")
    def map_team(team_id: int):
        body = json_body()
        return jsonify(env.settings.map_team(team_id, body.get("org_id"), body.get("queue_id")))

    @bp.delete("/salesforce/team-queues/<id:team_id>")
    def unmap_team(team_id: int):
        env.settings.unmap_team(team_id)
        return "", 204

    @bp.get("/template-sends")
    def template_sends():
        """Template sends with the conversation the recipient's reply opened (null until they answer)."""
        rows = env.store.all("SELECT * FROM template_sends ORDER BY seq DESC LIMIT 500")
        keys = (
            "id",
            "channel",
            "account_id",
            "template_id",
            "to_user",
            "sent_at",
            "status",
            "content",
            "conversation_id",
        )
        return jsonify([{k: r[k] for k in keys} for r in rows])

    @bp.get("/agents")
    def agents():
        return jsonify(
            [env.directory.agent_view(a) for a in env.store.all("SELECT * FROM agents ORDER BY id")]
        )

    return bp


def _user_view(env, social_user_id: int) -> dict:
    user = env.directory.social_user(social_user_id)
    account = env.directory.social_account(user["account_id"])
    if account is None:
        raise NotFound("account-not-found", "the user's account is gone")
    return {
        "id": user["id"],
        "account_id": user["account_id"],
        "channel": account["type"],
        "user_id": user["user_id"],
        "name": user["name"],
        "group_id": user["group_id"],
        "crm_contact_id": user["crm_contact_id"],
        "custom_fields": env.custom_values.profile(user["group_id"]),
        "consent": env.engagement.has_consent(account["id"], user["user_id"]),
    }
