"""Many records at once, as both Bulk APIs save them: REST's validation, each record committed or failed alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.ids import make_id, to18
from alcsim.simulators.salesforce.schema import Field, SObject
from alcsim.simulators.salesforce.store import quote
from alcsim.simulators.salesforce.values import to_store

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.records import Outcome, Records

MissingArgument = type("MissingArgument", (errors.SalesforceError,), {"error_code": "MISSING_ARGUMENT"})
DuplicateExternalId = type(
    "DuplicateExternalId", (errors.SalesforceError,), {"error_code": "DUPLICATE_EXTERNAL_ID"}
)


class Batch:
    def __init__(self, records: Records):
        self.records = records
        self.org = records.org
        self.store = records.org.store

    def save(
        self, sobject: SObject, operation: str, rows: list[dict], user_id: str, external_id: str | None
    ) -> list[Outcome]:
        if operation == "insert" and not self.org.triggers and not self._person_accounts(sobject):
            return self._insert_fast(sobject, rows, user_id)
        if operation == "upsert":
            return self._upsert_many(sobject, rows, user_id, external_id or "")
        single = {
            "insert": lambda data: (self.records.create(sobject, data, user_id), True),
            "update": lambda data: (self._update_by_id(sobject, data, user_id), False),
            "delete": lambda data: (self._delete_by_id(sobject, data, user_id, hard=False), False),
            "hardDelete": lambda data: (self._delete_by_id(sobject, data, user_id, hard=True), False),
        }[operation]
        return [self._one(single, data) for data in rows]

    def _one(self, save, data: dict, known_id: str | None = None) -> Outcome:
        try:
            with self.store.transaction():
                record_id, created = save(data)
            return record_id, created, None
        except errors.SalesforceError as exc:
            return known_id or _given_id(data), False, _for_batch(exc)

    def _person_accounts(self, sobject: SObject) -> bool:
        return sobject.name == "Account" and bool(self.org.config.person_accounts)

    def _insert_fast(self, sobject: SObject, rows: list[dict], user_id: str) -> list[Outcome]:
        """Validate each row in Python, then write the valid ones with one executemany.

        Without triggers nothing reads a row before the batch commits, so ids are reserved in one step and
        uniqueness inside the batch is checked against the rows validated before."""
        if not sobject.createable:
            refusal = errors.InvalidOperation(f"entity type {sobject.name} does not support create")
            return [(None, False, refusal) for _ in rows]
        from alcsim.simulators.salesforce.computed import complete

        stored = sobject.stored_fields
        template = {f.name: None for f in stored}
        defaults = {f.name: to_store(f, f.default) for f in stored if f.default is not None}
        numbered = [f for f in stored if f.auto_number]
        unique = [f for f in stored if f.unique]
        required = [f.name for f in stored if f.required]
        seen: dict[str, dict] = {f.name: {} for f in unique}
        counter = f"counter:id:{sobject.key_prefix}"
        number = int(self.store.meta(counter, "0"))
        now = self.org.now_text()
        system = dict(IsDeleted=0, CreatedDate=now, LastModifiedDate=now, SystemModstamp=now)
        system.update(CreatedById=user_id, LastModifiedById=user_id)
        prefix, pod, owned = sobject.key_prefix, self.org.pod, sobject.has_owner
        ready, outcomes, resolved, columns = [], [], {}, set()
        for data in rows:
            try:
                # Only the values this record has: the columns every other record leaves null are not written.
                values = self.records.incoming(sobject, data, creating=True, resolved=resolved)
                record_id = make_id(prefix, pod, number + 1)
                row = {**defaults, **values, **system, "Id": record_id}
                if owned and not row.get("OwnerId"):
                    row["OwnerId"] = user_id
                complete(self.org, sobject, row, None)
                given = list(map(row.get, required))
                if unique or None in given or "" in given:
                    self.records.check_row(sobject, row, None)  # the REST checks, with their messages
                if unique:
                    self._check_batch_unique(unique, seen, row)
                for f in numbered:
                    row[f.name] = self.records.auto_number(sobject, f)
            except errors.SalesforceError as exc:
                outcomes.append((None, False, exc))
                continue
            number += 1
            columns.update(row)
            ready.append({**template, **row})
            outcomes.append((record_id, True, None))
        self.store.set_meta(counter, str(number))
        self.store.insert_many(sobject, ready, [name for name in template if name in columns])
        self.org.inserted(sobject, ready, user_id)
        return outcomes

    @staticmethod
    def _check_batch_unique(unique: list[Field], seen: dict[str, dict], row: dict) -> None:
        for f in unique:
            value = row.get(f.name)
            if value is None:
                continue
            key = value if f.case_sensitive or not isinstance(value, str) else value.lower()
            if key in seen[f.name]:
                raise errors.DuplicateValue(
                    f"duplicate value found: {f.name} duplicates value on record with id: {seen[f.name][key]}",
                    [f.name],
                )
        for f in unique:
            value = row.get(f.name)
            if value is not None:
                key = value if f.case_sensitive or not isinstance(value, str) else value.lower()
                seen[f.name][key] = row["Id"]

    def _update_by_id(self, sobject: SObject, data: dict, user_id: str) -> str:
        record_id = _given_id(data)
        if not record_id:
            raise MissingArgument("Id not specified in an update call", [])
        self.records.update(sobject, record_id, {k: v for k, v in data.items() if k != "Id"}, user_id)
        return to18(record_id) or record_id

    def _delete_by_id(self, sobject: SObject, data: dict, user_id: str, hard: bool) -> str:
        record_id = _given_id(data)
        if not record_id:
            raise MissingArgument("Id not specified in a delete call", [])
        if not hard:
            self.records.delete(sobject, record_id, user_id)
            return to18(record_id)
        if not sobject.deletable:
            raise errors.InvalidOperation(f"entity type {sobject.name} does not support delete")
        before = self.records.row(sobject, record_id, include_deleted=True)
        # A hard delete skips the recycle bin: the row is gone, `deleted/` still lists it.
        self.store.execute(f"DELETE FROM {quote(sobject.name)} WHERE Id = ?", (before["Id"],))
        self.store.log_deletion(sobject, before["Id"], self.org.now_text())
        self.org.changed(sobject, before, None, user_id)
        return before["Id"]

    def _upsert_many(
        self, sobject: SObject, rows: list[dict], user_id: str, field_name: str
    ) -> list[Outcome]:
        f = sobject.field(field_name)
        if f is None or not (f.external_id or f.type == "id" or f.id_lookup):
            refusal = errors.InvalidField(
                f"Field name provided, {field_name} is not an External ID or indexed field for {sobject.name}"
            )
            return [(None, False, refusal) for _ in rows]
        keys = [_key(f, data.get(f.name)) for data in rows]
        counts: dict = {}
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
        outcomes = []
        for data, key in zip(rows, keys, strict=True):
            if f.type != "id" and key is not None and counts[key] > 1:
                # Every record carrying a value twice in one batch fails (SOAP upsert(), "Usage").
                error = errors.DuplicateValue(f"Duplicate external id specified: {data[f.name]}", [f.name])
                outcomes.append((None, False, error))
                continue
            outcomes.append(self._one(lambda d: self._upsert_one(sobject, f, d, user_id), data))
        return outcomes

    def _upsert_one(self, sobject: SObject, f: Field, data: dict, user_id: str) -> tuple[str, bool]:
        value = data.get(f.name)
        if f.type == "id":
            if not value:
                return self.records.create(
                    sobject, {k: v for k, v in data.items() if k != "Id"}, user_id
                ), True
            return self._update_by_id(sobject, data, user_id), False
        if value in (None, ""):
            raise MissingArgument(f"{f.name} not specified", [f.name])
        _, ids = self.records.ids_by_external_id(sobject, f.name, str(value))
        if len(ids) > 1:
            raise DuplicateExternalId(
                f"more than one record found for external id field: [{', '.join(ids)}]", [f.name]
            )
        if ids:
            self.records.update(sobject, ids[0], data, user_id)
            return ids[0], False
        return self.records.create(sobject, data, user_id), True


def _given_id(data: dict) -> str | None:
    value = data.get("Id")
    return to18(value) if isinstance(value, str) and to18(value) else (value or None)


def _key(f: Field, value):
    if value in (None, ""):
        return None
    return value if f.case_sensitive else str(value).lower()


def _for_batch(exc: errors.SalesforceError) -> errors.SalesforceError:
    """A record id that names no record is a bad cross reference inside a batch, not a missing resource."""
    if isinstance(exc, errors.NotFound):
        return errors.InvalidCrossReferenceKey("invalid cross reference id", [])
    return exc
