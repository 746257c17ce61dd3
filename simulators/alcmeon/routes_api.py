"""Faithful routes: OAuth2 token, user provisioning, social accounts, custom fields, application, actions."""

# Shapes, status codes and error bodies follow the official OpenAPI documents (oauth.yaml, user.yaml,
# core-api.yaml, custom-field.yaml, application.yaml, synchronize.yaml; AR 3.1-3.7).

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from alcsim.simulators.alcmeon.errors import BadRequest, NotFound, ReasonError
from alcsim.simulators.alcmeon.http import guarded, next_page_url, route_key
from alcsim.simulators.alcmeon.validation import MAX_ID, boolean, json_body, query_bool, query_int


def api_blueprint(env) -> Blueprint:
    bp = Blueprint("alcmeon_api", __name__)

    @bp.post("/v1/oauth2/token")
    def oauth2_token():
        body = request.get_json(silent=True)
        caller = (
            body.get("client_id") if isinstance(body, dict) and isinstance(body.get("client_id"), str) else ""
        )
        env.rate_limits.hit(("token", caller[:100]), route_key())
        return jsonify(env.credentials.issue_token(body, request.headers.get("Authorization")))

    # User provisioning (AR 3.5): 400s use `{error: {reason}}`.
    @bp.get("/teams")
    @guarded(env, "User Provisioning")
    def teams():
        return jsonify(env.directory.teams())

    @bp.get("/roles")
    @guarded(env, "User Provisioning")
    def roles():
        return jsonify(env.directory.roles())

    @bp.post("/accounts")
    @guarded(env, "User Provisioning")
    def create_account():
        body = json_body(error=_reason, code="invalid-request-body")
        email, name = body.get("email"), body.get("name")
        if not isinstance(email, str) or "@" not in email or len(email) > 254:
            raise ReasonError(400, "invalid-email", "email is required and must be an e-mail address")
        # user.yaml types name as a string, not nullable: a null is refused, an absent name is the e-mail.
        if "name" in body and (not isinstance(name, str) or len(name) > 255):
            raise ReasonError(400, "invalid-name", "name must be a string of at most 255 characters")
        return jsonify(env.directory.create_account(email.strip(), name))

    @bp.get("/accounts")
    @guarded(env, "User Provisioning")
    def list_accounts():
        try:
            is_active = query_bool("is_active", required=True)
        except BadRequest as exc:
            raise ReasonError(400, exc.error, exc.details) from None
        return jsonify(env.directory.accounts(is_active))

    @bp.post("/accounts/<id:account_id>")
    @guarded(env, "User Provisioning")
    def update_account(account_id: int):
        body = json_body(error=_reason, code="invalid-request-body")
        lists = {}
        for key in ("roles", "teams"):
            value = body.get(key)
            # user.yaml: arrays of integers, not nullable; an absent key leaves the list as it is.
            if key in body and (
                not isinstance(value, list)
                or any(isinstance(v, bool) or not isinstance(v, int) for v in value)
            ):
                raise ReasonError(400, f"invalid-{key}", f"{key} must be a list of integer ids")
            lists[key] = value
        is_active = body.get("is_active")
        if "is_active" in body and not isinstance(is_active, bool):
            raise ReasonError(400, "invalid-is-active", "is_active must be a boolean")
        env.directory.update_account(account_id, lists["roles"], lists["teams"], is_active)
        return jsonify("ok")

    # Core API (AR 3.7).
    @bp.get("/v1/social-accounts/")
    @guarded(env, "Core API")
    def social_accounts():
        limit = query_int("limit", 20, minimum=1, maximum=100)
        page = query_int("page", 0, maximum=10**9)
        data, more = env.directory.social_accounts(limit, page)
        body = {"data": data}
        if more:
            body["next"] = next_page_url(limit, page)
        return jsonify(body)

    # Custom fields (AR 3.6).
    @bp.get("/custom-field/users/<id:group_id>")
    @guarded(env, "Custom Field")
    def get_profile_fields(group_id: int):
        return jsonify(env.custom_values.profile(group_id))

    @bp.put("/custom-field/users/<id:group_id>")
    @guarded(env, "Custom Field")
    def put_profile_fields(group_id: int):
        env.custom_values.profile(group_id)
        env.custom_values.set_profile(group_id, json_body(list))
        return jsonify("ok")

    @bp.get("/custom-field/accounts/<id:account_id>/users/<user_id>")
    @guarded(env, "Custom Field")
    def get_social_user_fields(account_id: int, user_id: str):
        account = env.directory.social_account(account_id)
        user = env.directory.find_user(account["id"], _stored_user_id(account, user_id))
        if user is None:
            raise NotFound("user-not-found", f"no user {user_id} on social media account {account_id}")
        return jsonify(env.custom_values.profile(user["group_id"]))

    @bp.post("/custom-field/accounts/<id:account_id>/users")
    @guarded(env, "Custom Field")
    def post_social_user_fields(account_id: int):
        body = json_body()
        if "user_id" not in body or "fields" not in body:
            raise BadRequest("invalid-request-body", "user_id and fields are required")
        account = env.directory.social_account(account_id)
        env.custom_values.check(body["fields"], "user")
        # AR 3.6 / rule 41: the social user is created when it does not exist yet.
        user = env.directory.ensure_user(account, body["user_id"])
        env.custom_values.set_profile(user["group_id"], body["fields"])
        return jsonify("ok")

    @bp.get("/custom-field/conversations/<id:conversation_id>")
    @guarded(env, "Custom Field")
    def get_conversation_fields(conversation_id: int):
        return jsonify(env.custom_values.conversation(conversation_id))

    @bp.put("/custom-field/conversations/<id:conversation_id>")
    @guarded(env, "Custom Field")
    def put_conversation_fields(conversation_id: int):
        env.custom_values.conversation(conversation_id)
        env.custom_values.set_conversation(conversation_id, json_body(list))
        return jsonify("ok")

    @bp.get("/custom-field/users/fields")
    @guarded(env, "Custom Field")
    def fields_metadata():
        return jsonify(env.directory.fields_metadata("user"))

    @bp.get("/custom-field/users/fields/<id:field_id>")
    @guarded(env, "Custom Field")
    def field_metadata(field_id: int):
        meta = env.directory.field_metadata(field_id)
        return jsonify(meta)

    # Application management (AR 3.4).
    @bp.get("/application/webhook")
    @guarded(env, None)
    def webhook_status():
        app = g.application
        return jsonify([{"url": app["webhook_url"] or "", "enabled": int(bool(app["webhook_enabled"]))}])

    @bp.post("/application/webhook")
    @guarded(env, None)
    def set_webhook_status():
        enable = boolean(json_body().get("enable"), "enable")
        if enable:
            env.notifier.enable(g.application["id"])
        else:
            env.notifier.disable(g.application["id"], reason="disabled through the API")
        return jsonify("ok")

    @bp.get("/application/errors")
    @guarded(env, None)
    def application_errors():
        return jsonify(env.notifier.errors(g.application["id"]))

    # Actions (AR 3.3).
    @bp.get("/actions")
    @guarded(env, "Action Synchronization API")
    def list_actions():
        minimum = query_int("min_action_id", required=True, maximum=MAX_ID)
        maximum = query_int("max_action_id", None, maximum=MAX_ID)
        return jsonify(env.actions.after(minimum, maximum))

    @bp.get("/actions/conversations/<id:conversation_id>")
    @guarded(env, "Action Synchronization API")
    def conversation_actions(conversation_id: int):
        # Only 200 is documented: an unknown conversation has no actions, so the list is empty.
        actions = env.actions.for_conversation(conversation_id)
        return jsonify([{"id": conversation_id, "actions": actions}] if actions else [])

    return bp


def _reason(code: str, details: str) -> ReasonError:
    return ReasonError(400, code, details)


def _stored_user_id(account: dict, user_id: str) -> str:
    # Phone ids are stored without '+' (rule 40); a lookup with one still finds the user.
    if account["type"] in ("whatsapp", "kakaotalk") and user_id.startswith("+"):
        return user_id[1:]
    return user_id
