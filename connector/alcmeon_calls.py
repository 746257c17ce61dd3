"""Alcméon calls of the Salesforce -> Alcméon side: custom fields, answer, embed, sends, opt-ins, inbox."""

# Faithful routes (AR 3.5-3.12) wherever Alcméon publishes one. Routing a conversation to a team and
# closing it have no public route: the simulator's extensions stand for the platform's internal calls
# (simulators/alcmeon/README.md). Calls go through the core gateway's `_send` (token, renewal, error
# classification); the embed route takes Basic auth only (embed.yaml), so it builds its own request.

from __future__ import annotations

from alcsim.connector.alcmeon import EXT, EnvironmentGateway
from alcsim.connector.retry import Permanent, Retryable

CONTACT_FIELD_LABEL = "Salesforce Contact Id"  # docs/assumptions.md: where a match is stored


def call(gateway: EnvironmentGateway, method: str, path: str, **kwargs):
    return gateway._send(method, path, **kwargs)


def contact_field_id(gateway: EnvironmentGateway) -> int:
    """The user custom field that holds the match (GET /custom-field/users/fields, AR 3.6)."""
    for meta in call(gateway, "GET", "/custom-field/users/fields") or []:
        if meta.get("label") == CONTACT_FIELD_LABEL:
            return int(meta["id"])
    raise Permanent(f"no user custom field {CONTACT_FIELD_LABEL!r} in this environment", "ALCMEON_CONFIG")


def user_fields(gateway: EnvironmentGateway, account_id: int, user_id: str) -> list[dict] | None:
    """The social user's custom field values, or None when the user is unknown (404)."""
    try:
        return call(gateway, "GET", f"/custom-field/accounts/{account_id}/users/{user_id}") or []
    except Permanent as exc:
        if ": 404 " in str(exc):
            return None
        raise


def set_user_field(gateway: EnvironmentGateway, account_id: int, user_id: str, field_id: int, value) -> None:
    body = {"user_id": user_id, "fields": [{"field_id": field_id, "field_value": value}]}
    call(gateway, "POST", f"/custom-field/accounts/{account_id}/users", json=body)


def embed(gateway: EnvironmentGateway, body: dict) -> dict:
    """POST /embed with Basic auth (embed.yaml): {url, account_id}; the account is created if missing."""
    endpoint = gateway.endpoint
    try:
        answer = gateway._session().post(
            endpoint.base_url + "/embed",
            json=body,
            auth=(endpoint.instance_id, endpoint.secret),
            timeout=endpoint.timeout,
        )
    except Exception as exc:  # requests' connection errors: the caller may try again
        raise Retryable(f"POST /embed: {exc.__class__.__name__}") from None
    return gateway._read("POST", "/embed", answer)


def answer(gateway: EnvironmentGateway, task_id: int, advisor_id: int, message: str) -> dict:
    body = {
        "message": message,
        "advisor_id": advisor_id,
        "company_id": int(gateway.endpoint.instance_id),
        "task_id": task_id,
    }
    return call(gateway, "POST", "/v1/answer/send", json=body)


def route_conversation(gateway: EnvironmentGateway, conversation_id: int, team_id: int) -> dict:
    return call(gateway, "POST", f"{EXT}/conversations/{conversation_id}/route", json={"team_id": team_id})


def close_conversation(
    gateway: EnvironmentGateway, conversation_id: int, agent_id: int, reply: str | None = None
) -> dict:
    body = {"agent_id": agent_id, **({"reply": reply} if reply else {})}
    return call(gateway, "POST", f"{EXT}/conversations/{conversation_id}/close", json=body)


def agent_by_email(gateway: EnvironmentGateway, email: str, name: str | None = None) -> int:
    """The active agent account with this e-mail, created when missing (POST /accounts, AR 3.5)."""
    for account in call(gateway, "GET", "/accounts", params={"is_active": "true"}) or []:
        if account.get("email", "").lower() == email.lower():
            return int(account["id"])
    return int(call(gateway, "POST", "/accounts", json={"email": email, "name": name or email})["id"])


def send_template(gateway: EnvironmentGateway, channel: str, body: dict) -> dict:
    return call(gateway, "POST", f"/v1/{channel}/send/", json=body)


def has_consent(gateway: EnvironmentGateway, account_id: int, phone: str) -> bool:
    """ENG-03: the phone number holds a user opt-in on this account in any opt-in (AR 3.12)."""
    wanted = phone.lstrip("+")
    for optin in call(gateway, "GET", "/v1/optins") or []:
        page = 0
        while True:
            answer = (
                call(
                    gateway,
                    "GET",
                    f"/v1/optins/{optin['id']}/user-optins",
                    params={"limit": 1000, "page": page},
                )
                or {}
            )
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


def template_sends(gateway: EnvironmentGateway) -> list[dict]:
    """Simulator extension: each send with the conversation the recipient's reply opened."""
    return call(gateway, "GET", f"{EXT}/template-sends") or []
