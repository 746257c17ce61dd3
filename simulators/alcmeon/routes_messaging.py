"""Faithful routes: answer send, embed, KakaoTalk/WhatsApp templates and sends, opt-ins (AR 3.8-3.12)."""

from __future__ import annotations

import base64
import mimetypes

from flask import Blueprint, jsonify, request

from alcsim.simulators.alcmeon.errors import AlcmeonError, BadRequest, Forbidden, NotFound, ReasonError
from alcsim.simulators.alcmeon.http import guarded, next_page_url
from alcsim.simulators.alcmeon.pages import embed_page as styled_embed_page
from alcsim.simulators.alcmeon.template_filters import parse_filters
from alcsim.simulators.alcmeon.validation import MAX_ID, json_body, query_int

EMBED_LIFETIME_SECONDS = 8 * 3600  # AR 3.9: valid up to eight hours
EMBED_PERMISSIONS = ("read", "read-answer", "read-answer-moderate")
MAX_ATTACHMENT_BYTES = 10485760  # answer.yaml, 412
# "Short-lived" (answer.yaml) is not quantified; fifteen minutes is ours (docs/assumptions.md).
ATTACHMENT_LIFETIME_SECONDS = 900
ALLOWED_EXTENSIONS = frozenset(
    "aac amr aspx avi avif bmp c css dng doc docx eml gif heic html ics jfif jpeg jpg keynote m4a mag mhtml mov"
    " mp mp3 mp4 msg numbers odt ods ogg opus pages pdf php png ppt pptx psd rtf sdocx svg tiff txt vcf wav"
    " webp xls xlsx xml".split()
)


def messaging_blueprint(env) -> Blueprint:
    bp = Blueprint("alcmeon_messaging", __name__)

    @bp.post("/v1/answer/send")
    @guarded(env, "Send Answer")
    def answer_send():
        body = json_body()
        message = body.get("message")
        if not isinstance(message, str) or not message.strip():
            raise BadRequest("empty-message", "message is empty")
        if len(message) > 10000:
            raise BadRequest("message-too-long", "message is longer than 10000 characters")
        for key in ("advisor_id", "company_id", "task_id"):
            value = body.get(key)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
                raise BadRequest("invalid-request-body", f"{key} is a required integer")
        pictures = []
        if body.get("attachment") is not None:
            pictures = [_attachment(env, body["attachment"])]
        if str(body["company_id"]) != env.instance_id:
            raise Forbidden("insufficient-permissions", "company_id is not this instance")
        env.inbox.task(body["task_id"])
        advisor = env.store.one("SELECT * FROM agents WHERE id = ?", body["advisor_id"])
        if advisor is None or not advisor["is_active"] or advisor["permission"] == "read":
            raise Forbidden("insufficient-permissions", f"advisor {body['advisor_id']} may not answer")
        env.inbox.reply(body["task_id"], body["advisor_id"], message, pictures)
        return jsonify({"input_data": body, "status": "started"})

    @bp.post("/v1/answer/attachment")
    @guarded(env, "Send Answer")
    def answer_attachment():
        upload = request.files.get("file_content")
        site_id, file_name = request.form.get("site_id", ""), request.form.get("file_name", "")
        if upload is None or not file_name or not site_id.isdigit() or len(site_id) > 18:
            raise BadRequest("invalid-request-body", "site_id, file_name and file_content are required")
        data = upload.read(MAX_ATTACHMENT_BYTES + 1)
        if not data:
            raise BadRequest("empty-file-content", "the file is empty")
        if env.store.one("SELECT id FROM social_accounts WHERE id = ?", int(site_id)) is None:
            raise NotFound("site-not-found", f"no site {site_id}")
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise AlcmeonError(
                412, f"media/upload/too-big. Maximum allowed size is {MAX_ATTACHMENT_BYTES} bytes"
            )
        extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
        if extension not in ALLOWED_EXTENSIONS:
            allowed = ", ".join(f"'{e}'" for e in sorted(ALLOWED_EXTENSIONS))
            raise AlcmeonError(415, f"Unsupported file extension. Allowed extensions are: {allowed}")
        token = env.ids.token(40)
        env.store.run(
            "INSERT INTO attachments (token, account_id, file_name, mime_type, data, size, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            token,
            int(site_id),
            file_name,
            mimetypes.guess_type(file_name)[0] or "application/octet-stream",
            base64.b64encode(data).decode(),
            len(data),
            env.clock.timestamp() + ATTACHMENT_LIFETIME_SECONDS,
        )
        return jsonify({"access_token": token})

    @bp.post("/embed")
    @guarded(env, "Embed", basic_only=True)
    def embed():
        body = json_body(
            error=lambda code, details: ReasonError(400, code, details), code="invalid-request-body"
        )
        try:
            return jsonify(_embed(env, body))
        except AlcmeonError as exc:
            if exc.status == 400 or exc.status == 404:
                raise ReasonError(400, exc.error, exc.details) from None
            raise

    @bp.get("/embed/<token>")
    def embed_page(token: str):
        return styled_embed_page(env, token)  # styled and localised with the other screens (pages.py)

    # Templates and sends (AR 3.11).
    @bp.post("/v1/kakaotalk/templates")
    @guarded(env, "Initiate Conversation")
    def kakaotalk_templates():
        filters = parse_filters(json_body(), with_status=True)
        return jsonify(env.engagement.templates("kakaotalk", filters))

    @bp.get("/v1/kakaotalk/messages")
    @guarded(env, "Initiate Conversation")
    def kakaotalk_messages():
        account_id = query_int("account_id", required=True)
        limit = query_int("limit", 20, minimum=1, maximum=100)
        page = query_int("page", 0, maximum=10**9)
        data, more = env.engagement.sent_messages("kakaotalk", account_id, limit, page)
        body = {"data": data}
        if more:
            body["next"] = next_page_url(limit, page, account_id=account_id)
        return jsonify(body)

    @bp.post("/v1/kakaotalk/send/")
    @guarded(env, "Initiate Conversation")
    def kakaotalk_send():
        return jsonify(env.engagement.send_template("kakaotalk", json_body()))

    @bp.post("/v1/whatsapp/send/")
    @guarded(env, "Initiate Conversation")
    def whatsapp_send():
        return jsonify(env.engagement.send_template("whatsapp", json_body()))

    # Opt-ins (AR 3.12).
    @bp.get("/v1/optins")
    @guarded(env, "Optins")
    def list_optins():
        return jsonify(env.engagement.optins())

    @bp.post("/v1/optins")
    @guarded(env, "Optins")
    def create_optin():
        email = "api@alcmeon.invalid"
        return jsonify(env.engagement.create_optin(request.get_json(silent=True), email))

    @bp.get("/v1/optins/<id:optin_id>")
    @guarded(env, "Optins")
    def get_optin(optin_id: int):
        return jsonify(env.engagement.optin(optin_id))

    @bp.delete("/v1/optins/<id:optin_id>")
    @guarded(env, "Optins")
    def delete_optin(optin_id: int):
        env.engagement.delete_optin(optin_id)
        return jsonify({"message": "Optin deleted successfully"})

    def paging() -> tuple[int, int]:
        try:
            return query_int("limit", 100, minimum=1, maximum=1000), query_int("page", 0, maximum=10**9)
        except BadRequest:
            raise BadRequest("invalid-pagination-params", "Invalid limit or page parameter") from None

    @bp.get("/v1/optins/<id:optin_id>/user-optins")
    @guarded(env, "Optins")
    def list_user_optins(optin_id: int):
        return jsonify(env.engagement.page("user_optins", optin_id, *paging()))

    @bp.post("/v1/optins/<id:optin_id>/user-optins")
    @guarded(env, "Optins")
    def add_user_optins(optin_id: int):
        return jsonify(env.engagement.add_user_optins(optin_id, request.get_json(silent=True)))

    @bp.get("/v1/optins/<id:optin_id>/user-optins/<id:row_id>")
    @guarded(env, "Optins")
    def get_user_optin(optin_id: int, row_id: int):
        return jsonify(env.engagement.one("user_optins", optin_id, row_id))

    @bp.get("/v1/optins/<id:optin_id>/user-optouts")
    @guarded(env, "Optins")
    def list_user_optouts(optin_id: int):
        return jsonify(env.engagement.page("user_optouts", optin_id, *paging()))

    @bp.get("/v1/optins/<id:optin_id>/user-optouts/<id:row_id>")
    @guarded(env, "Optins")
    def get_user_optout(optin_id: int, row_id: int):
        return jsonify(env.engagement.one("user_optouts", optin_id, row_id))

    @bp.post("/v1/optins/<id:optin_id>/optout")
    @guarded(env, "Optins")
    def optout(optin_id: int):
        return jsonify(env.engagement.optout(optin_id, request.get_json(silent=True)))

    return bp


