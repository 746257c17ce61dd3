"""DML on one org: create, read, update, delete and upsert, validated from metadata (SC 1.3, 3.2, 3.3)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.ids import to18
from alcsim.simulators.salesforce.schema import Field, SObject
from alcsim.simulators.salesforce.store import quote
from alcsim.simulators.salesforce.values import (
    check,
    converter,
    format_datetime,
    parse_datetime,
    to_api,
    to_store,
)

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.org import Org

# One outcome per record of a batch: (record id or None, created, the error or None).
Outcome = tuple[str | None, bool, errors.SalesforceError | None]


class Records:
    def __init__(self, org: Org):
        self.org = org

    @property
    def store(self):
        return self.org.store

    # -- reading ---------------------------------------------------------------------------------------
    def row(self, sobject: SObject, record_id: str, include_deleted: bool = False) -> dict:
        full = to18(record_id)
        if full is None or full[:3] != sobject.key_prefix:
            raise errors.NotFound("The requested resource does not exist")
        found = self.store.fetch(sobject, full)
        if found is None:
            raise errors.NotFound("The requested resource does not exist")
        if found["IsDeleted"] and not include_deleted:
            raise errors.EntityIsDeleted("entity is deleted")
        return found

    def render(self, sobject: SObject, row: dict, version: str, fields: list[Field] | None = None) -> dict:
        record = {
            "attributes": {
                "type": sobject.name,
                "url": f"/services/data/v{version}/sobjects/{sobject.name}/{row['Id']}",
            }
        }
        for f in fields or sobject.fields.values():
            if f.type == "address":
                parts = {key: to_api(sobject.field(part), row.get(part)) for part, key in f.compound_parts}
                record[f.name] = parts if any(v is not None for v in parts.values()) else None
            else:
                record[f.name] = to_api(f, row.get(f.name))
        return record

    def get(self, sobject: SObject, record_id: str, version: str, field_names: str | None = None) -> dict:
        found = self.row(sobject, record_id)
        fields = None
        if field_names:
            fields = []
            for name in (n.strip() for n in field_names.split(",") if n.strip()):
                f = sobject.field(name)
                if f is None:
                    raise errors.InvalidField(f"No such column '{name}' on sobject of type {sobject.name}")
                fields.append(f)
        return self.render(sobject, found, version, fields)

    def ids_by_external_id(self, sobject: SObject, field_name: str, value: str) -> tuple[Field, list[str]]:
        f = sobject.field(field_name)
        if f is None or not (f.external_id or f.type == "id" or f.id_lookup):
            raise errors.NotFound(
                f"Provided external ID field does not exist or is not accessible: {field_name}"
            )
        if f.type == "id":
            full = to18(value)
            return f, [full] if full and self.store.fetch(sobject, full) else []
        return f, self.store.ids_where(sobject, f.name, value, nocase=not f.case_sensitive)

    # -- writing ---------------------------------------------------------------------------------------
    def create(self, sobject: SObject, data: dict, user_id: str) -> str:
        if not sobject.createable:
            raise errors.InvalidOperation(f"entity type {sobject.name} does not support create", status=400)
        return self.create_as(user_id, sobject.name, data, checked=True)

    def create_as(self, user_id: str, sobject_name: str, data: dict, checked: bool = False) -> str:
        sobject = self.org.schema.get(sobject_name)
        values = self.incoming(sobject, data, creating=True)
        now = self.org.now_text()
        record_id = self.org.new_id(sobject)
        row = {f.name: None for f in sobject.stored_fields}
        for f in sobject.stored_fields:
            if f.default is not None:
                row[f.name] = to_store(f, f.default)
            if f.auto_number:
                row[f.name] = self.auto_number(sobject, f)
        row.update(values)
        row.update(Id=record_id, IsDeleted=0, CreatedDate=now, LastModifiedDate=now, SystemModstamp=now)
        row.update(CreatedById=user_id, LastModifiedById=user_id)
        if sobject.has_owner and not row.get("OwnerId"):
            row["OwnerId"] = user_id
        with self.store.transaction():
            self._complete(sobject, row, None, user_id)
            self.check_row(sobject, row, None)
            self.store.insert(sobject, row)
            self._after_save(sobject, row, None, user_id)
            self.org.changed(sobject, None, row, user_id)
        return record_id

    def update(self, sobject: SObject, record_id: str, data: dict, user_id: str) -> None:
        if not sobject.updateable:
            raise errors.InvalidOperation(f"entity type {sobject.name} does not support update")
        before = self.row(sobject, record_id)
        values = self.incoming(sobject, data, creating=False, record_id=before["Id"])
        now = self.org.now_text()
        row = {
            **before,
            **values,
            "LastModifiedDate": now,
            "SystemModstamp": now,
            "LastModifiedById": user_id,
        }
        with self.store.transaction():
            self._complete(sobject, row, before, user_id)
            self.check_row(sobject, row, before)
            changed = {k: v for k, v in row.items() if before.get(k) != v}
            self.store.update(sobject, before["Id"], changed)
            self._after_save(sobject, row, before, user_id)
            self.org.changed(sobject, before, row, user_id)

    def delete(self, sobject: SObject, record_id: str, user_id: str) -> None:
        """A soft delete into the recycle bin: the row stays, IsDeleted is set, `deleted/` lists it."""
        if not sobject.deletable:
            raise errors.InvalidOperation(f"entity type {sobject.name} does not support delete")
        before = self.row(sobject, record_id)
        now = self.org.now_text()
        with self.store.transaction():
            self.store.update(
                sobject, before["Id"], {"IsDeleted": 1, "SystemModstamp": now, "LastModifiedById": user_id}
            )
            self.store.log_deletion(sobject, before["Id"], now)
            if sobject.name == "Account" and before.get("PersonContactId"):
                contact = self.org.schema.get("Contact")
                self.store.update(contact, before["PersonContactId"], {"IsDeleted": 1, "SystemModstamp": now})
                self.store.log_deletion(contact, before["PersonContactId"], now)
            self.org.changed(sobject, before, None, user_id)

    def upsert(
        self,
        sobject: SObject,
        field_name: str,
        value: str,
        data: dict,
        user_id: str,
        update_only: bool = False,
    ) -> tuple[str, bool]:
        f, ids = self.ids_by_external_id(sobject, field_name, value)
        if len(ids) > 1:
            raise errors.MultipleMatches(ids, sobject.name)
        if isinstance(data, dict):
            clash = next((k for k in data if k.lower() == f.name.lower()), None)
            if clash is not None and str(data[clash]) != value:
                # The key in the URL wins; a different value in the body is refused like a real org does.
                raise errors.InvalidField(
                    f"{f.name}: value in the body does not match the external id in the URL", [f.name]
                )
        if ids:
            self.update(sobject, ids[0], data, user_id)
            return ids[0], False
        if update_only:
            raise errors.NotFound("The requested resource does not exist")
        body = dict(data) if isinstance(data, dict) else data
        if isinstance(body, dict) and f.type != "id":
            body[f.name] = value
        return self.create(sobject, body, user_id), True

    # -- many records at once (Bulk API) -------------------------------------------------------------------
    def save_many(
        self, sobject: SObject, operation: str, rows: list[dict], user_id: str, external_id: str | None = None
    ) -> list[Outcome]:
        """Run one DML operation over `rows` (canonical field name -> value), each record on its own.

        Call it inside a store transaction: a record that fails leaves nothing behind, the others are
        written, and the caller's results can commit in the same transaction. Records are validated by the
        same code as the REST calls, so they fail with the same codes (SC 3.3)."""
        from alcsim.simulators.salesforce.batch import Batch

        return Batch(self).save(sobject, operation, rows, user_id, external_id)

    # -- windows (SC 8) ---------------------------------------------------------------------------------
    def updated(self, sobject: SObject, start: str, end: str) -> dict:
        lower, upper = self._window(start, end, days=30)
        rows = self.store.execute(
            f"SELECT Id FROM {quote(sobject.name)} WHERE SystemModstamp >= ? AND SystemModstamp < ? AND IsDeleted = 0 ORDER BY Id",
            (lower, upper),
        )
        return {"ids": [r[0] for r in rows], "latestDateCovered": upper}

    def deleted(self, sobject: SObject, start: str, end: str) -> dict:
        lower, upper = self._window(start, end, days=15)
        rows = self.store.execute(
            "SELECT Id, deletedDate FROM _deleted WHERE sobject = ? AND deletedDate >= ? AND deletedDate < ? ORDER BY deletedDate",
            (sobject.name, lower, upper),
        )
        earliest = format_datetime(self.org.clock.now() - timedelta(days=15))
        return {
            "deletedRecords": [{"id": r[0], "deletedDate": r[1]} for r in rows],
            "earliestDateAvailable": earliest,
            "latestDateCovered": upper,
        }

    def _window(self, start: str, end: str, days: int) -> tuple[str, str]:
        try:
            lower, upper = parse_datetime(start or ""), parse_datetime(end or "")
        except ValueError:
            raise errors.SalesforceError(
                "start and end must be ISO-8601 date-times, e.g. 2024-01-01T00:00:00+00:00"
            ) from None
        now = self.org.clock.now()
        if upper <= lower:
            raise errors.InvalidOperation("end date must be after start date")
        if lower < now - timedelta(days=days):
            raise errors.InvalidOperation(f"start date cannot be more than {days} days ago")
        # Seconds are truncated and the window never reaches past now (SC 8).
        upper = (
            min(upper, now).replace(second=0, microsecond=0) if upper > now else upper.replace(microsecond=0)
        )
        return format_datetime(lower.replace(microsecond=0)), format_datetime(upper)

    # -- validation --------------------------------------------------------------------------------------
    def incoming(
        self,
        sobject: SObject,
        data,
        creating: bool,
        record_id: str | None = None,
        resolved: dict | None = None,
    ) -> dict:
        """The stored values of `data`, each checked; `resolved` keeps, across the rows of a batch, the
        fields whose name alone passed and their converter, so each row checks only its values."""
        if not isinstance(data, dict):
            raise errors.JsonParserError(
                "Cannot deserialize instance of SObject from a value that is not a JSON object"
            )
        values: dict = {}
        for key, value in data.items():
            known = resolved.get(key) if resolved is not None else None
            if known is not None:
                f, convert = known
                if convert is not None:
                    values[f.name] = convert(value)
                    continue
            else:
                if key == "attributes":
                    continue
                f = sobject.field(key)
                if f is None or not f.stored:
                    raise errors.InvalidField(
                        f"No such column '{key}' on sobject of type {sobject.name}", [key] if f else None
                    )
                if f.name == "Id":
                    if not creating and (value is None or to18(str(value)) == record_id):
                        continue
                    raise errors.InvalidFieldForInsertUpdate(
                        "cannot specify Id in an insert call"
                        if creating
                        else "Unable to create/update fields: Id. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                        ["Id"],
                    )
                if not (f.createable if creating else f.updateable):
                    raise errors.InvalidFieldForInsertUpdate(
                        f"Unable to create/update fields: {f.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                        [f.name],
                    )
                if resolved is not None:
                    # A reference is looked up in the store: its value goes the long way below.
                    convert = None if f.type == "reference" else converter(f, self.org.label_for)
                    resolved[key] = (f, convert)
            stored = to_store(f, value)
            if f.type == "reference" and stored is not None:
                stored = self._reference(sobject, f, stored)
            check(f, stored, self.org.label_for)
            values[f.name] = stored
        return values

    def _reference(self, sobject: SObject, f: Field, value: str) -> str:
        label = self.org.label_for(f)
        full = to18(value)
        if full is None:
            raise errors.MalformedId(f"{label}: id value of incorrect type: {value}", [f.name])
        target = self.org.schema.by_prefix(full[:3])
        if target is None or target.name not in f.reference_to:
            raise errors.FieldIntegrityException(f"{label}: id value of incorrect type: {value}", [f.name])
        found = self.store.fetch(target, full)
        if found is None:
            raise errors.InvalidCrossReferenceKey("invalid cross reference id", [f.name])
        if found["IsDeleted"]:
            raise errors.EntityIsDeleted("entity is deleted", [f.name])
        if f.name == "OwnerId" and target.name == "Group" and not self._queue_may_own(full, sobject):
            # A queue owns only the objects its QueueSobject rows list (SC 6).
            raise errors.FieldIntegrityException(f"{label}: id value of incorrect type: {value}", [f.name])
        if f.name == "RecordTypeId" and found.get("SobjectType") != sobject.name:
            raise errors.InvalidCrossReferenceKey(
                f"Record Type ID: this ID value isn't valid for the user: {value}", [f.name]
            )
        return full

    def _queue_may_own(self, group_id: str, sobject: SObject) -> bool:
        row = self.store.execute(
            'SELECT 1 FROM "Group" g JOIN "QueueSobject" q ON q.QueueId = g.Id '
            "WHERE g.Id = ? AND g.Type = 'Queue' AND q.SobjectType = ? AND q.IsDeleted = 0",
            (group_id, sobject.name),
        ).fetchone()
        return row is not None

    def auto_number(self, sobject: SObject, f: Field) -> str:
        number = self.store.next_counter(f"autonumber:{sobject.name}")
        prefix, _, rest = f.auto_number.partition("{")
        digits, _, suffix = rest.partition("}")
        return f"{prefix}{number:0{len(digits)}d}{suffix}"

    def _complete(self, sobject: SObject, row: dict, before: dict | None, user_id: str) -> None:
        """Values the org computes: names, person accounts, closed flags, derived account ids."""
        from alcsim.simulators.salesforce.computed import complete

        complete(self.org, sobject, row, before)

    def check_row(self, sobject: SObject, row: dict, before: dict | None) -> None:
        missing = [f.name for f in sobject.stored_fields if f.required and row.get(f.name) in (None, "")]
        if missing:
            raise errors.RequiredFieldMissing(f"Required fields are missing: [{', '.join(missing)}]", missing)
        for f in sobject.stored_fields:
            if not (f.unique or f.external_id and f.unique) or row.get(f.name) is None:
                continue
            if before is not None and before.get(f.name) == row[f.name]:
                continue
            clash = [
                i
                for i in self.store.ids_where(sobject, f.name, row[f.name], nocase=not f.case_sensitive)
                if i != row["Id"]
            ]
            if clash:
                raise errors.DuplicateValue(
                    f"duplicate value found: {f.name} duplicates value on record with id: {clash[0]}",
                    [f.name],
                )

    def _after_save(self, sobject: SObject, row: dict, before: dict | None, user_id: str) -> None:
        from alcsim.simulators.salesforce.computed import after_save

        after_save(self.org, sobject, row, before, user_id)
