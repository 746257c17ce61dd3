"""HMAC-SHA256 signatures of Alcméon notifications and of the package's callouts, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac


def webhook_signature(secret: str, path: str, body: bytes) -> str:
    """AR 3.2 (code sample wins, docs/assumptions.md): hex HMAC-SHA256 of path + b' ' + body, path without query."""
    return hmac.new(secret.encode(), path.encode() + b" " + body, hashlib.sha256).hexdigest()


def callout_signature(secret: str, body: bytes) -> str:
    """The package callout contract: hex HMAC-SHA256 of the raw body keyed by the shared secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def valid(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), given.strip().lower().encode())
