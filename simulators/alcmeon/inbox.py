"""Conversations, messages and tasks: what customers write and what agents do with it (AR 2.1, 2.2)."""

from __future__ import annotations

from collections.abc import Callable

from alcsim.simulators.alcmeon.actions import TEAM_TAG_ID, ActionLog, admin_user, team_tag
from alcsim.simulators.alcmeon.config import EnvironmentConfig
from alcsim.simulators.alcmeon.directory import Directory
from alcsim.simulators.alcmeon.errors import BadRequest, Conflict, Forbidden, NotFound
from alcsim.simulators.alcmeon.store import Store, dumps, loads

# AR 2.4 / rule 25: WhatsApp free-form replies only within 24 h of the customer's last message.
WHATSAPP_REPLY_WINDOW = 24 * 3600


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def scoped_id(instance_id: str, account_id: int, user_id: int, conversation_id: int) -> str:
    """AR 1.3: four colon-separated parts, at most 30 characters (layout in docs/assumptions.md)."""
    instance = _base36(int(instance_id)) if instance_id.isdigit() else instance_id[:6]
    value = ":".join((instance[:6], _base36(account_id), _base36(user_id), _base36(conversation_id)))
    if len(value) > 30:
        raise ValueError(f"scoped id {value!r} is longer than 30 characters")
    return value


