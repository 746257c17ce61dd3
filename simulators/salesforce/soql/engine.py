"""The org's query entry points: run SOQL, page through results with query locators (SC 3.2, 5)."""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.ids import to18
from alcsim.simulators.salesforce.soql.aggregates import MAX_AGGREGATE_ROWS
from alcsim.simulators.salesforce.soql.dates import date_range, zone_of
from alcsim.simulators.salesforce.soql.filters import DateLiteral, StringParam
from alcsim.simulators.salesforce.soql.literals import StringLiteral, string_literals, template
from alcsim.simulators.salesforce.soql.locators import QueryLocators
from alcsim.simulators.salesforce.soql.messages import Located
from alcsim.simulators.salesforce.soql.parser import check_length, parse_query
from alcsim.simulators.salesforce.soql.plan import Plan
from alcsim.simulators.salesforce.soql.planner import Planner
from alcsim.simulators.salesforce.soql.shape import Shaper
from alcsim.simulators.salesforce.store import quote

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.org import Org

DEFAULT_BATCH = 2000
MIN_BATCH, MAX_BATCH = 200, 2000  # Sforce-Query-Options: batchSize (SC 5, batching)
PLAN_CACHE_SIZE = 256
TOO_COMPLICATED = "Query is either selecting too many fields or the filter conditions are too complicated."
CHUNK = 500  # parent ids per child-subquery statement, well under SQLite's variable limit


def batch_size_from(header: str | None) -> int:
    """`batchSize=N` from Sforce-Query-Options, held to 200..2000; a size is a hint, not a promise (SC 5)."""
    for part in (header or "").split(","):
        name, _, value = part.partition("=")
        if name.strip().lower() == "batchsize" and value.strip().isdigit():
            return max(MIN_BATCH, min(MAX_BATCH, int(value.strip())))
    return DEFAULT_BATCH


