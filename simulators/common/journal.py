"""The request journal: what each fake was asked and what it answered, filterable for tests and demos."""

from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import asdict, dataclass, field


@dataclass
class JournalEntry:
    seq: int
    time: str
    method: str
    path: str
    query: str
    status: int
    duration_ms: float
    request_body: str = ""
    response_body: str = ""
    fault: str | None = None
    tags: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


class Journal:
    """A bounded ring of entries; bodies are cut so a long demo cannot eat the memory."""

    BODY_LIMIT = 4096

    def __init__(self, capacity: int = 5000):
        self._entries: deque[JournalEntry] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._seq = 0

    def record(self, **values) -> JournalEntry:
        for key in ("request_body", "response_body"):
            if len(values.get(key, "")) > self.BODY_LIMIT:
                values[key] = values[key][: self.BODY_LIMIT] + "…"
        with self._lock:
            self._seq += 1
            entry = JournalEntry(seq=self._seq, **values)
            self._entries.append(entry)
            return entry

    def entries(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        since: int = 0,
        limit: int | None = None,
    ) -> list[JournalEntry]:
        """`path` is a regular expression searched in the path; `since` a sequence number."""
        pattern = re.compile(path) if path else None
        with self._lock:
            found = [
                e
                for e in self._entries
                if e.seq > since
                and (method is None or e.method == method.upper())
                and (pattern is None or pattern.search(e.path))
                and (status is None or e.status == status)
            ]
        return found[-limit:] if limit else found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
