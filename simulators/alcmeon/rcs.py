"""RCS templates, sends and campaigns (initiate-conversation-api.yaml, tag RCS; AR 3.11)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from alcsim.simulators.alcmeon.engagement import render
from alcsim.simulators.alcmeon.errors import BadRequest
from alcsim.simulators.alcmeon.store import dumps, loads
from alcsim.simulators.alcmeon.validation import MAX_ID, phone_number

MAX_CAMPAIGN_USERS = 10000  # SendRCSCampaignRequest: "Max 10000 users are allowed per campaign"
LANGUAGES = ("en", "fr")  # RCSTemplate.language
BUTTON_TYPES = ("url", "quick-reply")
DEFAULT_RCS_TEMPLATES = (
    {
        "name": "order_shipped",
        "language": "en",
        "title": "Your order is on its way",
        "body": "Hello {{user_name}}, order {{order_id}} has shipped.",
        "buttons": [{"type": "url", "label": "Track", "url": "https://example.com/track"}],
    },
    {
        "name": "rendez_vous",
        "language": "fr",
        "title": "Rappel",
        "body": "Bonjour, votre rendez-vous est confirmé.",
        "buttons": [{"type": "quick-reply", "label": "OK", "quick-reply": "OK"}],
    },
)


def _placeholders(text: str) -> set[str]:
    names, rest = set(), text
    while "{{" in rest and "}}" in rest.split("{{", 1)[1]:
        name, rest = rest.split("{{", 1)[1].split("}}", 1)
        names.add(name.strip())
    return names


def _variables(value, name: str) -> dict:
    # Variables are a map of strings (additionalProperties: string) in every RCS request.
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise BadRequest("invalid-request-body", f"{name} is an object of strings")
    return value


def _id(body: dict, name: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise BadRequest("invalid-request-body", f"{name} is a required integer")
    return value


def campaign_uuid(value, name: str = "campaign_id") -> str:
    try:
        return str(uuid.UUID(value)) if isinstance(value, str) and len(value) <= 36 else _bad_uuid(name)
    except ValueError:
        return _bad_uuid(name)


def _bad_uuid(name: str):
    raise BadRequest("invalid-request-body", f"{name} is a UUID")


class RcsMessaging:
    def __init__(self, env):
        self.env = env
        self.store = env.store
        # After a restart on a data directory, new ids must not repeat the stored ones (primary keys).
        env.ids.reserve("template-send", self.store.value("SELECT COALESCE(MAX(seq), 0) FROM template_sends"))
        env.ids.reserve("rcs-campaign", self.store.value("SELECT COUNT(*) FROM rcs_campaigns"))

    def add_template(
        self, account_id: int, name: str, body: str, language="en", title="", buttons=()
    ) -> dict:
        now = self.env.engagement.iso_now()
        template_id = self.store.run(
            "INSERT INTO rcs_templates (account_id, name, language, title, body, buttons, created_at,"
            " last_modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            account_id,
            name,
            language,
            title,
            body,
            dumps(list(buttons)),
            now,
            now,
        )
        return self.template_view(self.store.one("SELECT * FROM rcs_templates WHERE id = ?", template_id))

    def seed(self, account_id: int) -> None:
        for template in DEFAULT_RCS_TEMPLATES:
            self.add_template(account_id, **template)

    @staticmethod
    def template_view(row: dict) -> dict:
        view = {
            k: row[k] for k in ("id", "name", "language", "title", "body", "created_at", "last_modified_at")
        }
        return {**view, "buttons": loads(row["buttons"], [])}

    def templates(self, filters, url: str) -> dict:
        self.env.engagement.channel_account("rcs", filters.account_id)
        where, args = filters.where()
        rows = self.store.all(
            "SELECT * FROM rcs_templates WHERE account_id = ?" + where + " ORDER BY id LIMIT ? OFFSET ?",
            filters.account_id,
            *args,
            filters.limit + 1,
            filters.page * filters.limit,
        )
        body = {"data": [self.template_view(r) for r in rows[: filters.limit]]}
        if len(rows) > filters.limit:
            body["next"] = f"{url}?limit={filters.limit}&page={filters.page + 1}"  # the list is a POST
        return body

    def _template(self, account_id: int, template_id: int) -> dict:
        self.env.engagement.channel_account("rcs", account_id)
        row = self.store.one(
            "SELECT * FROM rcs_templates WHERE id = ? AND account_id = ?", template_id, account_id
        )
        if row is None:
            raise BadRequest("template-not-found", f"no template {template_id} on RCS account {account_id}")
        return row

    def _missing(self, template: dict, variables: dict) -> list[str]:
        wanted = _placeholders(template["title"] or "") | _placeholders(template["body"] or "")
        for button in loads(template["buttons"], []):
            wanted |= _placeholders(str(button.get("url", "")) + str(button.get("label", "")))
        return sorted(wanted - set(variables))

    def _record(self, account_id: int, template: dict, phone: str, variables: dict) -> str:
        content = render("\n".join(t for t in (template["title"], template["body"]) if t), variables)
        message_id = str(uuid.UUID(int=self.env.ids.next("template-send")))
        self.store.run(
            "INSERT INTO template_sends (id, seq, channel, account_id, template_id, to_user, sender, sent_at,"
            " status, content) VALUES (?, ?, 'rcs', ?, ?, ?, ?, ?, 'delivered', ?)",
            message_id,
            self.env.ids.peek("template-send"),
            account_id,
            template["id"],
            phone,
            self.env.directory.bot()["id"],
            self.env.engagement.iso_now(),
            content,
        )
        return message_id

    def send(self, body: dict) -> dict:
        for key in ("to_user_phone_number", "account_id", "template_id"):
            if key not in body:
                raise BadRequest("invalid-request-body", f"{key} is required")
        phone = phone_number(body["to_user_phone_number"], "to_user_phone_number")
        account_id, template_id = _id(body, "account_id"), _id(body, "template_id")
        variables = _variables(body.get("variables"), "variables")
        template = self._template(account_id, template_id)
        return {"status": "ok", "message_id": self._record(account_id, template, phone, variables)}

    def send_campaign(self, body: dict) -> dict:
        for key in ("to_users", "account_id", "template_id"):
            if key not in body:
                raise BadRequest("invalid-request-body", f"{key} is required")
        account_id, template_id = _id(body, "account_id"), _id(body, "template_id")
        users = body["to_users"]
        if not isinstance(users, list) or not users:
            raise BadRequest("invalid-request-body", "to_users is a non-empty list")
        if len(users) > MAX_CAMPAIGN_USERS:
            raise BadRequest("too-many-users", f"at most {MAX_CAMPAIGN_USERS} users per call")
        send_at = self._send_at(body.get("send_date"))
        template = self._template(account_id, template_id)
        recipients = []
        for index, user in enumerate(users):
            if not isinstance(user, dict) or "phone_number" not in user:
                raise BadRequest(
                    "invalid-request-body", f"to_users[{index}] is an object with a phone_number"
                )
            phone = phone_number(user["phone_number"], f"to_users[{index}].phone_number")
            variables = _variables(user.get("variables"), f"to_users[{index}].variables")
            missing = self._missing(template, variables)
            if missing:
                # "each entry must provide values for all of them"
                raise BadRequest("missing-variables", f"to_users[{index}] lacks {', '.join(missing)}")
            recipients.append((phone, variables))
        campaign_id = self._campaign(body.get("campaign_id"), account_id, template_id)
        with self.store.transaction():
            for phone, variables in recipients:
                self.store.run(
                    "INSERT INTO rcs_recipients (campaign_id, phone_number, variables, send_at) VALUES (?, ?, ?, ?)",
                    campaign_id,
                    phone,
                    dumps(variables),
                    send_at,
                )
        self.release_due()
        return {"status": "ok", "campaign_id": campaign_id}

    def _send_at(self, value) -> float:
        now = self.env.clock.timestamp()
        if value is None:
            return now
        if not isinstance(value, str) or len(value) > 40:
            raise BadRequest("invalid-request-body", "send_date is a date-time such as 2025-02-17T09:09:58")
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise BadRequest(
                "invalid-request-body", "send_date is a date-time such as 2025-02-17T09:09:58"
            ) from None
        # The example has no offset; such a date is read as UTC (docs/assumptions.md).
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()

    def _campaign(self, given, account_id: int, template_id: int) -> str:
        # The description lets a caller add users to a campaign by passing the campaign_id it was given.
        if given is None:
            campaign_id = str(uuid.UUID(int=self.env.ids.next("rcs-campaign")))
            self.store.run(
                "INSERT INTO rcs_campaigns (id, account_id, template_id, created_at) VALUES (?, ?, ?, ?)",
                campaign_id,
                account_id,
                template_id,
                self.env.clock.timestamp(),
            )
            return campaign_id
        campaign = self.store.one("SELECT * FROM rcs_campaigns WHERE id = ?", campaign_uuid(given))
        if campaign is None or (campaign["account_id"], campaign["template_id"]) != (account_id, template_id):
            raise BadRequest("campaign-not-found", f"no campaign {given} for this account and template")
        return campaign["id"]

    def release_due(self) -> None:
        """Send the recipients whose send date has come (on the environment's clock)."""
        due = self.store.all(
            "SELECT r.*, c.account_id, c.template_id FROM rcs_recipients r JOIN rcs_campaigns c"
            " ON c.id = r.campaign_id WHERE r.message_id IS NULL AND r.send_at <= ? ORDER BY r.id",
            self.env.clock.timestamp(),
        )
        for row in due:
            template = self.store.one("SELECT * FROM rcs_templates WHERE id = ?", row["template_id"])
            message_id = self._record(
                row["account_id"], template, row["phone_number"], loads(row["variables"], {})
            )
            self.store.run("UPDATE rcs_recipients SET message_id = ? WHERE id = ?", message_id, row["id"])

    def campaign(self, campaign_id: str) -> dict:
        self.release_due()
        row = self.store.one("SELECT * FROM rcs_campaigns WHERE id = ?", campaign_uuid(campaign_id))
        if row is None:
            raise BadRequest("campaign-not-found", f"no campaign {campaign_id}")
        recipients = self.store.all(
            "SELECT message_id FROM rcs_recipients WHERE campaign_id = ? ORDER BY id", row["id"]
        )
        sent = [r["message_id"] for r in recipients if r["message_id"]]
        total = len(recipients)
        return {
            "status": "completed" if len(sent) == total else "in_progress",
            "campaign_id": row["id"],
            "total_number_of_users": total,
            "progress": f"{100 * len(sent) // total if total else 100}%",
            "sent_message_ids": sent,
        }

    def messages(self, account_id: int, campaign_id: str | None, limit: int, page: int) -> tuple[list, bool]:
        self.release_due()
        if campaign_id is None:
            return self.env.engagement.sent_messages("rcs", account_id, limit, page)
        rows = self.store.all(
            "SELECT s.* FROM template_sends s JOIN rcs_recipients r ON r.message_id = s.id"
            " WHERE s.channel = 'rcs' AND s.account_id = ? AND r.campaign_id = ? ORDER BY s.seq LIMIT ? OFFSET ?",
            account_id,
            campaign_uuid(campaign_id),
            limit + 1,
            page * limit,
        )
        keys = {
            "id": "id",
            "to": "to_user",
            "account": "account_id",
            "sender": "sender",
            "sent_at": "sent_at",
        }
        data = [
            {**{k: r[v] for k, v in keys.items()}, "status": r["status"], "content": r["content"]}
            for r in rows
        ]
        return data[:limit], len(rows) > limit
