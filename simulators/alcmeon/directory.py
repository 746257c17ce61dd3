"""Who and what an environment has: teams, roles, agent accounts, social accounts and users, custom fields."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from alcsim.simulators.alcmeon.errors import BadRequest, Forbidden, NotFound, ReasonError
from alcsim.simulators.alcmeon.store import Store, dumps, loads
from alcsim.simulators.alcmeon.validation import phone_number

# AR 2.3: channels whose social user id is a phone number without '+'.
PHONE_CHANNELS = ("whatsapp", "kakaotalk", "rcs")
# Social user ids are not bounded by the documents; 200 characters is ours (docs/assumptions.md).
MAX_USER_ID_LENGTH = 200
# OAS core-api.yaml Account.type.
CHANNELS = (
    "twitter",
    "facebook",
    "instagram",
    "wechat",
    "gmb",
    "whatsapp",
    "bzc",
    "trustpilot",
    "inmessage",
    "line",
    "kakaotalk",
    "linkedin",
    "tiktok",
    # Not in core-api.yaml's enum, but initiate-conversation-api.yaml sends from "the RCS account".
    "rcs",
)
FIELD_TYPES = (
    "integer",
    "float",
    "boolean",
    "enum",
    "multipicklist",
    "string",
    "url",
    "phone",
    "email",
    "datetime",
    "date",
)
BOT_EMAIL = "bot@alcmeon.invalid"


class Directory:
    def __init__(self, store: Store, now: Callable[[], float]):
        self.store = store
        self.now = now

    def iso_now(self) -> str:
        return datetime.fromtimestamp(self.now(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    # Teams and roles are made in the UI only (AR 3.5); seeding stands in for it.
    def add_team(self, name: str) -> dict:
        team_id = self.store.run("INSERT INTO teams (name) VALUES (?)", name)
        return {"id": team_id, "name": name}

    def add_role(self, name: str) -> dict:
        role_id = self.store.run("INSERT INTO roles (name) VALUES (?)", name)
        return {"id": role_id, "name": name}

    def teams(self) -> list[dict]:
        return self.store.all("SELECT id, name FROM teams ORDER BY id")

    def roles(self) -> list[dict]:
        return self.store.all("SELECT id, name FROM roles ORDER BY id")

    def team(self, team_id: int) -> dict:
        team = self.store.one("SELECT id, name FROM teams WHERE id = ?", team_id)
        if team is None:
            raise NotFound("team-not-found", f"no team {team_id}")
        return team

    # Agent accounts (AR 3.5).
    def create_account(self, email: str, name: str | None, is_bot: bool = False) -> dict:
        if self.store.one("SELECT id FROM agents WHERE email = ?", email):
            raise ReasonError(400, "email-already-exists", email)
        agent_id = self.store.run(
            "INSERT INTO agents (email, name, is_bot) VALUES (?, ?, ?)", email, name or email, int(is_bot)
        )
        return {"id": agent_id, "email": email, "name": name or email}

    def accounts(self, is_active: bool) -> list[dict]:
        return self.store.all(
            "SELECT id, email, name FROM agents WHERE is_active = ? AND is_bot = 0 ORDER BY id",
            int(is_active),
        )

    def update_account(self, account_id: int, roles=None, teams=None, is_active=None) -> None:
        if self.store.one("SELECT id FROM agents WHERE id = ? AND is_bot = 0", account_id) is None:
            raise ReasonError(400, "invalid-account-id", account_id)
        for kind, ids in (("roles", roles), ("teams", teams)):
            if ids is None:
                continue
            known = {row["id"] for row in self.store.all(f"SELECT id FROM {kind}")}
            bad = [i for i in ids if i not in known]
            if bad:
                raise ReasonError(400, f"invalid-{kind[:-1]}-id", bad)
        # AR 3.5: the lists are replaced, not merged; an empty list clears them.
        with self.store.transaction():
            if roles is not None:
                self.store.run(
                    "UPDATE agents SET roles = ? WHERE id = ?", dumps(sorted(set(roles))), account_id
                )
            if teams is not None:
                self.store.run(
                    "UPDATE agents SET teams = ? WHERE id = ?", dumps(sorted(set(teams))), account_id
                )
            if is_active is not None:
                self.store.run("UPDATE agents SET is_active = ? WHERE id = ?", int(is_active), account_id)

    def agent(self, agent_id: int) -> dict:
        agent = self.store.one("SELECT * FROM agents WHERE id = ?", agent_id)
        if agent is None:
            raise NotFound("agent-not-found", f"no agent account {agent_id}")
        return agent

    def active_agent(self, agent_id: int) -> dict:
        agent = self.agent(agent_id)
        if not agent["is_active"]:
            raise Forbidden("inactive-account", f"agent account {agent_id} is deactivated")
        return agent

    def bot(self) -> dict:
        bot = self.store.one("SELECT * FROM agents WHERE email = ?", BOT_EMAIL)
        if bot is None:
            self.create_account(BOT_EMAIL, "Alcméon bot", is_bot=True)
            bot = self.store.one("SELECT * FROM agents WHERE email = ?", BOT_EMAIL)
        return bot

    def agent_view(self, agent: dict) -> dict:
        return {
            "id": agent["id"],
            "email": agent["email"],
            "name": agent["name"],
            "is_active": bool(agent["is_active"]),
            "is_bot": bool(agent["is_bot"]),
            "roles": loads(agent["roles"], []),
            "teams": loads(agent["teams"], []),
            "permission": agent["permission"],
        }

    # Social accounts (AR 3.7).
    def add_social_account(self, name: str, type: str, enabled: bool = True, default_team_id=None) -> dict:
        if type not in CHANNELS:
            raise BadRequest("invalid-account-type", f"{type!r} is not a channel")
        group_id = self.store.run("INSERT INTO profiles (custom_fields) VALUES ('[]')")
        account_id = self.store.run(
            "INSERT INTO social_accounts (name, type, enabled, created_at, group_id, default_team_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            name,
            type,
            int(enabled),
            self.iso_now(),
            group_id,
            default_team_id,
        )
        return self.social_account(account_id)

    def social_account(self, account_id: int) -> dict:
        row = self.store.one("SELECT * FROM social_accounts WHERE id = ?", account_id)
        if row is None:
            raise NotFound("account-not-found", f"no social media account {account_id}")
        return row

    def social_accounts(self, limit: int, page: int) -> tuple[list[dict], bool]:
        rows = self.store.all(
            "SELECT * FROM social_accounts ORDER BY id LIMIT ? OFFSET ?", limit + 1, page * limit
        )
        shaped = [
            {
                k: (bool(r[k]) if k == "enabled" else r[k])
                for k in ("id", "name", "type", "enabled", "created_at", "group_id")
            }
            for r in rows[:limit]
        ]
        return shaped, len(rows) > limit

    # Social users: each has a profile (`group`) that carries its custom fields (OAS Author.group).
    def normalise_user_id(self, channel: str, user_id: str) -> str:
        if channel in PHONE_CHANNELS:
            return phone_number(user_id, "user_id")
        if not isinstance(user_id, str) or not user_id.strip():
            raise BadRequest("invalid-user-id", "user_id must be a non-empty string")
        if len(user_id) > MAX_USER_ID_LENGTH:
            raise BadRequest("invalid-user-id", f"user_id is longer than {MAX_USER_ID_LENGTH} characters")
        return user_id

    def find_user(self, account_id: int, user_id: str) -> dict | None:
        return self.store.one(
            "SELECT * FROM social_users WHERE account_id = ? AND user_id = ?", account_id, user_id
        )

    def ensure_user(self, account: dict, user_id: str, name: str | None = None, channel_data=None) -> dict:
        user_id = self.normalise_user_id(account["type"], user_id)
        with self.store.transaction():
            user = self.find_user(account["id"], user_id)
            if user is None:
                group_id = self.store.run("INSERT INTO profiles (custom_fields) VALUES ('[]')")
                self.store.run(
                    "INSERT INTO social_users (account_id, user_id, name, group_id, channel_data) VALUES (?, ?, ?, ?, ?)",
                    account["id"],
                    user_id,
                    name or user_id,
                    group_id,
                    dumps(channel_data or {}),
                )
            elif name or channel_data:
                merged = {**loads(user["channel_data"], {}), **(channel_data or {})}
                self.store.run(
                    "UPDATE social_users SET name = COALESCE(?, name), channel_data = ? WHERE id = ?",
                    name,
                    dumps(merged),
                    user["id"],
                )
            return self.find_user(account["id"], user_id)

    def social_user(self, social_user_id: int) -> dict:
        user = self.store.one("SELECT * FROM social_users WHERE id = ?", social_user_id)
        if user is None:
            raise NotFound("user-not-found", f"no social media user {social_user_id}")
        return user

    # Custom fields (AR 3.6).
    def add_custom_field(self, label: str, type: str = "string", scope: str = "user", **extra) -> dict:
        if type not in FIELD_TYPES:
            raise BadRequest("invalid-field-type", type)
        field_id = self.store.run(
            "INSERT INTO custom_fields (scope, label, description, type, teams, optional, allowed, editable,"
            " last_updater_admin_user_email, last_modified_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            scope,
            label,
            extra.get("description", ""),
            type,
            dumps(extra.get("teams", [])),
            int(extra.get("optional", True)),
            dumps(extra.get("allowed", [])),
            int(extra.get("editable", True)),
            extra.get("last_updater_admin_user_email", "admin@alcmeon.invalid"),
            self.iso_now(),
        )
        return self.field_metadata(field_id)

    def field_metadata(self, field_id: int) -> dict:
        row = self.store.one("SELECT * FROM custom_fields WHERE id = ?", field_id)
        if row is None:
            raise NotFound("custom-field-not-found", f"no custom field {field_id}")
        meta = {
            "id": row["id"],
            "label": row["label"],
            "description": row["description"],
            "type": row["type"],
            "teams": loads(row["teams"], []),
            "optional": bool(row["optional"]),
            "last_updater_admin_user_email": row["last_updater_admin_user_email"],
            "last_modified_on": row["last_modified_on"],
        }
        if row["type"] in ("enum", "multipicklist"):
            meta["allowed"] = loads(row["allowed"], [])
        return meta

    def fields_metadata(self, scope: str = "user") -> list[dict]:
        ids = [
            r["id"] for r in self.store.all("SELECT id FROM custom_fields WHERE scope = ? ORDER BY id", scope)
        ]
        return [self.field_metadata(i) for i in ids]
