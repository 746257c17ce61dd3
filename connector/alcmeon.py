"""The connector's way into one Alcméon environment: requests, OAuth2 client credentials, JSON."""

# Faithful routes (AR 3.1-3.6): the token, GET /actions and its per-conversation twin, teams, social
# accounts. The org-linking settings and the conversation view (scoped id, lifecycle status) have no
# public API; the simulator serves them as extensions under /_sim/ext (simulators/alcmeon/README.md),
# which stand for Alcméon's internal data the real connector reads inside the platform. Routing a
# conversation to a team and closing it have no public route either (simulators/alcmeon/README.md).
# Every call goes through `call` (token, renewal on 401, error classification); the embed route takes
# Basic auth only (embed.yaml), so it builds its own request on the same session.

from __future__ import annotations

import threading
from dataclasses import dataclass

import requests

from alcsim.connector.clock import Clock, SystemClock
from alcsim.connector.retry import RETRYABLE_STATUS, Permanent, Retryable, parse_rate_limited_until

EXT = "/_sim/ext"
CONTACT_FIELD_LABEL = "Salesforce Contact Id"  # docs/assumptions.md: where a match is stored
# The conversations looked through for a user's newest: the list's default page (200 newest,
# simulators/alcmeon/README.md), read as a short first page and the rest.
RECENT = 200
FIRST_PAGE = 25


@dataclass
class EnvironmentEndpoint:
    name: str
    base_url: str
    instance_id: str
    secret: str
    ca_bundle: str | bool = True
    timeout: float = 10.0


