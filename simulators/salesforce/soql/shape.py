"""Rows to records as Salesforce shapes them: attributes, nested parents or null, child results (SC 3.2)."""

from __future__ import annotations

from alcsim.simulators.salesforce.ids import to18
from alcsim.simulators.salesforce.schema import Schema
from alcsim.simulators.salesforce.soql.plan import AggregateEntry, Node
from alcsim.simulators.salesforce.values import to_api


class Shaper:
    def __init__(self, schema: Schema, version: str):
        self.schema = schema
        self.prefix = f"/services/data/v{version}/sobjects/"

    def record(self, node: Node, row, children: list[dict] | None = None) -> dict | None:
        """One record of `node`; a parent whose Id is null is `null` (SC 3.2)."""
        record_id = row[node.id_index]
        if record_id is None:
            return None
        type_name = node.type_name
        url_type = type_name
        if node.polymorphic:
            # A polymorphic parent is typed `Name`, its url points at the real object (SC 3.2).
            target = self.schema.by_prefix(to18(record_id)[:3]) if to18(record_id) else None
            url_type = target.name if target else type_name
        record = {"attributes": {"type": type_name, "url": f"{self.prefix}{url_type}/{record_id}"}}
        for kind, key, payload in node.entries:
            if kind == "field":
                f, index = payload
                record[key] = to_api(f, row[index])
            elif kind == "node":
                record[key] = self.record(payload, row)
            elif kind == "typeof":
                record[key] = self._typeof(payload, row)
            elif kind == "address":
                parts = {api_key: to_api(f, row[index]) for api_key, f, index in payload}
                record[key] = parts if any(v is not None for v in parts.values()) else None
            else:
                record[key] = children[payload].get(record_id) if children else None
        return record

    def _typeof(self, branches: list, row) -> dict | None:
        """The branch of the parent's real type, typed with that object's name (SOQL TYPEOF)."""
        for type_name, id_index, entries in branches:
            if row[id_index] is not None:
                record = {
                    "attributes": {"type": type_name, "url": f"{self.prefix}{type_name}/{row[id_index]}"}
                }
                record.update((key, to_api(f, row[index])) for key, f, index in entries)
                return record
        return None

    @staticmethod
    def aggregate(entries: list[AggregateEntry], row) -> dict:
        record = {"attributes": {"type": "AggregateResult"}}
        for entry in entries:
            record[entry.key] = to_api(entry.field, row[entry.index])
        return record

    def child_result(self, node: Node, rows: list) -> dict | None:
        """A child subquery's value: `{totalSize, done, records}`, or null when there are none (SC 3.2)."""
        if not rows:
            return None
        records = [self.record(node, row) for row in rows]
        return {"totalSize": len(records), "done": True, "records": records}
