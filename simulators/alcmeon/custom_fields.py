"""Custom field values on user profiles and conversations, checked against each field's type (AR 3.6)."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime

from alcsim.simulators.alcmeon.errors import BadRequest, Forbidden, NotFound
from alcsim.simulators.alcmeon.store import Store, dumps, loads

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The user field a CRM match is stored in (SMR); seeded as field 1 (docs/assumptions.md).
CONTACT_FIELD_LABEL = "Salesforce Contact Id"
# custom-field.yaml bounds no value; 10,000 characters is ours (docs/assumptions.md).
MAX_VALUE_LENGTH = 10000


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _valid(kind: str, value, allowed: list[dict]) -> bool:
    # A null value clears the field.
    if value is None:
        return True
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("string", "url"):
        return isinstance(value, str)
    if kind == "email":
        return isinstance(value, str) and bool(EMAIL.match(value))
    if kind == "datetime":
        return isinstance(value, str) and _parses(datetime.fromisoformat, value)
    if kind == "date":
        return isinstance(value, str) and _parses(date.fromisoformat, value)
    if kind == "phone":
        return isinstance(value, dict) and all(
            isinstance(value.get(k), str) for k in ("country_prefix", "number")
        )
    allowed_ids = {str(a.get("id")) for a in allowed} | {str(a.get("uuid")) for a in allowed}
    if kind == "enum":
        return _is_uuid(value) and (not allowed or value in allowed_ids)
    if kind == "multipicklist":
        return isinstance(value, list) and all(
            _is_uuid(v) and (not allowed or v in allowed_ids) for v in value
        )
    return False


def _parses(parser, value: str) -> bool:
    try:
        parser(value)
    except ValueError:
        return False
    return True


class CustomFieldValues:
    def __init__(self, store: Store):
        self.store = store

    def check(self, values, scope: str) -> list[dict]:
        if not isinstance(values, list):
            raise BadRequest("invalid-request-body", "the fields are a JSON array of {field_id, field_value}")
        checked = []
        for item in values:
            if (
                not isinstance(item, dict)
                or set(item) - {"field_id", "field_value"}
                or "field_id" not in item
            ):
                raise BadRequest("invalid-request-body", "each field is an object {field_id, field_value}")
            field_id = item["field_id"]
            if isinstance(field_id, bool) or not isinstance(field_id, int) or not 0 < field_id < 2**63:
                raise BadRequest("invalid-request-body", "field_id must be a positive integer")
            meta = self.store.one("SELECT * FROM custom_fields WHERE id = ? AND scope = ?", field_id, scope)
            if meta is None:
                raise BadRequest("invalid-field-id", f"no {scope} custom field {field_id}")
            if not meta["editable"]:
                raise Forbidden("field-not-editable", f"custom field {field_id} is not editable")
            value = item.get("field_value")
            if isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
                raise BadRequest(
                    "invalid-field-value", f"field {field_id} is longer than {MAX_VALUE_LENGTH} characters"
                )
            if not _valid(meta["type"], value, loads(meta["allowed"], [])):
                raise BadRequest(
                    "invalid-field-value", f"field {field_id} expects a value of type {meta['type']}"
                )
            checked.append({"field_id": field_id, "field_value": value})
        return checked

    @staticmethod
    def merge(current: list[dict], updates: list[dict]) -> list[dict]:
        by_id = {v["field_id"]: v for v in current}
        for update in updates:
            if update["field_value"] is None:
                by_id.pop(update["field_id"], None)
            else:
                by_id[update["field_id"]] = update
        return [by_id[k] for k in sorted(by_id)]

    def profile(self, group_id: int) -> list[dict]:
        row = self.store.one("SELECT custom_fields FROM profiles WHERE id = ?", group_id)
        if row is None:
            raise NotFound("user-not-found", f"no user profile {group_id}")
        return loads(row["custom_fields"], [])

    def set_profile(self, group_id: int, values) -> None:
        updates = self.check(values, "user")
        with self.store.transaction():
            merged = self.merge(self.profile(group_id), updates)
            self.store.run("UPDATE profiles SET custom_fields = ? WHERE id = ?", dumps(merged), group_id)
            # A match written through the public custom-field routes is the same as one made in the inbox.
            field = self.store.one(
                "SELECT id FROM custom_fields WHERE label = ? AND scope = 'user'", CONTACT_FIELD_LABEL
            )
            if field is not None:
                contact = next((v["field_value"] for v in merged if v["field_id"] == field["id"]), None)
                self.store.run(
                    "UPDATE social_users SET crm_contact_id = ? WHERE group_id = ?", contact, group_id
                )

    def conversation(self, conversation_id: int) -> list[dict]:
        row = self.store.one("SELECT custom_fields FROM conversations WHERE id = ?", conversation_id)
        if row is None:
            raise NotFound("conversation-not-found", f"no conversation {conversation_id}")
        return loads(row["custom_fields"], [])

    def set_conversation(self, conversation_id: int, values) -> None:
        updates = self.check(values, "conversation")
        with self.store.transaction():
            current = self.conversation(conversation_id)
            self.store.run(
                "UPDATE conversations SET custom_fields = ? WHERE id = ?",
                dumps(self.merge(current, updates)),
                conversation_id,
            )
