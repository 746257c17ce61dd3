"""Many conversations of one environment in few calls: pages of the conversation list, not one GET each."""

# The conversation view has no public route (connector/alcmeon.py); the simulator's list extension
# `GET /_sim/ext/conversations?before_id=&limit=` (simulators/alcmeon/README.md: newest first, up to
# 1000 a page) stands for the platform's own data as the per-conversation GET does. A claim of many
# conversations reads the pages that cover their id range when that takes fewer calls than one GET
# each; a sparse claim (live traffic) keeps one GET each.
#
# SYNC-05 needs each first-time user's earlier conversations. What a history record needs of an earlier
# conversation is only its id and scoped id: the user and account it shows are the current
# conversation's (same social user, same account: connector/rules/to_salesforce.py `history`). Ids
# only grow (docs/assumptions.md, "Connector backlog reads"), so once every conversation below an id
# has been read, that part of the list never changes: the reader keeps (account, user) -> earlier
# (id, scoped id) for it and reads only the newer part again. The index lives as long as the
# Connector (a reset of the fakes restarts it, simulators/topology/controls.py).

from __future__ import annotations

import math
import threading

PAGE = 1000  # the list's largest page


class ConversationReader:
    def __init__(self, gateway):
        self.gateway = gateway
        self._lock = threading.Lock()
        self._scanning = threading.Lock()
        self._known_below = 0  # every conversation with a smaller id is indexed (0: none yet)
        self._earlier: dict[tuple[int, int], list[tuple[int, str]]] = {}
        self.pages_read = 0  # list pages asked for (the tests count them)

    # -- current views ------------------------------------------------------------------------------
    def views(self, ids: set[int]) -> dict[int, dict]:
        """The view of each conversation of `ids` in the pages covering their id range; {} when one
        GET each is as few calls (the caller reads those it does not get one by one)."""
        if len(ids) < 2:
            return {}
        low, high = min(ids), max(ids)
        if math.ceil((high - low + 1) / PAGE) >= len(ids):
            return {}
        rows = self._read_range(high + 1, low)
        self._learn(rows, low, high + 1)
        return {row["id"]: row for row in rows if row["id"] in ids}

    def _read_range(self, before: int, low: int) -> list[dict]:
        """Every conversation with low <= id < before, newest first (ids of one environment are dense,
        so a page of `before - low` rows holds the whole range)."""
        rows: list[dict] = []
        while before > low:
            limit = min(PAGE, before - low)
            page = self._page(before, limit)
            rows += page
            if len(page) < limit or not page:
                break
            before = page[-1]["id"]
        return [row for row in rows if row["id"] >= low]

    def _page(self, before: int, limit: int) -> list[dict]:
        page = self.gateway.conversations_page(before, limit)
        with self._lock:
            self.pages_read += 1
        return page

    # -- earlier conversations of a user (SYNC-05) ----------------------------------------------------
    def earlier(
        self, wanted: list[tuple[int, int, int]]
    ) -> dict[tuple[int, int], list[tuple[int, str]]] | None:
        """For each (account id, social user id, current conversation id): that user's conversations
        of the account below the current one, as (id, scoped id), oldest first; None when reading the
        unindexed part of the list would take more calls than one per-user read each."""
        if not wanted:
            return {}
        top = max(current for _, _, current in wanted)
        budget = len(wanted) // 2  # a lone user (live traffic) is read alone unless all is indexed
        with self._scanning:  # one scan at a time: a second claim finds the part the first one read
            with self._lock:
                unknown = top - self._known_below
            if unknown > 0:
                if math.ceil(unknown / PAGE) > budget:
                    return None
                self._scan_below(top)
        with self._lock:
            if self._known_below < top:
                return None
            return {
                (account, user): [e for e in self._earlier.get((account, user), []) if e[0] < current]
                for account, user, current in wanted
            }

    def _scan_below(self, top: int) -> None:
        """Read the list from `top` (excluded) down to what is indexed, or to its first conversation."""
        with self._lock:
            low = self._known_below
        rows: list[dict] = []
        before = top
        while True:
            limit = min(PAGE, before - low) if low else PAGE
            if limit <= 0:
                break
            page = self._page(before, limit)
            rows += page
            if len(page) < limit or not page:
                low = low or 1  # the first conversation was reached
                break
            before = page[-1]["id"]
            if low and before <= low:
                break
        self._learn(rows, max(low, 1), top)

    def _learn(self, rows: list[dict], low: int, below: int) -> None:
        """Index `rows`, all conversations with low <= id < below, when they meet the indexed part."""
        with self._lock:
            if low > max(self._known_below, 1) or below <= self._known_below:
                return
            for row in sorted(rows, key=lambda r: r["id"]):
                if row["id"] < self._known_below or not row.get("scoped_id"):
                    continue
                key = ((row.get("account") or {}).get("id"), (row.get("social_user") or {}).get("id"))
                self._earlier.setdefault(key, []).append((row["id"], row["scoped_id"]))
            self._known_below = below
