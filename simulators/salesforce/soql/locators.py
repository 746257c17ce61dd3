"""Query locators: the rows of a query beyond its first batch, kept on the org until they expire (SC 5)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.ids import QUERY_LOCATOR_PREFIX, make_id
from alcsim.simulators.salesforce.soql.plan import Plan

# Cursors live two days since the v56 release (SC 5, batching).
LOCATOR_LIFETIME = timedelta(days=2)
# There is no open-cursor limit on a real org; the fake keeps the newest ones so memory stays bounded.
MAX_OPEN_LOCATORS = 200


@dataclass
class QueryLocator:
    id: str
    plan: Plan
    rows: list
    batch_size: int
    expires: datetime
    literals: list = field(default_factory=list)  # the query's string literals, for its child subqueries
    text: str = ""


class QueryLocators:
    """One org's open cursors. The counter makes ids unique per org: `01g` + pod + number + checksum."""

    def __init__(self, pod: str, clock):
        self.pod = pod
        self.clock = clock
        self._open: OrderedDict[str, QueryLocator] = OrderedDict()
        self._counter = 0
        self._lock = threading.Lock()

    def open(self, plan: Plan, rows: list, batch_size: int) -> QueryLocator:
        now = self.clock.now()
        with self._lock:
            self._counter += 1
            locator = QueryLocator(
                make_id(QUERY_LOCATOR_PREFIX, self.pod, self._counter),
                plan,
                rows,
                batch_size,
                now + LOCATOR_LIFETIME,
            )
            self._open[locator.id] = locator
            for key in [k for k, v in self._open.items() if v.expires <= now]:
                del self._open[key]
            while len(self._open) > MAX_OPEN_LOCATORS:
                self._open.popitem(last=False)
        return locator

    def find(self, text: str) -> tuple[QueryLocator, int]:
        """`01g...-2000`: the cursor and the position the next page starts at, or INVALID_QUERY_LOCATOR."""
        locator_id, _, position = (text or "").rpartition("-")
        with self._lock:
            locator = self._open.get(locator_id)
            if locator is not None and locator.expires <= self.clock.now():
                del self._open[locator_id]
                locator = None
        if locator is None or not position.isdigit() or not 0 < int(position) < len(locator.rows) + 1:
            raise errors.InvalidQueryLocator("invalid query locator")
        return locator, int(position)

    def clear(self) -> None:
        with self._lock:
            self._open.clear()