class QueryEngine:
    """Per-org state of the engine: checked plans by query text, and the org's open query locators."""

    def __init__(self, org: Org):
        self.org = org
        self.locators = QueryLocators(org.pod, org.clock)
        self._plans: OrderedDict[tuple[str, bool], Plan] = OrderedDict()
        self._lock = threading.Lock()

    # -- planning ------------------------------------------------------------------------------------
    def plan(self, text: str, include_deleted: bool) -> tuple[Plan, list[StringLiteral]]:
        """The checked plan for `text` and the text's string literals to bind into it."""
        # Before the cache: a text over the limit must not find the plan of a shorter one (issue 13).
        check_length(text)
        shape = template(text) if isinstance(text, str) else text
        literals = string_literals(text) if isinstance(text, str) and "'" in text else []
        with self._lock:
            found = self._plans.get((shape, include_deleted)) or self._plans.get(
                (text, include_deleted, "exact")
            )
            if found is not None and found.strings == len(literals):
                self._plans.move_to_end(
                    (shape, include_deleted) if found.templatable else (text, include_deleted, "exact")
                )
                return found, literals
        try:
            plan = Planner(self.org.schema, text).build(parse_query(text), include_deleted)
        except RecursionError:
            raise errors.MalformedQuery(TOO_COMPLICATED) from None
        plan.strings = len(literals)
        key = (shape, include_deleted) if plan.templatable else (text, include_deleted, "exact")
        with self._lock:
            self._plans[key] = plan
            while len(self._plans) > PLAN_CACHE_SIZE:
                self._plans.popitem(last=False)
        return plan, literals

    def resolve_params(
        self, params: list, user_id: str | None, literals: list[StringLiteral] = (), text: str = ""
    ) -> list:
        """Bind this run's string literals and date literals (clock and running user) into the plan's values."""
        if not any(isinstance(p, (DateLiteral, StringParam)) for p in params):
            return params
        zone = locale = now = None
        resolved = []
        for p in params:
            if isinstance(p, StringParam):
                p = self._bind(p, literals[p.index], text)
            elif isinstance(p, DateLiteral):
                if zone is None:
                    (zone, locale), now = self._user_zone(user_id), self.org.clock.now()
                bounds = date_range(p.name, p.argument, now, zone, locale).bounds(p.field_type)
                p = bounds[1] if p.end else bounds[0]
            resolved.append(p)
        return resolved

    @staticmethod
    def _bind(param: StringParam, literal: StringLiteral, text: str):
        if param.form == "plain":
            return literal.plain
        if param.form == "like":
            return literal.like
        full = to18(literal.plain)
        if full is None:
            raise Located(text).invalid_operator(literal.pos, f"invalid ID field: {literal.plain}")
        return full

    def _user_zone(self, user_id: str | None):
        """Date literals use the running user's time zone and locale (SC 5, date literals)."""
        row = None
        if user_id:
            row = self.fetch(
                f"SELECT TimeZoneSidKey, LocaleSidKey FROM {quote('User')} WHERE Id = ?", [user_id]
            )
        if row:
            return zone_of(row[0][0]), row[0][1] or "en_US"
        return zone_of(self.org.config.timezone), "en_US"

    def fetch(self, sql: str, params: list) -> list:
        store = self.org.store
        try:
            with store.lock:
                return store.connection.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            # SQLite's own depth limits stand in for the org's limit on filter complexity.
            if any(word in str(exc) for word in ("stack overflow", "too large", "too many", "depth")):
                raise errors.MalformedQuery(TOO_COMPLICATED) from None
            raise

    # -- running -------------------------------------------------------------------------------------
    def query(
        self,
        text: str,
        *,
        user_id: str | None,
        version: str,
        include_deleted: bool = False,
        batch_size: int = DEFAULT_BATCH,
    ) -> dict:
        plan, literals = self.plan(text, include_deleted)
        rows = self.fetch(plan.sql, self.resolve_params(plan.params, user_id, literals, text))
        if plan.kind == "count":
            # COUNT() answers with totalSize and no records (SC 3.2).
            return {"totalSize": rows[0][0], "done": True, "records": []}
        if plan.kind == "aggregate":
            if len(rows) > MAX_AGGREGATE_ROWS:
                raise errors.MalformedQuery(
                    "Aggregate query does not support queryMore(), use LIMIT to restrict the results to a single batch"
                )
            records = [Shaper.aggregate(plan.aggregates, row) for row in rows]
            return {"totalSize": len(records), "done": True, "records": records}
        records, end = self._batch(plan, rows, 0, batch_size, version, user_id, literals, text)
        result = {"totalSize": len(rows), "done": end >= len(rows)}
        if not result["done"]:
            locator = self.locators.open(plan, rows, batch_size)
            locator.literals, locator.text = literals, text
            result["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator.id}-{end}"
        result["records"] = records
        return result

    def query_more(
        self, locator_text: str, *, user_id: str | None, version: str, batch_size: int | None = None
    ) -> dict:
        locator, start = self.locators.find(locator_text)
        size = batch_size or locator.batch_size
        records, end = self._batch(
            locator.plan, locator.rows, start, size, version, user_id, locator.literals, locator.text
        )
        result = {"totalSize": len(locator.rows), "done": end >= len(locator.rows)}
        if not result["done"]:
            # Locators from queryAll still come back under /query/ (SC 3.2).
            result["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator.id}-{end}"
        result["records"] = records
        return result

    def _batch(
        self, plan: Plan, rows: list, start: int, size: int, version: str, user_id, literals, text: str
    ):
        """Records from `start`, and where the next batch starts: child records count toward the batch (SC 5)."""
        page = rows[start : start + size]
        shaper = Shaper(self.org.schema, version)
        if not plan.children or not page:
            return [shaper.record(plan.node, row) for row in page], start + len(page)
        children = [self._children(c, page, plan, shaper, user_id, literals, text) for c in plan.children]
        records, used = [], 0
        for row in page:
            parent_id = row[plan.node.id_index]
            weight = 1 + sum(len(found[parent_id]["records"]) for found in children if found.get(parent_id))
            if records and used + weight > size:
                break
            records.append(shaper.record(plan.node, row, children))
            used += weight
        return records, start + len(records)

    def _children(self, child, rows: list, plan: Plan, shaper: Shaper, user_id, literals, text: str) -> dict:
        """One statement per chunk of parents; rows are split by foreign key, then each parent's LIMIT applies."""
        parent_ids = [row[plan.node.id_index] for row in rows]
        by_parent: dict[str, list] = {}
        params = self.resolve_params(child.params, user_id, literals, text)
        for start in range(0, len(parent_ids), CHUNK):
            chunk = parent_ids[start : start + CHUNK]
            sql = child.sql_head + ", ".join("?" for _ in chunk) + child.sql_tail
            for row in self.fetch(sql, [*params, *chunk]):
                by_parent.setdefault(row[0], []).append(row)
        result = {}
        for parent_id, found in by_parent.items():
            end = None if child.limit is None else child.offset + child.limit
            result[parent_id] = shaper.child_result(child.node, found[child.offset : end])
        return result


def engine_for(org: Org) -> QueryEngine:
    """The org's engine, made on first use and kept on the org instance (no module-level state)."""
    engine = org.__dict__.get("soql_engine")
    if engine is None:
        engine = org.__dict__.setdefault("soql_engine", QueryEngine(org))
    return engine
