"""The clock the connector reads: any object with `now()` (aware UTC) and `timestamp()`; SystemClock by default."""

# The harness hands the connector the topology's shared clock (simulators/common/clock.py), so token
# expiry, rate limits, widget signatures and sent dates follow the same time as the fakes; the connector
# only relies on this protocol and never imports the harness.

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    def timestamp(self) -> float: ...


class SystemClock:
    """The machine's time, for a connector run on its own."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def timestamp(self) -> float:
        return self.now().timestamp()
