"""Sessions and logins: OAuth2 token grants, the SOAP partner login, expiry on the org's clock (SC 1.2, 3.1)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from alcsim.simulators.salesforce import errors

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.org import Org


class OAuthError(Exception):
    """An OAuth failure, answered as `{"error", "error_description"}` with status 400 (SC 3.1)."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


@dataclass
class Session:
    token: str
    user_id: str
    issued: datetime
    expires: datetime
    app: str | None = None


class Sessions:
    """Tokens begin with the org id, like real session ids, so a token of another org is never valid here."""

    def __init__(self, org: Org):
        self.org = org
        self._sessions: dict[str, Session] = {}
        self._revoked: set[str] = set()
        self._lock = threading.Lock()

    def open(self, user_id: str, app: str | None = None) -> Session:
        now = self.org.clock.now()
        token = f"{self.org.id[:15]}!{self.org.ids.token(96)}"
        session = Session(token, user_id, now, now + timedelta(seconds=self.org.config.session_seconds), app)
        with self._lock:
            self._sessions[token] = session
        return session

    def check(self, header: str | None) -> Session:
        token = (header or "").removeprefix("Bearer ").removeprefix("OAuth ").strip()
        with self._lock:
            session = self._sessions.get(token)
        if session is None or self.org.clock.now() >= session.expires:
            raise errors.InvalidSessionId("Session expired or invalid")
        return session

    def revoke(self, token: str) -> None:
        with self._lock:
            self._sessions.pop(token, None)
            if token.startswith("5Aep"):
                self._revoked.add(token)

    def clear(self) -> None:
        with self._lock:
            self._sessions.clear()

    def refresh_token(self, client_id: str, username: str) -> str:
        """A refresh token 'valid until revoked', the only policy Alcméon supports (alcmeon-reference 1.9).

        Derived from the org and the pair it belongs to, so it survives a restart of an org kept in a data dir.
        """
        key = f"{self.org.id}:{self.org.config.seed}".encode()
        digest = hmac.new(key, f"{client_id}|{username.lower()}".encode(), hashlib.sha256).hexdigest()
        return f"5Aep{digest}"

    def _refresh_owner(self, token: str) -> tuple[str, str] | None:
        for app in self.org.config.connected_apps:
            for user in self.org.config.users:
                if hmac.compare_digest(self.refresh_token(app.client_id, user.username), token):
                    return None if token in self._revoked else (app.client_id, user.username)
        return None

    # -- credentials -----------------------------------------------------------------------------------
    def _user(self, username: str, password: str):
        for user in self.org.config.users:
            # 127.0.0.1 is treated as a trusted IP range: the security token is optional.
            if user.username.lower() == (username or "").lower() and password in (
                user.password,
                user.password + user.security_token,
            ):
                if not user.active:
                    return None
                return user
        return None

    def _app(self, client_id: str, client_secret: str | None):
        for app in self.org.config.connected_apps:
            if app.client_id == client_id and (client_secret is None or app.client_secret == client_secret):
                return app
        return None

    def token_grant(self, form: dict, authorization: str | None) -> tuple[Session, str | None]:
        grant = form.get("grant_type")
        if grant == "password":
            app = self._app(form.get("client_id", ""), form.get("client_secret", ""))
            if app is None:
                raise OAuthError("invalid_client_id", "client identifier invalid")
            user = self._user(form.get("username", ""), form.get("password", ""))
            if user is None:
                raise OAuthError("invalid_grant", "authentication failure")
            return self.open(self.org.user_id(user.username), app.name), None
        if grant == "client_credentials":
            client_id, client_secret = form.get("client_id"), form.get("client_secret")
            if authorization and authorization.startswith("Basic "):
                try:
                    client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
                except (ValueError, UnicodeDecodeError):
                    raise OAuthError("invalid_client", "invalid client credentials") from None
            app = self._app(client_id or "", client_secret or "")
            if app is None:
                raise OAuthError("invalid_client", "invalid client credentials")
            username = app.run_as or self.org.config.integration_user.username
            return self.open(self.org.user_id(username), app.name), None
        if grant == "refresh_token":
            owner = self._refresh_owner(form.get("refresh_token", ""))
            if owner is None:
                raise OAuthError("invalid_grant", "expired access/refresh token")
            app = self._app(form.get("client_id", ""), None)
            if app is None or app.client_id != owner[0]:
                raise OAuthError("invalid_client_id", "client identifier invalid")
            if form.get("client_secret") is not None and form["client_secret"] != app.client_secret:
                raise OAuthError("invalid_client", "invalid client credentials")
            return self.open(self.org.user_id(owner[1]), app.name), None
        raise OAuthError("unsupported_grant_type", "grant type not supported")

    def soap_login(self, username: str, password: str) -> Session:
        user = self._user(username, password)
        if user is None:
            raise errors.InvalidLogin(
                "INVALID_LOGIN: Invalid username, password, security token; or user locked out."
            )
        return self.open(self.org.user_id(user.username), "SOAP")