def _attachment(env, attachment) -> dict:
    """An uploaded media, as an answer's Picture (synchronize.yaml); the token must be live."""
    token = attachment.get("access_token") if isinstance(attachment, dict) else None
    row = (
        env.store.one("SELECT * FROM attachments WHERE token = ?", token) if isinstance(token, str) else None
    )
    if row is None or row["expires_at"] <= env.clock.timestamp():
        raise Forbidden("invalid-attachment-access-token", "unknown or expired attachment access token")
    number = env.store.value("SELECT rowid FROM attachments WHERE token = ?", token)
    return {"id": number, "data": row["data"], "mime_type": row["mime_type"], "size": row["size"]}


def _embed(env, body: dict) -> dict:
    email, target = body.get("email"), body.get("embed_id")
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        raise BadRequest("invalid-email", "email is required")
    if body.get("format") != "mobile-vertical":
        raise BadRequest("invalid-format", "format must be mobile-vertical")
    permission = body.get("permission")
    if permission not in EMBED_PERMISSIONS:
        raise BadRequest("invalid-permission", f"permission is one of {', '.join(EMBED_PERMISSIONS)}")
    username = body.get("username")
    if username is not None and not isinstance(username, str):
        raise BadRequest("invalid-username", "username is a string")
    if not isinstance(target, dict) or len(target) != 1 or not set(target) <= {"task_id", "conversation_id"}:
        raise BadRequest("invalid-embed-id", "embed_id is {task_id} or {conversation_id}")
    ((kind, value),) = target.items()
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise BadRequest("invalid-embed-id", f"{kind} is an integer")
    if kind == "task_id":
        env.inbox.task(value)
    else:
        env.inbox.conversation_row(value)
    with env.store.transaction():
        agent = env.store.one("SELECT * FROM agents WHERE email = ?", email)
        if agent is None:
            # AR 3.9 / rule 44: an unknown e-mail gets an account, granted the requested permission.
            agent = env.directory.create_account(email, username or email)
        env.store.run("UPDATE agents SET permission = ? WHERE id = ?", permission, agent["id"])
        token = env.ids.token(32)
        env.store.run(
            "INSERT INTO embeds (token, agent_id, task_id, conversation_id, permission, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            token,
            agent["id"],
            value if kind == "task_id" else None,
            value if kind == "conversation_id" else None,
            permission,
            env.clock.timestamp() + EMBED_LIFETIME_SECONDS,
        )
    return {"url": f"{env.base_url}/embed/{token}", "account_id": agent["id"]}
