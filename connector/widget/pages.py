"""The widget's pages (WIDGET-01..05, ENG-04/05): the HTML the org's iframe shows, on the widget backend."""

# The org's record page frames `widget_url_template(...)`: the package's component passes the user, the
# record and a signed time (connector/widget/backend.py). Conversation mode frames Alcméon's embed (messages, in
# the user's language and time zone) under a reply box; "Send" asks whether the conversation should
# continue (AR 1.10) and either replies or replies and closes. A Case without a conversation shows its
# engagements (template, variables, consent, send); a few lines of JavaScript poll the widget's JSON
# route and reload once the customer's answer gave the Case its conversation (ENG-05).

from __future__ import annotations

import re

from flask import Blueprint, redirect, render_template, request, url_for

from alcsim.connector.app import Refused, upstream_failure
from alcsim.connector.retry import CallFailed
from alcsim.connector.widget import engagement, text
from alcsim.connector.widget.backend import CASE_PREFIX, READ_ONLY, Widget, WidgetError

PAGE = "/widget/<org>/page/<record_id>"
SIGNED = ("user_id", "issued_at", "signature")
PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")
UNKNOWN_TEMPLATE_VARIABLES = ("1", "2", "3")  # WhatsApp's template texts are not listed by any API (AR 3.11)


def widget_url_template(connector_url: str, org: str) -> str:
    """The org's `widget_url` (simulators/salesforce/config.py) for this connector and org name."""
    return (
        f"{connector_url}/widget/{org}/page/{{record_id}}"
        "?user_id={user_id}&issued_at={issued_at}&signature={signature}"
    )


def placeholders(body: str | None) -> list[str]:
    return list(dict.fromkeys(PLACEHOLDER.findall(body or "")))


def variables_for(channel_type: str | None, form: dict[str, str]) -> dict:
    """Form fields `var:<name>` as the send's variables; WhatsApp nests them under `body` (AR 3.11)."""
    values = {k[4:]: v for k, v in form.items() if k.startswith("var:") and v.strip()}
    return {"body": values} if channel_type == "whatsapp" else values


