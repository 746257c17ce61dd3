"""Engagement (ENG-01 to ENG-07): template sends from a Case and the switch to a conversation."""

# The Engagement record is made outside the package and linked to a Case (AR 1.5); the agent sends it
# from the widget; the connector checks the org has a single environment (ENG-01), the channel
# (ENG-02) and the customer's opt-in (ENG-03), sends the template (AR 3.11), and fills in the sending
# details (ENG-04). When the customer answers, the send's reply opened a conversation: the connector
# pushes that conversation's record linked to the Case, and the widget shows it from then on (ENG-05);
# a Case with a conversation never goes back to engagement mode (ENG-06). The sends it made are kept
# in its store (`engagement_sends`), because the Engagement object has no field for the message id.

from __future__ import annotations

import logging
from datetime import UTC, datetime
from types import MappingProxyType

from alcsim.connector.retry import CallFailed, Permanent, Retryable
from alcsim.connector.rules import to_salesforce as sync_rules
from alcsim.connector.salesforce import CONVERSATION
from alcsim.connector.soql import is_id, soql
from alcsim.connector.widget.backend import READ_ONLY, Widget, WidgetError

log = logging.getLogger("alcsim.connector.engagement")
ENGAGEMENT = "alcmeon__Engagement__c"
CHANNELS = MappingProxyType({"WhatsApp": "whatsapp", "KakaoTalk": "kakaotalk"})  # ENG-02: the only two
SENT, FAILED, DRAFT = "Sent", "Failed", "Draft"  # docs/assumptions.md: alcmeon__Status__c values
ONGOING = "ongoing-conversation"  # the 403 of initiate-conversation-api.yaml (ENG-07)
FIELDS = (
    "Id, alcmeon__Case__c, alcmeon__Sender_Id__c, alcmeon__Recipient_Id__c, alcmeon__Channel__c,"
    " alcmeon__Template_Id__c, alcmeon__Status__c, alcmeon__Sent_Date__c, alcmeon__Conversation__c,"
    " alcmeon__Language_locale__c, alcmeon__Message_Send_Error__c"
)
SCHEMA = """CREATE TABLE IF NOT EXISTS engagement_sends (
    engagement_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, env TEXT NOT NULL, case_id TEXT NOT NULL,
    account_id INTEGER NOT NULL, message_id TEXT NOT NULL, sent_at REAL NOT NULL, linked_record TEXT)"""


# -- rules ------------------------------------------------------------------------------------------------
def refusal(
    environments: list[str],
    channel: str | None,
    account_type: str | None,
    consent: bool,
    case_has_conversation: bool,
) -> tuple[str, str] | None:
    """Why an engagement may not be sent, as (code, message), or None: ENG-06, ENG-01, ENG-02, ENG-03."""
    if case_has_conversation:
        return (
            "case-has-conversation",
            "ENG-06: this Case has a conversation; a new engagement needs a new Case",
        )
    if len(environments) != 1:
        return "multiple-environments", f"ENG-01: the org is connected to {len(environments)} environments"
    wanted = CHANNELS.get(channel or "")
    if wanted is None or account_type != wanted:
        return "unsupported-channel", f"ENG-02: {channel or account_type!r} cannot carry an engagement"
    if not consent:
        return "no-consent", "ENG-03: the customer gave no consent on this account"
    return None


def sendable(status: str | None) -> bool:
    """A Draft, or a Failed one the agent tries again (e.g. with interrupt, ENG-07); never twice Sent."""
    return (status or DRAFT) in (DRAFT, FAILED)


def send_body(engagement: dict, account_id: int, variables: dict, interrupt: bool) -> dict:
    """AR 3.11: the template send; phone numbers travel without '+' (AR 2.3)."""
    return {
        "to_user_phone_number": (engagement["alcmeon__Recipient_Id__c"] or "").strip().lstrip("+"),
        "account_id": account_id,
        "template_id": int(engagement["alcmeon__Template_Id__c"]),
        "variables": variables or {},
        "interrupt_ongoing_conversation": bool(interrupt),
    }


def sent_details(when: datetime, language: str | None, content: str | None) -> dict:
    """ENG-04: what the package fills in after a successful send."""
    return {
        "alcmeon__Status__c": SENT,
        "alcmeon__Sent_Date__c": when.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
        "alcmeon__Language_locale__c": (language or "")[:10] or None,
        "alcmeon__Message_Content__c": content,
        "alcmeon__Message_Send_Error__c": None,
    }


def sent_time(sent_at: str | None) -> datetime | None:
    """When Alcméon sent it (`sent_at`, e.g. 2026-11-22T18:05:00Z), so the record follows the platform's clock."""
    try:
        return datetime.fromisoformat(sent_at.replace("Z", "+00:00")).astimezone(UTC) if sent_at else None
    except ValueError:
        return None


def failed_details(message: str) -> dict:
    return {"alcmeon__Status__c": FAILED, "alcmeon__Message_Send_Error__c": message[:131072]}


