"""The connector's way into one Alcméon environment: requests, OAuth2 client credentials, JSON."""

# Faithful routes (AR 3.1-3.6): the token, GET /actions and its per-conversation twin, teams, social
# accounts. The org-linking settings and the conversation view (scoped id, lifecycle status) have no
# public API; the simulator serves them as extensions under /_sim/ext (simulators/alcmeon/README.md),
# which stand for Alcméon's internal data the real connector reads inside the platform.

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import requests

from alcsim.connector.retry import RETRYABLE_STATUS, Permanent, Retryable, parse_rate_limited_until

EXT = "/_sim/ext"


@dataclass
class EnvironmentEndpoint:
    name: str
    base_url: str
    instance_id: str
    secret: str
    ca_bundle: str | bool = True
    timeout: float = 10.0


class EnvironmentGateway:
    def __init__(self, endpoint: EnvironmentEndpoint):
        self.endpoint = endpoint
        self._lock = threading.Lock()
        self._token: str | None = None
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # the machine's REQUESTS_CA_BUNDLE would override verify
            session.verify = self.endpoint.ca_bundle
            self._local.session = session
        return session

    def token(self, renew: bool = False) -> str:
        """AR 3.1: POST /v1/oauth2/token with the instance id and application secret; valid one hour."""
        with self._lock:
            if self._token and not renew:
                return self._token
        body = {
            "grant_type": "client_credentials",
            "client_id": self.endpoint.instance_id,
            "client_secret": self.endpoint.secret,
        }
        answer = self._send("POST", "/v1/oauth2/token", json=body, auth=False)
        with self._lock:
            self._token = answer["access_token"]
            return self._token

    def _send(self, method: str, path: str, auth: bool = True, **kwargs):
        url = self.endpoint.base_url + path
        for attempt in (0, 1):
            headers = {"Authorization": f"Bearer {self.token(renew=attempt == 1)}"} if auth else {}
            try:
                answer = self._session().request(
                    method, url, headers=headers, timeout=self.endpoint.timeout, **kwargs
                )
            except requests.Timeout:
                raise Retryable(f"{method} {path} timed out") from None
            except requests.RequestException as exc:
                raise Retryable(f"{method} {path}: connection failed ({exc.__class__.__name__})") from None
            if answer.status_code == 401 and auth and attempt == 0:
                continue  # an expired token (one hour, AR 3.1): take a new one once
            return self._read(method, path, answer)
        raise AssertionError("unreachable")

    def _read(self, method: str, path: str, answer: requests.Response):
        if answer.status_code < 300:
            return answer.json() if answer.content else None
        try:
            body = answer.json()
        except ValueError:
            body = {"error": answer.text[:200]}
        details = body.get("details") if isinstance(body, dict) else body
        message = f"{method} {path}: {answer.status_code} {body}"
        if answer.status_code == 429:
            # AR 3.1: the 429 body names the moment the limit lifts.
            raise Retryable(message, parse_rate_limited_until(details, datetime.now(UTC)))
        if answer.status_code in RETRYABLE_STATUS:
            raise Retryable(message)
        raise Permanent(message, "ALCMEON_API_ERROR")

    # -- faithful routes ----------------------------------------------------------------------------
    def actions_after(self, min_action_id: int) -> list[dict]:
        """AR 3.3: at most 10 actions with id > min_action_id, for catching up on missed notifications."""
        return self._send("GET", "/actions", params={"min_action_id": min_action_id}) or []

    def conversation_actions(self, conversation_id: int) -> list[dict]:
        groups = self._send("GET", f"/actions/conversations/{conversation_id}") or []
        return [action for group in groups for action in group.get("actions", [])]

    def teams(self) -> dict[str, int]:
        return {t["name"]: t["id"] for t in self._send("GET", "/teams") or []}

    def social_accounts(self) -> list[dict]:
        answer = self._send("GET", "/v1/social-accounts/", params={"limit": 100})
        return answer.get("data", answer) if isinstance(answer, dict) else answer or []

    # -- simulator extensions (the platform's internal data) ----------------------------------------
    def conversation(self, conversation_id: int) -> dict:
        return self._send("GET", f"{EXT}/conversations/{conversation_id}")

    def user_conversations(self, account_id: int, social_user_id: int) -> list[dict]:
        params = {"account_id": account_id, "social_user_id": social_user_id}
        return self._send("GET", f"{EXT}/conversations", params=params) or []

    def settings(self) -> dict:
        return self._send("GET", f"{EXT}/salesforce")

    def put_organization(self, org_id: str, body: dict) -> dict:
        return self._send("PUT", f"{EXT}/salesforce/organizations/{org_id}", json=body)

    def link_account(self, account_id: int, org_id: str, enabled: bool) -> dict:
        return self._send(
            "PUT", f"{EXT}/salesforce/links/{account_id}", json={"org_id": org_id, "enabled": enabled}
        )

    def map_team(self, team_id: int, org_id: str, queue_id: str) -> dict:
        body = {"org_id": org_id, "queue_id": queue_id}
        return self._send("PUT", f"{EXT}/salesforce/team-queues/{team_id}", json=body)

    def set_webhook(self, url: str, enabled: bool = True) -> dict:
        return self._send("PUT", f"{EXT}/application/webhook", json={"url": url, "enabled": enabled})

    # -- CRM sync errors on messages (SYNC-10; a simulator extension, see simulators/alcmeon/crm_errors.py) --
    def report_crm_error(self, message_id: int, org_id: str, details: str) -> dict:
        return self._send(
            "PUT", f"/_sim/ext/messages/{message_id}/crm-errors/{org_id}", json={"details": details}
        )

    def settle_crm_error(self, message_id: int, org_id: str, state: str) -> None:
        self._send("DELETE", f"/_sim/ext/messages/{message_id}/crm-errors/{org_id}", params={"state": state})
