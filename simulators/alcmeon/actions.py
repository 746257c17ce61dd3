"""Actions: the event log every notification and `GET /actions` serve, in the synchronize.yaml shapes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from alcsim.simulators.alcmeon.store import Store, dumps, loads

# AR 3.3 / OAS synchronize.yaml: `Task.state` mirrors the last action of these types.
STATE_AFTER = {
    "acquire": "assigned",
    "assign-to": "assigned",
    "steal": "assigned",
    "answer": "answered",
    "archive": "archived",
    "auto-archive": "archived-auto",
    "help-request": "help-requested",
    "help-answer": "help-answered",
    "on-hold": "on-hold",
    "release": "pending",
}

# The reserved tag that carries the team a task is routed to (docs/assumptions.md: no action type
# reports routing, so a `tag` action on this tag does).
TEAM_TAG_ID = 1
TEAM_TAG_NAME = "Team"


def moment(epoch: float) -> tuple[str, str]:
    """`date` and `time` in UTC; `format: time` is RFC 3339 full-time, which carries its offset (Z)."""
    when = datetime.fromtimestamp(epoch, UTC)
    return when.strftime("%Y-%m-%d"), when.strftime("%H:%M:%SZ")


def team_tag(team: dict) -> dict:
    return {
        "id": TEAM_TAG_ID,
        "name": {"value": TEAM_TAG_NAME},
        "value": {"id": team["id"], "value": {"value": team["name"]}},
    }


def admin_user(agent: dict) -> dict:
    return {
        "id": agent["id"],
        "email": agent["email"],
        "name": agent["name"],
        "is_bot": bool(agent["is_bot"]),
    }


class ActionLog:
    """Writes Actions with a snapshot of the task as it is now, so a later read shows what happened then."""

    def __init__(self, store: Store, now: Callable[[], float], task_url: Callable[[int], str]):
        self.store = store
        self.now = now
        self.task_url = task_url
        self.listeners: list[Callable[[int, str], None]] = []

    def author(self, social_user_id: int, channel: str) -> dict:
        user = self.store.one("SELECT * FROM social_users WHERE id = ?", social_user_id)
        profile = self.store.one("SELECT * FROM profiles WHERE id = ?", user["group_id"])
        author = {
            "id": user["id"],
            # OAS Author.name: empty on Twitter.
            "name": "" if channel == "twitter" else user["name"],
            "group": {"id": user["group_id"], "custom_fields": loads(profile["custom_fields"], [])},
        }
        data = loads(user["channel_data"], {})
        if channel == "facebook":
            first, _, last = (user["name"] or "").partition(" ")
            author["facebook_author"] = {"first_name": first, "last_name": last, "name": user["name"]}
        elif channel == "instagram":
            author["instagram_author"] = {"username": data.get("username", ""), "full_name": user["name"]}
        elif channel == "inmessage":
            author["inmessage_author"] = {
                "customer_id": data.get("customer_id", user["user_id"]),
                "sms_notification_phone_number": data.get("sms_notification_phone_number", ""),
                "attributes": data.get("attributes", []),
            }
        return author

    def message(self, message: dict, channel: str) -> dict:
        day, time = moment(message["authored_at"])
        return {
            "id": message["id"],
            "is_private": bool(message["is_private"]),
            # OAS Message.content: "On Twitter, this field is empty."
            "content": "" if channel == "twitter" else message["content"],
            "external_id": message["external_id"],
            "date": day,
            "time": time,
            "attachments": loads(message["attachments"], []),
            "author": self.author(message["social_user_id"], channel),
        }

    def task(self, task: dict, channel: str) -> dict:
        conversation = self.store.one("SELECT * FROM conversations WHERE id = ?", task["conversation_id"])
        message = self.store.one("SELECT * FROM messages WHERE id = ?", task["message_id"])
        return {
            "id": task["id"],
            "tags": loads(task["tags"], []),
            "url": self.task_url(task["id"]),
            "conversation_id": conversation["id"],
            "conversation": {
                "id": conversation["id"],
                "custom_fields": loads(conversation["custom_fields"], []),
            },
            "state": task["state"],
            "message": self.message(message, channel),
        }

    def record(
        self, kind: str, task_id: int, agent: dict, data: dict | None = None, status: str = "ok"
    ) -> int:
        """Append one Action; its id is unique and increasing (AUTOINCREMENT never reuses a value)."""
        with self.store.transaction():
            if kind in STATE_AFTER:
                self.store.run("UPDATE tasks SET state = ? WHERE id = ?", STATE_AFTER[kind], task_id)
            task = self.store.one("SELECT * FROM tasks WHERE id = ?", task_id)
            conversation = self.store.one("SELECT * FROM conversations WHERE id = ?", task["conversation_id"])
            account = self.store.one("SELECT * FROM social_accounts WHERE id = ?", conversation["account_id"])
            created = self.now()
            day, time = moment(created)
            body = {
                "type": kind,
                "date": day,
                "time": time,
                "status": status,
                "user": admin_user(agent),
                "task": self.task(task, account["type"]),
                "account": {"id": account["id"], "name": account["name"], "type": account["type"]},
            }
            if data is not None:
                body["data"] = data
            action_id = self.store.run(
                "INSERT INTO actions (conversation_id, type, created_at, body) VALUES (?, ?, ?, ?)",
                conversation["id"],
                kind,
                created,
                dumps(body),
            )
        for listener in self.listeners:
            listener(action_id, kind)
        return action_id

    def get(self, action_id: int) -> dict | None:
        row = self.store.one("SELECT * FROM actions WHERE id = ?", action_id)
        return self._shape(row) if row else None

    def after(self, min_action_id: int, max_action_id: int | None = None, limit: int = 10) -> list[dict]:
        """AR 3.3: `min_action_id < id <= max_action_id`, at most 10."""
        upper = max_action_id if max_action_id is not None else 2**63 - 1
        rows = self.store.all(
            "SELECT * FROM actions WHERE id > ? AND id <= ? ORDER BY id LIMIT ?", min_action_id, upper, limit
        )
        return [self._shape(r) for r in rows]

    def for_conversation(self, conversation_id: int) -> list[dict]:
        rows = self.store.all("SELECT * FROM actions WHERE conversation_id = ? ORDER BY id", conversation_id)
        return [self._shape(r) for r in rows]

    def last_id(self) -> int:
        return self.store.value("SELECT COALESCE(MAX(id), 0) FROM actions")

    @staticmethod
    def _shape(row: dict) -> dict:
        return {"id": row["id"], **loads(row["body"])}
