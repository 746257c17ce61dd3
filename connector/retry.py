"""Which failures are worth another try, and when: back-off with jitter, Retry-After, rate_limited_until."""

# The engine retries a whole job, durably (the job row keeps its attempt count and next time), so a
# restart does not forget a back-off. Gateways raise these two exceptions; nothing else is caught. Both
# are a `CallFailed`, which carries the HTTP status and body of the answer, so no caller reads a status
# out of a message.

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
# salesforce-contract.md 3.3: the daily API limit answers 403 REQUEST_LIMIT_EXCEEDED; it clears later.
RETRYABLE_SALESFORCE_CODES = frozenset({"REQUEST_LIMIT_EXCEEDED", "SERVER_UNAVAILABLE", "UNABLE_TO_LOCK_ROW"})


class CallFailed(Exception):
    """A failed call to an org or an environment: `status` and `body` of its answer, None without one."""

    def __init__(self, message: str, status: int | None = None, body=None):
        super().__init__(message)
        self.status = status
        self.body = body


class Retryable(CallFailed):
    """A failure that may pass later (5xx, timeout, dropped connection, 429, REQUEST_LIMIT_EXCEEDED)."""

    def __init__(self, message: str, retry_after: float | None = None, status: int | None = None, body=None):
        super().__init__(message, status, body)
        self.retry_after = retry_after


class Permanent(CallFailed):
    """A failure that will fail again the same way; it becomes a sync error an admin handles (SYNC-10)."""

    def __init__(self, message: str, code: str = "CRM_SYNCHRO_ERROR", status: int | None = None, body=None):
        super().__init__(message, status, body)
        self.code = code


def backoff(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2**attempt)], never below base/2."""
    ceiling = min(cap, base * (2 ** max(0, attempt)))
    return max(base / 2, rng.uniform(0, ceiling))


def next_delay(attempt: int, retry_after: float | None, base: float, cap: float, rng: random.Random) -> float:
    """The server's own wait wins when it gives one (Retry-After, rate_limited_until), else back-off."""
    if retry_after is not None and retry_after >= 0:
        return min(max(retry_after, 0.0), cap * 10)
    return backoff(attempt, base, cap, rng)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """RFC 9110 Retry-After: delta-seconds or an HTTP-date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


_UNTIL = re.compile(r"rate_limited_until'?\"?\s*:\s*'?\"?([0-9T:\-.]+Z?)")


def parse_rate_limited_until(details, now: datetime) -> float | None:
    """AR 3.1: a 429's details is a string like "{'rate_limited_until': '2024-01-22T13:05:41Z'}"."""
    match = _UNTIL.search(str(details or ""))
    if not match:
        return None
    text = match.group(1).replace("Z", "+00:00")
    try:
        until = datetime.fromisoformat(text)
    except ValueError:
        return None
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    return max(0.0, (until - now).total_seconds())


def classify_salesforce(status: int, errors: list | dict | None) -> tuple[bool, str]:
    """(retryable, message) for an org's error answer; its body is a list of {errorCode, message}."""
    items = errors if isinstance(errors, list) else [errors] if isinstance(errors, dict) else []
    codes = [str(e.get("errorCode") or e.get("statusCode") or "") for e in items if isinstance(e, dict)]
    message = "; ".join(f"{c}: {e.get('message', '')}" for c, e in zip(codes, items, strict=False)) or str(
        status
    )
    retryable = status in RETRYABLE_STATUS or any(c in RETRYABLE_SALESFORCE_CODES for c in codes)
    return retryable, f"HTTP {status} {message}"