def blueprint(connector, widget: Widget) -> Blueprint:
    bp = Blueprint("widget_pages", __name__, template_folder="templates")

    def signed() -> dict[str, str]:
        return {k: request.args.get(k, "") for k in SIGNED}

    def back(org: str, record_id: str, **extra):
        return redirect(url_for("widget_pages.page", org=org, record_id=record_id, **signed(), **extra), 303)

    def visitor(org: str, record_id: str) -> dict:
        return widget.user(org, widget.verify(org, record_id, request.args))

    def failure(status: int, code: str, detail: str):
        user_language = request.args.get("lang")
        return render_template(
            "widget_error.html",
            t=text.words(user_language),
            lang=text.language(user_language),
            code=code,
            detail=detail,
        ), status

    # The app's JSON errors (connector/app.py) as an HTML page, since these routes answer an iframe.
    @bp.errorhandler(Refused)
    def _refused(exc: Refused):
        return failure(exc.status, exc.code, str(exc))

    @bp.errorhandler(CallFailed)
    def _call_failed(exc: CallFailed):
        return _refused(upstream_failure(exc))

    @bp.get(PAGE)
    def page(org: str, record_id: str):
        user = visitor(org, record_id)
        record = widget.conversation_record(org, record_id)
        if record is None and record_id.startswith(CASE_PREFIX):
            record = engagement.switch_if_answered(connector, org, record_id)  # ENG-05, one-way (ENG-06)
        if record is None:
            return engagement_page(org, record_id, user)
        view = widget.conversation_view(org, record, user)
        conversation = connector.environment(view["environment"]).conversation(view["conversation"]["id"])
        t = text.words(user["language"])
        return render_template(
            "widget_conversation.html",
            t=t,
            lang=text.language(user["language"]),
            view=view,
            user=user,
            status=t.get(f"status_{view['conversation']['status']}", view["conversation"]["status"]),
            opened=text.when(conversation.get("opened_at"), user["time_zone"], user["language"]),
            zone=text.zone(user["time_zone"]).key,
            can_answer=user["permission"] != READ_ONLY,
            action=url_for("widget_pages.act", org=org, record_id=record_id, **signed()),
            notice=request.args.get("notice"),
            error=request.args.get("error"),
            detail=request.args.get("detail"),
        )

    def engagement_page(org: str, case_id: str, user: dict):
        view = engagement.engagement_view(connector, widget, org, case_id, user)
        cards = engagement_cards(org, case_id, view, user)
        waiting = any(c["status"] == engagement.SENT for c in cards)
        poll = url_for("widget.open_record", org=org, record_id=case_id, **signed())
        return render_template(
            "widget_engagement.html",
            t=text.words(user["language"]),
            lang=text.language(user["language"]),
            view=view,
            cards=cards,
            user=user,
            waiting=waiting,
            poll=poll,
            notice=request.args.get("notice"),
            error=request.args.get("error"),
            detail=request.args.get("detail"),
        )

    def engagement_cards(org: str, case_id: str, view: dict, user: dict) -> list[dict]:
        envs = view["environments"]
        gateway = connector.environment(envs[0]) if len(envs) == 1 else None
        accounts = {str(a["id"]): a for a in gateway.social_accounts()} if gateway else {}
        cards = []
        for row in engagement.engagements(connector, org, case_id):
            account = accounts.get((row["alcmeon__Sender_Id__c"] or "").strip())
            kind = account["type"] if account else None
            recipient = row["alcmeon__Recipient_Id__c"] or ""
            consent = bool(
                account
                and kind in engagement.CHANNELS.values()
                and gateway.has_consent(account["id"], recipient)
            )
            template = template_of(gateway, kind, account, row["alcmeon__Template_Id__c"])
            names = placeholders(template["body"]) if template else list(UNKNOWN_TEMPLATE_VARIABLES)
            status = row["alcmeon__Status__c"] or engagement.DRAFT
            cards.append(
                {
                    "id": row["Id"],
                    "channel": row["alcmeon__Channel__c"],
                    "channel_type": kind,
                    "recipient": recipient,
                    "status": status,
                    "template": template,
                    "template_id": row["alcmeon__Template_Id__c"],
                    "variables": names,
                    "consent": consent,
                    "error": row["alcmeon__Message_Send_Error__c"],
                    "sent": text.when(row["alcmeon__Sent_Date__c"], user["time_zone"], user["language"]),
                    "sendable": view["can_engage"] and consent and engagement.sendable(status),
                    "action": url_for(
                        "widget_pages.send", org=org, record_id=case_id, engagement_id=row["Id"], **signed()
                    ),
                }
            )
        return cards

    @bp.post(PAGE + "/act")
    def act(org: str, record_id: str):
        """WIDGET-04 (reply) or WIDGET-05 (reply and close), as the dialog's answer says."""
        user = visitor(org, record_id)
        close = request.form.get("action") == "close"
        try:
            widget.act(org, record_id, user, request.form.get("text", ""), close=close)
        except WidgetError as exc:
            return back(org, record_id, error=exc.code, detail=str(exc))
        return back(org, record_id, notice="closed" if close else "sent")

    @bp.post(PAGE + "/engagements/<engagement_id>/send")
    def send(org: str, record_id: str, engagement_id: str):
        """ENG-04: the template send of one engagement, with the variables the agent filled in."""
        user = visitor(org, record_id)
        form = request.form.to_dict()
        body = {
            "variables": variables_for(form.get("channel_type"), form),
            "interrupt_ongoing_conversation": form.get("interrupt") == "on",
        }
        try:
            engagement.send(connector, widget, org, record_id, engagement_id, user, body)
        except WidgetError as exc:
            return back(org, record_id, error=exc.code, detail=str(exc))
        return back(org, record_id, notice="engaged")

    return bp


def template_of(gateway, kind: str | None, account: dict | None, template_id) -> dict | None:
    """KakaoTalk lists its templates (AR 3.11); WhatsApp's are not published, so the widget shows the id."""
    if gateway is None or kind != "kakaotalk" or not account or not str(template_id or "").isdigit():
        return None
    return next(iter(gateway.kakaotalk_templates(account["id"], int(template_id))), None)


def register(connector) -> None:
    """After connector/widget/routes.py, whose widget the pages share."""
    connector.app.register_blueprint(blueprint(connector, connector.widget))