class Inbox:
    def __init__(
        self,
        store: Store,
        directory: Directory,
        actions: ActionLog,
        config: EnvironmentConfig,
        now: Callable[[], float],
        later: Callable[[Callable[[], None]], None],
    ):
        self.store = store
        self.directory = directory
        self.actions = actions
        self.config = config
        self.now = now
        self.later = later  # runs a job on the environment's worker: the channel answers asynchronously

    # Conversation identity (AR 2.1, rules 29-30).
    def current_conversation(self, account: dict, social_user_id: int) -> dict | None:
        """The user's conversation on this account that is still going: not closed, window not passed."""
        latest = self.store.one(
            "SELECT * FROM conversations WHERE account_id = ? AND social_user_id = ? ORDER BY id DESC LIMIT 1",
            account["id"],
            social_user_id,
        )
        if latest is None or self.status(latest, account["type"]) != "open":
            return None
        return latest

    def status(self, conversation: dict, channel: str) -> str:
        if conversation["status"] == "closed":
            return "closed"
        window = self.config.silence_window_for(channel) * 3600
        if self.now() - conversation["last_customer_message_at"] > window:
            return "expired"
        return "open"

    def customer_writes(
        self,
        account_id: int,
        user_id: str,
        content: str,
        *,
        name=None,
        attachments=(),
        channel_data=None,
        external_id=None,
        is_private: bool = True,
    ) -> dict:
        """A direct message by default; `is_private=False` is a public post or comment."""
        account = self.directory.social_account(account_id)
        if not account["enabled"]:
            raise BadRequest("account-disabled", f"social media account {account_id} is disabled")
        now = self.now()
        with self.store.transaction():
            user = self.directory.ensure_user(account, user_id, name, channel_data)
            conversation = self.current_conversation(account, user["id"])
            created = conversation is None
            if created:
                conversation_id = self.store.run(
                    "INSERT INTO conversations (account_id, social_user_id, status, team_id, opened_at,"
                    " last_customer_message_at) VALUES (?, ?, 'open', ?, ?, ?)",
                    account["id"],
                    user["id"],
                    account["default_team_id"],
                    now,
                    now,
                )
                sid = scoped_id(self.config.instance_id, account["id"], user["id"], conversation_id)
                self.store.run("UPDATE conversations SET scoped_id = ? WHERE id = ?", sid, conversation_id)
                conversation = self.conversation_row(conversation_id)
                # A reply to a template send opens the conversation that send started (engagement -> conversation).
                self.store.run(
                    "UPDATE template_sends SET conversation_id = ? WHERE account_id = ? AND to_user = ?"
                    " AND conversation_id IS NULL",
                    conversation_id,
                    account["id"],
                    user["user_id"],
                )
            else:
                self.store.run(
                    "UPDATE conversations SET last_customer_message_at = ? WHERE id = ?",
                    now,
                    conversation["id"],
                )
            message_id = self.store.run(
                "INSERT INTO messages (conversation_id, external_id, content, is_private, authored_at, attachments,"
                " social_user_id, direction) VALUES (?, ?, ?, ?, ?, ?, ?, 'in')",
                conversation["id"],
                "",
                content,
                int(is_private),
                now,
                dumps(list(attachments)),
                user["id"],
            )
            self.store.run(
                "UPDATE messages SET external_id = ? WHERE id = ?",
                external_id or f"{account['type']}-{message_id}",
                message_id,
            )
            team_id = conversation["team_id"]
            tags = [team_tag(self.directory.team(team_id))] if team_id else []
            task_id = self.store.run(
                "INSERT INTO tasks (conversation_id, message_id, state, team_id, tags) VALUES (?, ?, 'pending', ?, ?)",
                conversation["id"],
                message_id,
                team_id,
                dumps(tags),
            )
            action_id = self.actions.record("task-create", task_id, self.directory.bot())
        return {
            "conversation_id": conversation["id"],
            "scoped_id": conversation["scoped_id"],
            "new_conversation": created,
            "social_user_id": user["id"],
            "user_id": user["user_id"],
            "group_id": user["group_id"],
            "message_id": message_id,
            "task_id": task_id,
            "action_id": action_id,
        }

    # Reads.
    def conversation_row(self, conversation_id: int) -> dict:
        row = self.store.one("SELECT * FROM conversations WHERE id = ?", conversation_id)
        if row is None:
            raise NotFound("conversation-not-found", f"no conversation {conversation_id}")
        return row

    def task(self, task_id: int) -> dict:
        task = self.store.one("SELECT * FROM tasks WHERE id = ?", task_id)
        if task is None:
            raise NotFound("task-not-found", f"no task {task_id}")
        return task

    def latest_task(self, conversation_id: int) -> dict:
        self.conversation_row(conversation_id)
        return self.store.one(
            "SELECT * FROM tasks WHERE conversation_id = ? ORDER BY id DESC LIMIT 1", conversation_id
        )

    def agent_inbox(self, agent_id: int) -> list[dict]:
        """Rule 31: an agent sees the messages routed to one of their teams that are still to process."""
        teams = loads(self.directory.agent(agent_id)["teams"], [])
        marks = ",".join("?" * len(teams)) or "NULL"  # only placeholders are formatted into the SQL
        return self.store.all(
            "SELECT id, conversation_id, message_id, state, team_id, assignee_id FROM tasks"
            f" WHERE team_id IN ({marks}) AND state NOT IN ('archived', 'archived-auto') ORDER BY id",
            *teams,
        )

    def channel_of(self, conversation: dict) -> dict:
        return self.directory.social_account(conversation["account_id"])

    # Agent acts (AR 2.2, rules 31-33).
    def acquire(self, task_id: int, agent_id: int) -> int:
        task, agent = self.task(task_id), self.directory.active_agent(agent_id)
        holder = task["assignee_id"]
        with self.store.transaction():
            self.store.run("UPDATE tasks SET assignee_id = ? WHERE id = ?", agent_id, task_id)
            if holder and holder != agent_id:
                # Only one agent holds a message; taking it from another is a steal (rule 33).
                previous = admin_user(self.directory.agent(holder))
                return self.actions.record("steal", task_id, agent, {"from": previous})
            return self.actions.record("acquire", task_id, agent)

    def release(self, task_id: int, agent_id: int) -> int:
        self.task(task_id)
        agent = self.directory.active_agent(agent_id)
        with self.store.transaction():
            self.store.run("UPDATE tasks SET assignee_id = NULL WHERE id = ?", task_id)
            return self.actions.record("release", task_id, agent)

    def assign_to(self, task_id: int, agent_id: int, to_agent_id: int) -> int:
        self.task(task_id)
        agent, target = self.directory.active_agent(agent_id), self.directory.active_agent(to_agent_id)
        with self.store.transaction():
            self.store.run("UPDATE tasks SET assignee_id = ? WHERE id = ?", to_agent_id, task_id)
            return self.actions.record("assign-to", task_id, agent, {"to": admin_user(target)})

    def route_to_team(self, task_id: int, team_id: int, agent_id: int | None = None) -> int:
        """Move the message to a team's inbox and unassign it (rule 31); reported as a `tag` action."""
        task, team = self.task(task_id), self.directory.team(team_id)
        agent = self.directory.active_agent(agent_id) if agent_id else self.directory.bot()
        tags = loads(task["tags"], [])
        previous = next((t for t in tags if t.get("id") == TEAM_TAG_ID), None)
        tags = [t for t in tags if t.get("id") != TEAM_TAG_ID] + [team_tag(team)]
        with self.store.transaction():
            self.store.run(
                "UPDATE tasks SET team_id = ?, assignee_id = NULL, state = 'pending', tags = ? WHERE id = ?",
                team_id,
                dumps(tags),
                task_id,
            )
            self.store.run(
                "UPDATE conversations SET team_id = ? WHERE id = ?", team_id, task["conversation_id"]
            )
            data = {"next": team_tag(team)}
            if previous:
                data["previous"] = previous
            return self.actions.record("tag", task_id, agent, data)

    def reply(self, task_id: int, agent_id: int, content: str, pictures=()) -> int:
        """Record the answer now; the channel sends it on the worker, which yields `execute-answer`."""
        task, agent = self.task(task_id), self.directory.active_agent(agent_id)
        if agent["permission"] == "read":
            # An embed granted `read` lets its agent look, not answer (AR 3.9).
            raise Forbidden("insufficient-permissions", f"agent {agent_id} may only read")
        conversation = self.conversation_row(task["conversation_id"])
        account = self.channel_of(conversation)
        now = self.now()
        with self.store.transaction():
            self.store.run(
                "INSERT INTO messages (conversation_id, external_id, content, is_private, authored_at, attachments,"
                " agent_id, direction) VALUES (?, ?, ?, 1, ?, '[]', ?, 'out')",
                conversation["id"],
                f"{account['type']}-answer-{task_id}-{now}",
                content,
                now,
                agent_id,
            )
            if task["assignee_id"] is None:
                self.store.run("UPDATE tasks SET assignee_id = ? WHERE id = ?", agent_id, task_id)
            data = {"is_private": True, "answers": [{"content": content, "pictures": list(pictures)}]}
            answer_id = self.actions.record("answer", task_id, agent, data)
        within_window = account["type"] != "whatsapp" or now - conversation["last_customer_message_at"] <= (
            WHATSAPP_REPLY_WINDOW
        )

        def send_on_channel() -> None:
            status = "ok" if within_window else "fail"
            data = {"answer_action_id": answer_id, "answer_status": status}
            self.actions.record("execute-answer", task_id, agent, data, status=status)

        self.later(send_on_channel)
        return answer_id

    def archive(self, task_id: int, agent_id: int | None) -> int:
        self.task(task_id)
        agent = self.directory.active_agent(agent_id) if agent_id else self.directory.bot()
        return self.actions.record("archive" if agent_id else "auto-archive", task_id, agent)

    def note(self, task_id: int, agent_id: int, kind: str, comment: str | None = None) -> int:
        """The inbox acts that only leave a trace: comment, help request and answer, on hold, first seen."""
        self.task(task_id)
        agent = self.directory.active_agent(agent_id)
        data = {"comment": comment or ""} if kind in ("comment", "help-request", "help-answer") else None
        return self.actions.record(kind, task_id, agent, data)

    def close(self, conversation_id: int, agent_id: int, reply: str | None = None) -> dict:
        """Manual close (AR 2.1): optional last reply, every open task archived, next message opens anew."""
        conversation = self.conversation_row(conversation_id)
        agent = self.directory.active_agent(agent_id)
        if conversation["status"] == "closed":
            raise Conflict("conversation-closed", f"conversation {conversation_id} is already closed")
        tasks = self.store.all("SELECT * FROM tasks WHERE conversation_id = ? ORDER BY id", conversation_id)
        action_ids = []
        if reply:
            action_ids.append(self.reply(tasks[-1]["id"], agent_id, reply))
        with self.store.transaction():
            self.store.run(
                "UPDATE conversations SET status = 'closed', closed_at = ? WHERE id = ?",
                self.now(),
                conversation_id,
            )
            for task in tasks:
                if task["state"] not in ("archived", "archived-auto"):
                    action_ids.append(self.actions.record("archive", task["id"], agent))
        return {"conversation_id": conversation_id, "status": "closed", "action_ids": action_ids}

    def view(self, conversation: dict) -> dict:
        account = self.channel_of(conversation)
        user = self.directory.social_user(conversation["social_user_id"])
        tasks = self.store.all(
            "SELECT id, message_id, state, team_id, assignee_id FROM tasks WHERE conversation_id = ? ORDER BY id",
            conversation["id"],
        )
        return {
            "id": conversation["id"],
            "scoped_id": conversation["scoped_id"],
            "status": self.status(conversation, account["type"]),
            "account": {"id": account["id"], "name": account["name"], "type": account["type"]},
            "social_user": {
                "id": user["id"],
                "user_id": user["user_id"],
                "name": user["name"],
                "group_id": user["group_id"],
                "channel_data": loads(user["channel_data"], {}),
                "crm_contact_id": user["crm_contact_id"],
            },
            "team_id": conversation["team_id"],
            "opened_at": conversation["opened_at"],
            "last_customer_message_at": conversation["last_customer_message_at"],
            "closed_at": conversation["closed_at"],
            "custom_fields": loads(conversation["custom_fields"], []),
            "tasks": tasks,
        }