def is_ongoing_refusal(exc: Exception) -> bool:
    """ENG-07: the send API refused because the customer is in an ongoing conversation (403)."""
    if not isinstance(exc, CallFailed) or exc.status != 403:
        return False
    return isinstance(exc.body, dict) and exc.body.get("error") == ONGOING


def reply_conversation(sends: list[dict], message_id: str) -> int | None:
    """ENG-05: the conversation the recipient's reply to this send opened, once they answered."""
    return next((s.get("conversation_id") for s in sends if s.get("id") == message_id), None)


# -- I/O --------------------------------------------------------------------------------------------------
def create_table(store) -> None:
    with store.transaction() as db:
        db.execute(SCHEMA)


def engagements(connector, org: str, case_id: str) -> list[dict]:
    """The Case's Engagement records; `case_id` must be a Salesforce id (the builder refuses anything else)."""
    return connector.org(org).query_all(
        soql(
            "SELECT {:names} FROM {:name} WHERE alcmeon__Case__c = {:id} ORDER BY CreatedDate, Id",
            FIELDS,
            ENGAGEMENT,
            case_id,
        )
    )


def engagement_view(connector, widget: Widget, org: str, case_id: str, user: dict) -> dict:
    """The widget's engagement page on a Case without a conversation (ENG-04)."""
    envs = widget.environments_of(org)
    rows = engagements(connector, org, case_id)
    return {
        "mode": "engagement",
        "case_id": case_id,
        "environments": envs,
        "can_engage": len(envs) == 1 and user["permission"] != READ_ONLY,
        "user": {k: user[k] for k in ("id", "email", "permission", "language", "time_zone", "locale")},
        "engagements": [
            {
                "id": r["Id"],
                "channel": r["alcmeon__Channel__c"],
                "recipient": r["alcmeon__Recipient_Id__c"],
                "status": r["alcmeon__Status__c"],
                "template_id": r["alcmeon__Template_Id__c"],
                "sent_date": r["alcmeon__Sent_Date__c"],
                "error": r["alcmeon__Message_Send_Error__c"],
            }
            for r in rows
        ],
    }


def send(
    connector, widget: Widget, org: str, case_id: str, engagement_id: str, user: dict, body: dict
) -> dict:
    org_gw = connector.org(org)
    if user["permission"] == READ_ONLY:
        raise WidgetError(
            403, "the user has neither Alcmeon_Agent nor Alcmeon_Admin", "insufficient-permissions"
        )
    if not is_id(engagement_id):
        raise WidgetError(400, f"{engagement_id[:40]!r} is not a Salesforce id", "bad-id")
    rows = [r for r in engagements(connector, org, case_id) if r["Id"][:15] == engagement_id[:15]]
    if not rows:
        raise WidgetError(404, f"no engagement {engagement_id} on Case {case_id}", "engagement-not-found")
    engagement = rows[0]
    if not sendable(engagement["alcmeon__Status__c"]):
        raise WidgetError(409, f"engagement {engagement_id} was already sent", "already-sent")
    envs = widget.environments_of(org)
    has_conversation = widget.conversation_record(org, case_id) is not None
    env_gw = connector.environment(envs[0]) if len(envs) == 1 else None
    account_id, account_type, consent = None, None, False
    if env_gw is not None and not has_conversation:
        sender = (engagement["alcmeon__Sender_Id__c"] or "").strip()
        account = next((a for a in env_gw.social_accounts() if str(a["id"]) == sender), None)
        if account is not None:
            account_id, account_type = account["id"], account["type"]
            recipient = engagement["alcmeon__Recipient_Id__c"] or ""
            consent = account_type in CHANNELS.values() and env_gw.has_consent(account_id, recipient)
    refused = refusal(envs, engagement["alcmeon__Channel__c"], account_type, consent, has_conversation)
    if refused is not None:
        if refused[0] in ("no-consent", "unsupported-channel"):
            org_gw.update(ENGAGEMENT, engagement["Id"], failed_details(refused[1]))
        raise WidgetError(409, refused[1], refused[0])
    request_body = send_body(
        engagement, account_id, body.get("variables") or {}, bool(body.get("interrupt_ongoing_conversation"))
    )
    try:
        answer = env_gw.send_template(account_type, request_body)
    except Permanent as exc:
        org_gw.update(ENGAGEMENT, engagement["Id"], failed_details(str(exc)))
        if is_ongoing_refusal(exc):  # ENG-07: the agent may send again with interrupt_ongoing_conversation
            raise WidgetError(409, "ENG-07: the customer is in an ongoing conversation", ONGOING) from None
        raise WidgetError(502, str(exc), "send-failed") from None
    message_id = answer["message_id"]
    sent = next((s for s in env_gw.template_sends() if s.get("id") == message_id), {})
    language = (
        body.get("language")
        or _template_language(env_gw, account_type, account_id, request_body)
        or user["language"]
    )
    when = sent_time(sent.get("sent_at")) or connector.clock.now()
    org_gw.update(ENGAGEMENT, engagement["Id"], sent_details(when, language, sent.get("content")))
    with connector.store.transaction() as db:
        db.execute(
            "INSERT OR REPLACE INTO engagement_sends VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
            (
                engagement["Id"],
                org_gw.organization_id,
                envs[0],
                case_id,
                account_id,
                message_id,
                connector.clock.timestamp(),
            ),
        )
    return {"status": SENT, "engagement_id": engagement["Id"], "message_id": message_id}