class EnvironmentGateway:
    def __init__(self, endpoint: EnvironmentEndpoint, clock: Clock | None = None):
        self.endpoint = endpoint
        self.clock = clock or SystemClock()
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
        answer = self.call("POST", "/v1/oauth2/token", json=body, auth=False)
        with self._lock:
            self._token = answer["access_token"]
            return self._token

    def call(self, method: str, path: str, auth: bool = True, **kwargs):
        """One request to the environment, with a bearer token unless `auth` is False; the JSON answer."""
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
        status = answer.status_code
        message = f"{method} {path}: {status} {body}"
        if status == 429:
            # AR 3.1: the 429 body names the moment the limit lifts, on the platform's clock.
            raise Retryable(message, parse_rate_limited_until(details, self.clock.now()), status, body)
        if status in RETRYABLE_STATUS:
            raise Retryable(message, status=status, body=body)
        raise Permanent(message, "ALCMEON_API_ERROR", status, body)

    # -- faithful routes ----------------------------------------------------------------------------
    def actions_after(self, min_action_id: int) -> list[dict]:
        """AR 3.3: at most 10 actions with id > min_action_id, for catching up on missed notifications."""
        return self.call("GET", "/actions", params={"min_action_id": min_action_id}) or []

    def conversation_actions(self, conversation_id: int) -> list[dict]:
        groups = self.call("GET", f"/actions/conversations/{conversation_id}") or []
        return [action for group in groups for action in group.get("actions", [])]

    def teams(self) -> dict[str, int]:
        return {t["name"]: t["id"] for t in self.call("GET", "/teams") or []}

    def social_accounts(self) -> list[dict]:
        answer = self.call("GET", "/v1/social-accounts/", params={"limit": 100})
        return answer.get("data", answer) if isinstance(answer, dict) else answer or []

    # -- simulator extensions (the platform's internal data) ----------------------------------------
    def conversation(self, conversation_id: int) -> dict:
        return self.call("GET", f"{EXT}/conversations/{conversation_id}")

    def user_conversations(self, account_id: int, social_user_id: int) -> list[dict]:
        params = {"account_id": account_id, "social_user_id": social_user_id}
        return self.call("GET", f"{EXT}/conversations", params=params) or []

    def conversations_page(self, before_id: int, limit: int) -> list[dict]:
        """Conversations with an id below `before_id`, newest first, at most `limit` (up to 1000)."""
        params = {"before_id": before_id, "limit": limit}
        return self.call("GET", f"{EXT}/conversations", params=params) or []

    def settings(self) -> dict:
        return self.call("GET", f"{EXT}/salesforce")

    def put_organization(self, org_id: str, body: dict) -> dict:
        return self.call("PUT", f"{EXT}/salesforce/organizations/{org_id}", json=body)

    def link_account(self, account_id: int, org_id: str, enabled: bool) -> dict:
        return self.call(
            "PUT", f"{EXT}/salesforce/links/{account_id}", json={"org_id": org_id, "enabled": enabled}
        )

    def map_team(self, team_id: int, org_id: str, queue_id: str) -> dict:
        body = {"org_id": org_id, "queue_id": queue_id}
        return self.call("PUT", f"{EXT}/salesforce/team-queues/{team_id}", json=body)

    def set_webhook(self, url: str, enabled: bool = True) -> dict:
        return self.call("PUT", f"{EXT}/application/webhook", json={"url": url, "enabled": enabled})

    # -- CRM sync errors on messages (SYNC-10; a simulator extension, see simulators/alcmeon/crm_errors.py) --
    def report_crm_error(self, message_id: int, org_id: str, details: str) -> dict:
        return self.call("PUT", f"{EXT}/messages/{message_id}/crm-errors/{org_id}", json={"details": details})

    def settle_crm_error(self, message_id: int, org_id: str, state: str) -> None:
        self.call("DELETE", f"{EXT}/messages/{message_id}/crm-errors/{org_id}", params={"state": state})

    # -- the Salesforce -> Alcméon side: custom fields, answer, embed, sends, opt-ins, inbox ---------
    def contact_field_id(self) -> int:
        """The user custom field that holds the match (GET /custom-field/users/fields, AR 3.6)."""
        for meta in self.call("GET", "/custom-field/users/fields") or []:
            if meta.get("label") == CONTACT_FIELD_LABEL:
                return int(meta["id"])
        raise Permanent(f"no user custom field {CONTACT_FIELD_LABEL!r} in this environment", "ALCMEON_CONFIG")

    def user_fields(self, account_id: int, user_id: str) -> list[dict] | None:
        """The social user's custom field values, or None when the user is unknown (404)."""
        try:
            return self.call("GET", f"/custom-field/accounts/{account_id}/users/{user_id}") or []
        except Permanent as exc:
            if exc.status == 404:
                return None
            raise

    def set_user_field(self, account_id: int, user_id: str, field_id: int, value) -> None:
        body = {"user_id": user_id, "fields": [{"field_id": field_id, "field_value": value}]}
        self.call("POST", f"/custom-field/accounts/{account_id}/users", json=body)

    def embed(self, body: dict) -> dict:
        """POST /embed with Basic auth (embed.yaml): {url, account_id}; the account is created if missing."""
        endpoint = self.endpoint
        try:
            answer = self._session().post(
                endpoint.base_url + "/embed",
                json=body,
                auth=(endpoint.instance_id, endpoint.secret),
                timeout=endpoint.timeout,
            )
        except requests.RequestException as exc:  # the caller may try again
            raise Retryable(f"POST /embed: {exc.__class__.__name__}") from None
        return self._read("POST", "/embed", answer)

    def answer(self, task_id: int, advisor_id: int, message: str) -> dict:
        body = {
            "message": message,
            "advisor_id": advisor_id,
            "company_id": int(self.endpoint.instance_id),
            "task_id": task_id,
        }
        return self.call("POST", "/v1/answer/send", json=body)

    def route_conversation(self, conversation_id: int, team_id: int) -> dict:
        return self.call("POST", f"{EXT}/conversations/{conversation_id}/route", json={"team_id": team_id})

    def close_conversation(self, conversation_id: int, agent_id: int, reply: str | None = None) -> dict:
        body = {"agent_id": agent_id, **({"reply": reply} if reply else {})}
        return self.call("POST", f"{EXT}/conversations/{conversation_id}/close", json=body)

    def account_conversations(
        self, account_id: int, limit: int | None = None, before_id: int | None = None
    ) -> list[dict]:
        """The inbox's view of an account's conversations, newest first (simulator extension, the
        platform's own data): 200 a page unless `limit`, those below `before_id` when given."""
        params = {"account_id": account_id}
        if limit is not None:
            params["limit"] = limit
        if before_id is not None:
            params["before_id"] = before_id
        return self.call("GET", f"{EXT}/conversations", params=params) or []

    def latest_user_conversation(self, account_id: int, user_id: str) -> dict | None:
        """The user's newest conversation on the account, in the inbox's view (with the user's id, name
        and current match), or None when the user has none among the account's newest RECENT. The public
        API names a user only by account and user id (AR 3.6) and the list filters by the platform's user
        id, so the list is read newest first: its first row of the user is the user's newest. An agent
        binds from a conversation open in the inbox, most often among the newest, so a short first page
        usually finds it; the rest of the RECENT rows follow in one page."""
        before: int | None = None
        for limit in (FIRST_PAGE, RECENT - FIRST_PAGE):
            rows = self.account_conversations(account_id, limit=limit, before_id=before)
            found = next((c for c in rows if c["social_user"]["user_id"] == user_id), None)
            if found is not None or len(rows) < limit:
                return found
            before = rows[-1]["id"]
        return None

    def agent_by_email(self, email: str, name: str | None = None) -> int:
        """The active agent account with this e-mail, created when missing (POST /accounts, AR 3.5)."""
        found = self._active_agent(email)
        if found is not None:
            return found
        try:
            return int(self.call("POST", "/accounts", json={"email": email, "name": name or email})["id"])
        except Permanent as exc:
            # AR 3.5: 400 when the e-mail exists; a callout handled beside this one created it since.
            error = exc.body.get("error") if isinstance(exc.body, dict) else None
            if (
                exc.status != 400
                or not isinstance(error, dict)
                or error.get("reason") != "email-already-exists"
            ):
                raise
            found = self._active_agent(email)
            if found is None:  # the account exists but is inactive: not an agent who may act
                raise
            return found

    def _active_agent(self, email: str) -> int | None:
        for account in self.call("GET", "/accounts", params={"is_active": "true"}) or []:
            if account.get("email", "").lower() == email.lower():
                return int(account["id"])
        return None

    def send_template(self, channel: str, body: dict) -> dict:
        return self.call("POST", f"/v1/{channel}/send/", json=body)

    def kakaotalk_templates(self, account_id: int, template_id: int) -> list[dict]:
        """KakaoTalk publishes its templates, with their language (AR 3.11); WhatsApp's are not in the API."""
        answer = self.call(
            "POST", "/v1/kakaotalk/templates", json={"account_id": account_id, "id": template_id}
        )
        return (answer or {}).get("data") or []

    def has_consent(self, account_id: int, phone: str) -> bool:
        """ENG-03: the phone number holds a user opt-in on this account in any opt-in (AR 3.12)."""
        wanted = phone.lstrip("+")
        for optin in self.call("GET", "/v1/optins") or []:
            page = 0
            while True:
                params = {"limit": 1000, "page": page}
                answer = self.call("GET", f"/v1/optins/{optin['id']}/user-optins", params=params) or {}
                for row in answer.get("data", []):
                    if (
                        row.get("account_id") == account_id
                        and row.get("user_phone_number", "").lstrip("+") == wanted
                    ):
                        return True
                if not answer.get("next"):
                    break
                page += 1
        return False

    def template_sends(self) -> list[dict]:
        """Simulator extension: each send with the conversation the recipient's reply opened."""
        return self.call("GET", f"{EXT}/template-sends") or []
