"""The widget's JSON routes (WIDGET-01 to WIDGET-05, ENG-04/05), over the widget and engagement backends."""

# Every call is signed like the widget's page (connector/widget/backend.py); errors take the app's one
# envelope (connector/app.py). Engagement also wraps the core's `alcmeon.action` handler, so a customer's
# answer to a send links its conversation to the Case at once (ENG-05).

from __future__ import annotations

from flask import Blueprint, jsonify, request

from alcsim.connector.jobs import ACTION_JOB
from alcsim.connector.widget import engagement
from alcsim.connector.widget.backend import CASE_PREFIX, Widget, WidgetError


def blueprint(connector, widget: Widget) -> Blueprint:
    bp = Blueprint("widget", __name__)

    def visitor(org: str, record_id: str) -> dict:
        return widget.user(org, widget.verify(org, record_id, request.args))

    @bp.get("/widget/<org>/records/<record_id>")
    def open_record(org: str, record_id: str):
        """WIDGET-01/02/03: what the widget shows on a conversation record or a Case."""
        user = visitor(org, record_id)
        record = widget.conversation_record(org, record_id)
        if record is None and record_id.startswith(CASE_PREFIX):
            # ENG-05: an engagement answered by the customer gives the Case its conversation now.
            record = engagement.switch_if_answered(connector, org, record_id)
            if record is None:
                return jsonify(engagement.engagement_view(connector, widget, org, record_id, user))
        return jsonify(widget.conversation_view(org, record, user))

    @bp.post("/widget/<org>/records/<record_id>/reply")
    def reply(org: str, record_id: str):
        user = visitor(org, record_id)
        text = (request.get_json(silent=True) or {}).get("text")
        return jsonify(widget.act(org, record_id, user, text, close=False))

    @bp.post("/widget/<org>/records/<record_id>/close")
    def close(org: str, record_id: str):
        user = visitor(org, record_id)
        text = (request.get_json(silent=True) or {}).get("text")
        return jsonify(widget.act(org, record_id, user, text, close=True))

    @bp.post("/widget/<org>/records/<case_id>/engagements/<engagement_id>/send")
    def send_engagement(org: str, case_id: str, engagement_id: str):
        """ENG-04: {variables, interrupt_ongoing_conversation, language?}, signed like every widget call."""
        if not case_id.startswith(CASE_PREFIX):
            raise WidgetError(400, "an engagement is sent from a Case", "not-a-case")
        user = visitor(org, case_id)
        body = request.get_json(silent=True) or {}
        return jsonify(engagement.send(connector, widget, org, case_id, engagement_id, user, body))

    return bp


def register(connector) -> None:
    widget = Widget(connector)
    connector.widget = widget  # the widget's pages (connector/widget/pages.py) use the same one
    engagement.create_table(connector.store)
    connector.app.register_blueprint(blueprint(connector, widget))
    inner = connector.dispatcher.handler(ACTION_JOB)
    if inner is not None:
        connector.dispatcher.register(ACTION_JOB, engagement.AnsweredSends(connector, inner))