def _template_language(env_gw, channel: str, account_id: int, body: dict) -> str | None:
    """KakaoTalk publishes a template's language (AR 3.11); WhatsApp's template list is not in the API."""
    if channel != "kakaotalk":
        return None
    return next(
        (t.get("language") for t in env_gw.kakaotalk_templates(account_id, body["template_id"])), None
    )


def switch_if_answered(connector, org: str, case_id: str) -> dict | None:
    """ENG-05: if the customer answered a send made from this Case, its conversation record is pushed
    linked to the Case (and to the Engagement); returns that record, or None while nobody answered."""
    org_gw = connector.org(org)
    rows = connector.store.all(
        "SELECT * FROM engagement_sends WHERE org_id = ? AND case_id = ? ORDER BY sent_at DESC",
        org_gw.organization_id,
        case_id,
    )
    for row in rows:
        conversation_id = reply_conversation(
            connector.environment(row["env"]).template_sends(), row["message_id"]
        )
        if conversation_id is not None:
            return link(connector, row, conversation_id)
    return None


def link_answered(connector, env: str) -> int:
    """ENG-05 as soon as the customer answers: every send of `env` still waiting whose reply opened a
    conversation gets it linked; returns how many."""
    rows = connector.store.all(
        "SELECT * FROM engagement_sends WHERE env = ? AND linked_record IS NULL ORDER BY sent_at", env
    )
    if not rows:
        return 0
    sends = connector.environment(env).template_sends()
    linked = 0
    for row in rows:
        conversation_id = reply_conversation(sends, row["message_id"])
        if conversation_id is not None:
            link(connector, row, conversation_id)
            linked += 1
    return linked


def link(connector, row: dict, conversation_id: int) -> dict:
    """Push the answered conversation's record with the engagement's Case, and link the Engagement to it."""
    org_gw = connector.org_by_id(row["org_id"])
    env_gw = connector.environment(row["env"])
    case_id = row["case_id"]
    conversation = env_gw.conversation(conversation_id)
    settings = sync_rules.org_settings(connector.settings.get(row["env"]), org_gw.organization_id)
    record = {**sync_rules.conversation_record(conversation, settings), "alcmeon__Case__c": case_id}
    result = org_gw.upsert_conversations([record])[0]
    if not result.ok:
        raise Permanent(f"ENG-05: {result.error}")
    saved = org_gw.get_conversation(conversation["scoped_id"])
    current = org_gw.query_all(
        soql("SELECT Id, alcmeon__Case__c FROM {:name} WHERE Id = {:id}", CONVERSATION, saved["Id"])
    )
    if (current[0].get("alcmeon__Case__c") or "")[:15] != case_id[:15]:
        # A customer's Case-per-conversation automation gave it a Case of its own; the engagement's wins.
        org_gw.update(CONVERSATION, saved["Id"], {"alcmeon__Case__c": case_id})
    connector.store.save_record(
        org_gw.organization_id, conversation["scoped_id"], saved["Id"], None, record["alcmeon__Status__c"]
    )
    org_gw.update(ENGAGEMENT, row["engagement_id"], {"alcmeon__Conversation__c": saved["Id"]})
    with connector.store.transaction() as db:
        db.execute(
            "UPDATE engagement_sends SET linked_record = ? WHERE engagement_id = ?",
            (saved["Id"], row["engagement_id"]),
        )
    return {
        "Id": saved["Id"],
        "alcmeon__scoped_id__c": conversation["scoped_id"],
        "alcmeon__Case__c": case_id,
    }


class AnsweredSends:
    """Wraps the core's `alcmeon.action` handler: after a customer's message (`task-create`) in an
    environment with sends waiting for an answer, the answered ones are linked at once (ENG-05). A
    failure here only delays the link until the widget is opened; the sync's outcome stands."""

    def __init__(self, connector, inner):
        self.connector = connector
        self.inner = inner

    def __call__(self, groups):
        outcomes = self.inner(groups)
        envs = {
            group[0].payload.get("env")
            for group in groups
            if any((job.payload.get("action") or {}).get("type") == "task-create" for job in group)
        }
        for env in sorted(e for e in envs if e):
            try:
                link_answered(self.connector, env)
            except (Retryable, Permanent) as exc:
                log.warning("engagement replies of %s not linked yet: %s", env, exc)
        return outcomes
