"""Who is calling: Basic (instance id, application secret) or an OAuth2 Bearer token, and per-route rate limits."""

from __future__ import annotations

import base64
import binascii
import hmac
import string
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

from alcsim.simulators.alcmeon.config import EnvironmentConfig
from alcsim.simulators.alcmeon.errors import AlcmeonError, BadRequest, Forbidden, Unauthorized
from alcsim.simulators.alcmeon.store import Store, loads

TOKEN_LIFETIME_SECONDS = 3600  # AR 3.1: one hour
TOKEN_ALPHABET = string.ascii_letters + string.digits


class RateLimited(AlcmeonError):
    """AR 3.1: 429 `{error, details}` where details reads `{'rate_limited_until': '...Z'}`."""

    def __init__(self, until: float):
        moment = datetime.fromtimestamp(until, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        super().__init__(429, "Rate limit reached", str({"rate_limited_until": moment}))
        self.until = until


class RateLimiter:
    """A sliding one-minute window per (caller, route) on the environment's clock."""

    def __init__(self, config: EnvironmentConfig, now: Callable[[], float]):
        self.config = config
        self.now = now
        self._hits: dict[tuple, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, caller, route: str) -> None:
        if not self.config.rate_limits_enabled:
            return
        limit = self.config.limit_for(route)
        now = self.now()
        with self._lock:
            hits = self._hits.setdefault((caller, route), deque())
            while hits and hits[0] <= now - 60:
                hits.popleft()
            if len(hits) >= limit:
                raise RateLimited(hits[0] + 60)
            hits.append(now)

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()


class Credentials:
    def __init__(
        self, store: Store, config: EnvironmentConfig, now: Callable[[], float], token: Callable[[], str]
    ):
        self.store = store
        self.config = config
        self.now = now
        self.new_token = token

    def _by_secret(self, client_id: str, secret: str) -> dict | None:
        if not hmac.compare_digest(client_id.encode(), self.config.instance_id.encode()):
            return None
        for app in self.store.all("SELECT * FROM applications"):
            if hmac.compare_digest(app["secret"].encode(), secret.encode()):
                return app
        return None

    def authenticate(self, header: str | None, basic_only: bool = False) -> dict:
        if not header:
            raise Unauthorized("an Authorization header is required (Basic or Bearer)")
        scheme, _, value = header.partition(" ")
        scheme = scheme.lower()
        if scheme == "basic":
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise Unauthorized("malformed Basic credentials") from None
            client_id, _, secret = decoded.partition(":")
            app = self._by_secret(client_id, secret)
            if app is None:
                raise Unauthorized("invalid instance id or application secret")
            return app
        if scheme == "bearer" and not basic_only:
            row = self.store.one("SELECT * FROM tokens WHERE token = ?", value.strip())
            if row is None:
                raise Unauthorized("invalid access token")
            if row["expires_at"] <= self.now():
                raise Unauthorized("the access token has expired")
            return self.store.one("SELECT * FROM applications WHERE id = ?", row["application_id"])
        raise Unauthorized(
            "Basic authentication is required" if basic_only else "unsupported authorization scheme"
        )

    @staticmethod
    def require(app: dict, permission: str | None) -> None:
        if permission and permission not in loads(app["permissions"], []):
            raise Forbidden(
                "insufficient-permissions", f"the application lacks the {permission!r} permission"
            )

    def issue_token(self, body, header: str | None) -> dict:
        """AR 3.1 / OAS oauth.yaml: client credentials in the JSON body, Basic auth optional."""
        if not isinstance(body, dict):
            raise BadRequest("invalid_request", "the body is a JSON object")
        for name in ("grant_type", "client_id", "client_secret"):
            if not isinstance(body.get(name), str):
                raise BadRequest("invalid_request", f"{name} is required")
        if body["grant_type"] != "client_credentials":
            raise BadRequest("unsupported_grant_type", "grant_type must be client_credentials")
        if header:
            self.authenticate(header, basic_only=True)
        app = self._by_secret(body["client_id"], body["client_secret"])
        if app is None:
            raise AlcmeonError(401, "invalid_client", "invalid client id or secret")
        token = self.new_token()
        expires = self.now() + TOKEN_LIFETIME_SECONDS
        self.store.run(
            "INSERT INTO tokens (token, application_id, expires_at) VALUES (?, ?, ?)",
            token,
            app["id"],
            expires,
        )
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "expires_at": datetime.fromtimestamp(expires, UTC).isoformat(),
        }
