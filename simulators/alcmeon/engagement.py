"""Templates, template sends and the opt-in registry: how a brand starts a conversation (AR 2.4, 3.11, 3.12)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

from alcsim.simulators.alcmeon.errors import AlcmeonError, BadRequest, NotFound
from alcsim.simulators.alcmeon.validation import phone_number

# AR 2.4 / rule 26: Friends Talk only between 09:00 and 20:00 Korean time (UTC+9, no daylight saving).
KOREA = timezone(timedelta(hours=9))
FRIENDTALK_HOURS = (9, 20)
OPTIN_TYPES = ("default", "recurring_notification_messenger", "recurring_notification_instagram")


class OngoingConversation(AlcmeonError):
    """Rule 27: 403 while the recipient is in a conversation, unless the caller interrupts it."""

    def __init__(self, details: str):
        super().__init__(403, "ongoing-conversation", details)


class Engagement:
    def __init__(self, env):
        self.env = env
        self.store = env.store

    def iso_now(self) -> str:
        return datetime.fromtimestamp(self.env.clock.timestamp(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    # Templates.
    def add_template(
        self,
        channel: str,
        name: str,
        body: str,
        language: str = "en",
        category: str = "utility",
        status: str = "approved",
        account_id: int | None = None,
    ) -> dict:
        if account_id is None:
            account = self.store.one(
                "SELECT id FROM social_accounts WHERE type = ? ORDER BY id LIMIT 1", channel
            )
            account_id = account["id"] if account else None
        now = self.iso_now()
        template_id = self.store.run(
            "INSERT INTO templates (channel, account_id, name, language, body, category, status, created_at,"
            " last_modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            channel,
            account_id,
            name,
            language,
            body,
            category,
            status,
            now,
            now,
        )
        return self.template_view(self.store.one("SELECT * FROM templates WHERE id = ?", template_id))

    @staticmethod
    def template_view(row: dict) -> dict:
        return {
            k: row[k] for k in ("id", "name", "language", "body", "created_at", "last_modified_at", "status")
        }

    def templates(self, channel: str, filters) -> dict:
        """A page of a channel's templates; an account that is not one of the channel's is refused as `send` does."""
        self.channel_account(channel, filters.account_id)
        where, args = filters.where()
        rows = self.store.all(
            "SELECT * FROM templates WHERE channel = ? AND account_id = ?"
            + where
            + " ORDER BY id LIMIT ? OFFSET ?",
            channel,
            filters.account_id,
            *args,
            filters.limit + 1,
            filters.page * filters.limit,
        )
        body = {"data": [self.template_view(r) for r in rows[: filters.limit]]}
        if len(rows) > filters.limit:
            body["next_page"] = filters.page + 1
        return body

    def channel_account(self, channel: str, account_id: int) -> dict:
        account = self.store.one(
            "SELECT * FROM social_accounts WHERE id = ? AND type = ?", account_id, channel
        )
        if account is None:
            raise BadRequest("invalid-account-id", f"no {channel} account {account_id}")
        return account

    # Sends.
    def send_template(self, channel: str, body: dict) -> dict:
        for key in ("to_user_phone_number", "account_id", "template_id"):
            if key not in body:
                raise BadRequest("invalid-request-body", f"{key} is required")
        phone = phone_number(body["to_user_phone_number"], "to_user_phone_number")
        account_id, template_id = body["account_id"], body["template_id"]
        for name, value in (("account_id", account_id), ("template_id", template_id)):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
                raise BadRequest("invalid-request-body", f"{name} must be an integer")
        variables = body.get("variables", {})
        interrupt = body.get("interrupt_ongoing_conversation", False)
        if not isinstance(variables, dict) or not isinstance(interrupt, bool):
            raise BadRequest(
                "invalid-request-body", "variables is an object, interrupt_ongoing_conversation a boolean"
            )
        account = self.channel_account(channel, account_id)
        template = self.store.one(
            "SELECT * FROM templates WHERE id = ? AND channel = ? AND account_id = ?",
            template_id,
            channel,
            account_id,
        )
        if template is None or template["status"] != "approved":
            raise BadRequest(
                "template-not-found", f"no approved template {template_id} on account {account_id}"
            )
        if template["category"] == "friendtalk":
            hour = datetime.fromtimestamp(self.env.clock.timestamp(), KOREA).hour
            if not FRIENDTALK_HOURS[0] <= hour < FRIENDTALK_HOURS[1]:
                raise BadRequest(
                    "outside-sending-hours", "Friends Talk sends only between 09:00 and 20:00 KST"
                )
        user = self.env.directory.find_user(account_id, phone)
        ongoing = self.env.inbox.current_conversation(account, user["id"]) if user else None
        if ongoing is not None:
            if not interrupt:
                raise OngoingConversation(f"user {phone} has an ongoing conversation {ongoing['id']}")
            # With the interrupt flag the ongoing conversation ends; the reply opens a new one (assumptions).
            self.store.run(
                "UPDATE conversations SET status = 'closed', closed_at = ? WHERE id = ?",
                self.env.clock.timestamp(),
                ongoing["id"],
            )
        content = render(template["body"], variables)
        message_id = str(uuid.UUID(int=self.env.ids.next("template-send")))
        self.store.run(
            "INSERT INTO template_sends (id, seq, channel, account_id, template_id, to_user, sender, sent_at, status,"
            " content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'delivered', ?)",
            message_id,
            self.env.ids.peek("template-send"),
            channel,
            account_id,
            template_id,
            phone,
            self.env.directory.bot()["id"],
            self.iso_now(),
            content,
        )
        return {"status": "ok", "message_id": message_id}

    def sent_messages(self, channel: str, account_id: int, limit: int, page: int) -> tuple[list[dict], bool]:
        rows = self.store.all(
            "SELECT * FROM template_sends WHERE channel = ? AND account_id = ? ORDER BY seq LIMIT ? OFFSET ?",
            channel,
            account_id,
            limit + 1,
            page * limit,
        )
        data = [
            {
                "id": r["id"],
                "to": r["to_user"],
                "account": r["account_id"],
                "sender": r["sender"],
                "sent_at": r["sent_at"],
                "status": r["status"],
                "content": r["content"],
            }
            for r in rows[:limit]
        ]
        return data, len(rows) > limit

    # Opt-ins (AR 3.12): the consent registry.
    def create_optin(self, body, email: str) -> dict:
        if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not body["name"].strip():
            raise BadRequest("invalid-request-body", "name and type are required")
        if body.get("type") not in OPTIN_TYPES:
            raise BadRequest("invalid-request-body", f"type is one of {', '.join(OPTIN_TYPES)}")
        if self.store.one("SELECT id FROM optins WHERE name = ?", body["name"]):
            raise BadRequest("optin-name-already-exists", "An optin with this name already exists")
        optin_id = self.store.run(
            "INSERT INTO optins (name, type, creator_admin_user_email, updater_admin_user_email, update_time)"
            " VALUES (?, ?, ?, ?, ?)",
            body["name"],
            body["type"],
            email,
            email,
            self.iso_now(),
        )
        return self.optin(optin_id)

    def optin(self, optin_id: int) -> dict:
        row = self.store.one("SELECT * FROM optins WHERE id = ?", optin_id)
        if row is None:
            raise NotFound("optin-not-found", "Optin not found")
        return row

    def optins(self) -> list[dict]:
        return self.store.all("SELECT * FROM optins ORDER BY id")

    def delete_optin(self, optin_id: int) -> None:
        self.optin(optin_id)
        with self.store.transaction():
            for table in ("user_optins", "user_optouts"):
                self.store.run(f"DELETE FROM {table} WHERE optin_id = ?", optin_id)  # table names are ours
            self.store.run("DELETE FROM optins WHERE id = ?", optin_id)

    def _numbers(self, body) -> tuple[int, list[str]]:
        if not isinstance(body, dict) or "account_id" not in body or "user_phone_numbers" not in body:
            raise BadRequest("invalid-request-body", "account_id and user_phone_numbers are required")
        account_id, numbers = body["account_id"], body["user_phone_numbers"]
        if isinstance(account_id, bool) or not isinstance(account_id, int) or not 0 <= account_id < 2**63:
            raise BadRequest("invalid-request-body", "account_id must be an integer")
        if not isinstance(numbers, list):
            raise BadRequest("invalid-request-body", "user_phone_numbers is a list")
        if not numbers:
            raise BadRequest("empty-phone-number-list", "user_phone_numbers is empty")
        if not all(isinstance(n, str) for n in numbers):
            raise BadRequest("invalid-phone-number", "phone numbers are strings")
        return account_id, [phone_number(n) for n in numbers]

    def add_user_optins(self, optin_id: int, body) -> dict:
        self.optin(optin_id)
        account_id, numbers = self._numbers(body)
        created = existed = 0
        with self.store.transaction():
            for number in dict.fromkeys(numbers):
                if self.store.one(
                    "SELECT id FROM user_optins WHERE optin_id = ? AND account_id = ? AND user_phone_number = ?",
                    optin_id,
                    account_id,
                    number,
                ):
                    existed += 1
                    continue
                self.store.run(
                    "INSERT INTO user_optins (optin_id, account_id, user_phone_number, last_optin_time) VALUES (?, ?, ?, ?)",
                    optin_id,
                    account_id,
                    number,
                    self.iso_now(),
                )
                created += 1
        return {
            "created": created,
            "already_existed": existed + len(numbers) - len(set(numbers)),
            "total_requested": len(numbers),
        }

    def optout(self, optin_id: int, body) -> dict:
        self.optin(optin_id)
        account_id, numbers = self._numbers(body)
        deleted = 0
        with self.store.transaction():
            for number in numbers:
                row = self.store.one(
                    "SELECT * FROM user_optins WHERE optin_id = ? AND account_id = ? AND user_phone_number = ?",
                    optin_id,
                    account_id,
                    number,
                )
                if row is None:
                    continue
                self.store.run("DELETE FROM user_optins WHERE id = ?", row["id"])
                self.store.run(
                    "INSERT INTO user_optouts (optin_id, account_id, user_phone_number, output_at, last_optin_time)"
                    " VALUES (?, ?, ?, ?, ?)",
                    optin_id,
                    account_id,
                    number,
                    self.iso_now(),
                    row["last_optin_time"],
                )
                deleted += 1
        return {"deleted": deleted, "not_found": len(numbers) - deleted, "total_requested": len(numbers)}

    def page(self, table: str, optin_id: int, limit: int, page: int) -> dict:
        self.optin(optin_id)
        total = self.store.value(
            f"SELECT COUNT(*) FROM {table} WHERE optin_id = ?", optin_id
        )  # table is ours
        rows = self.store.all(
            f"SELECT * FROM {table} WHERE optin_id = ? ORDER BY id LIMIT ? OFFSET ?",
            optin_id,
            limit,
            page * limit,
        )
        body = {"data": rows, "total": total, "limit": limit, "page": page}
        if (page + 1) * limit < total:
            kind = "user-optins" if table == "user_optins" else "user-optouts"
            body["next"] = f"/v1/optins/{optin_id}/{kind}?limit={limit}&page={page + 1}"
        return body

    def one(self, table: str, optin_id: int, row_id: int) -> dict:
        self.optin(optin_id)
        row = self.store.one(
            f"SELECT * FROM {table} WHERE optin_id = ? AND id = ?", optin_id, row_id
        )  # table is ours
        if row is None:
            raise NotFound(
                "user-optin-not-found" if table == "user_optins" else "user-optout-not-found", "not found"
            )
        return row

    def has_consent(self, account_id: int, phone: str) -> bool:
        return bool(
            self.store.one(
                "SELECT id FROM user_optins WHERE account_id = ? AND user_phone_number = ?", account_id, phone
            )
        )


def render(body: str, variables: dict) -> str:
    """Fill `{{name}}` placeholders; WhatsApp variables nest under body/buttons (AR 3.11)."""
    flat = {}
    for key, value in variables.items():
        if isinstance(value, dict):
            flat.update({str(k): str(v) for k, v in value.items()})
        else:
            flat[str(key)] = str(value)
    for key, value in flat.items():
        body = body.replace("{{" + key + "}}", value)
    return body
