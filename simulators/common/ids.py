"""Seeded id generation: counters per namespace and random tokens that repeat for the same seed."""

from __future__ import annotations

import random
import string
import threading

ALPHANUMERIC = string.ascii_letters + string.digits


class IdSource:
    """Deterministic for a given seed, thread-safe; each simulator instance owns one."""

    def __init__(self, seed: int | str | None = None):
        self.seed = seed
        self._random = random.Random(seed)
        self._counters: dict[str, int] = {}
        self._lock = threading.Lock()

    def next(self, namespace: str = "") -> int:
        with self._lock:
            value = self._counters.get(namespace, 0) + 1
            self._counters[namespace] = value
            return value

    def peek(self, namespace: str = "") -> int:
        return self._counters.get(namespace, 0)

    def reserve(self, namespace: str, at_least: int) -> None:
        """Move a counter past values already used (after a restart from a stored database)."""
        with self._lock:
            self._counters[namespace] = max(self._counters.get(namespace, 0), at_least)

    def token(self, length: int = 24, alphabet: str = ALPHANUMERIC) -> str:
        with self._lock:
            return "".join(self._random.choice(alphabet) for _ in range(length))

    def random(self) -> float:
        with self._lock:
            return self._random.random()
