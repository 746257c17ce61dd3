"""A controllable clock shared by fakes and connector: real time plus an offset, or frozen."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    """`now()` is always timezone-aware UTC. Tests move time with `advance` or pin it with `freeze`."""

    def __init__(self, start: datetime | None = None, frozen: bool = False):
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen_at: datetime | None = None
        if frozen:
            moment = start or self._real()
            self._frozen_at = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        elif start is not None:
            self.set(start)

    @staticmethod
    def _real() -> datetime:
        return datetime.now(UTC)

    def now(self) -> datetime:
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return self._real() + self._offset

    def timestamp(self) -> float:
        return self.now().timestamp()

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = moment
            else:
                self._offset = moment - self._real()

    def advance(self, seconds: float = 0, **delta: float) -> datetime:
        step = timedelta(seconds=seconds, **delta)
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += step
            else:
                self._offset += step
        return self.now()

    def freeze(self) -> None:
        moment = self.now()
        with self._lock:
            self._frozen_at = moment

    def unfreeze(self) -> None:
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - self._real()
                self._frozen_at = None

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None
