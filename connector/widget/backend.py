"""Widget backend (WIDGET-01 to WIDGET-05): resolve the record a user opens, embed, reply and close."""

# Who is asking: the widget's page in the org (the package's Lightning component and its Apex) passes
# the Salesforce user id, the record id and the time, signed with the Named Credential secret the
# package already shares with the connector for its callouts (hex HMAC-SHA256 of
# "<org id>\n<user id>\n<record id>\n<issued at>", each id in its 18-character form). The signature
# covers the whole of each value: an id is normalised to 18 characters only when it is a valid id (its
# checksum agrees), and anything else is refused before it is signed or queried, so no text can ride
# along a signed id (issue 13, defect 1). The connector accepts a signature up to SIGNATURE_SECONDS old
# and reads the user's e-mail, language, time zone and permission sets from the org itself, so a page
# cannot claim rights it does not have (docs/assumptions.md, "Widget").

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

from alcsim.connector.app import Refused
from alcsim.connector.salesforce import CONVERSATION
from alcsim.connector.scoped_ids import conversation_id_of, environment_of, scope_of_instance
from alcsim.connector.soql import is_id, soql, to18

SIGNATURE_SECONDS = 900
CASE_PREFIX = "500"
EMBED_FORMAT = "mobile-vertical"  # embed.yaml: the only format
# WIDGET-04 (AR 3.9): rights from the user's permission sets; the package ships these two.
PERMISSIONS = (("Alcmeon_Admin", "read-answer-moderate"), ("Alcmeon_Agent", "read-answer"))
READ_ONLY = "read"


class WidgetError(Refused):
    """A widget call refused: the status, and a code the org's page shows (connector/app.py envelope)."""

    default_code = "widget-error"


# -- rules ------------------------------------------------------------------------------------------------
def signed_text(org_id: str, user_id: str, record_id: str, issued_at: int | str) -> bytes | None:
    """What is signed: the three ids in their 18-character form and the time; None when one is no id."""
    ids = [to18(org_id), to18(user_id), to18(record_id)]
    if None in ids:
        return None
    return "\n".join([*ids, str(issued_at)]).encode()


def widget_signature(secret: str, org_id: str, user_id: str, record_id: str, issued_at: int | str) -> str:
    """What the org's page sends in `signature` (either form of a valid id signs alike); "" for a non-id."""
    text = signed_text(org_id, user_id, record_id, issued_at)
    return hmac.new(secret.encode(), text, hashlib.sha256).hexdigest() if text is not None else ""


def signature_ok(
    secrets: list[str],
    org_id: str,
    user_id: str,
    record_id: str,
    issued_at: str,
    signature: str,
    now: float,
    max_age: float = SIGNATURE_SECONDS,
) -> bool:
    """Any of the org's callout secrets signed it, and it is neither too old nor from the future."""
    try:
        age = now - int(issued_at)
    except (TypeError, ValueError):
        return False
    if not -60 <= age <= max_age or not isinstance(signature, str) or not signature:
        return False
    if signed_text(org_id, user_id, record_id, issued_at) is None:
        return False
    return any(
        hmac.compare_digest(widget_signature(s, org_id, user_id, record_id, issued_at), signature.lower())
        for s in secrets
    )


def permission_for(permission_sets: list[str]) -> str:
    """WIDGET-04: Alcmeon_Admin may answer and moderate, Alcmeon_Agent may answer, anyone else reads."""
    names = {n.lower() for n in permission_sets}
    return next((right for name, right in PERMISSIONS if name.lower() in names), READ_ONLY)


def language_of(language_locale_key: str | None) -> str:
    """WIDGET-03: Salesforce's LanguageLocaleKey (en_US, fr, pt_BR) as a language tag (en-US, fr, pt-BR)."""
    return (language_locale_key or "en_US").replace("_", "-")


def embed_url(url: str, language: str, time_zone: str) -> str:
    """WIDGET-03: the embed opens in the user's language and time zone (query parameters lang and tz)."""
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'lang': language, 'tz': time_zone})}"


# -- I/O --------------------------------------------------------------------------------------------------
class Widget:
    def __init__(self, connector):
        self.connector = connector

    def org(self, name: str):
        if name not in self.connector.orgs():
            raise WidgetError(404, f"no org {name!r}")
        return self.connector.org(name)

    def secrets(self, org: str) -> list[str]:
        return [s for (o, _env), s in self.connector.config.callout_secrets.items() if o == org]

    def environments_of(self, org: str) -> list[str]:
        return sorted({env for (o, env) in self.connector.config.callout_secrets if o == org})

    def verify(self, org: str, record_id: str, args) -> str:
        """The Salesforce user the signed parameters name (WIDGET-01: the user on the record page)."""
        gateway = self.org(org)
        user_id = args.get("user_id", "")
        if not is_id(record_id):
            # Refused before anything is checked or queried: a signed id with text appended is no id.
            raise WidgetError(400, f"{record_id[:40]!r} is not a Salesforce id", "bad-id")
        if not signature_ok(
            self.secrets(org),
            gateway.organization_id,
            user_id,
            record_id,
            args.get("issued_at", ""),
            args.get("signature", ""),
            self.connector.clock.timestamp(),  # the shared clock: the age of a signature is simulated time
        ):
            raise WidgetError(401, "bad or expired widget signature", "bad-signature")
        return user_id

    def user(self, org: str, user_id: str) -> dict:
        gateway = self.org(org)
        if not is_id(user_id):
            raise WidgetError(400, "user_id is a Salesforce User id")
        rows = gateway.query_all(
            soql(
                "SELECT Id, Email, Name, IsActive, LanguageLocaleKey, TimeZoneSidKey, LocaleSidKey"
                " FROM User WHERE Id = {:id}",
                user_id,
            )
        )
        if not rows or not rows[0]["IsActive"]:
            raise WidgetError(403, f"no active user {user_id} in org {org!r}", "inactive-user")
        sets = gateway.query_all(
            soql("SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE AssigneeId = {:id}", user_id)
        )
        user = rows[0]
        names = [s["PermissionSet"]["Name"] for s in sets if s.get("PermissionSet")]
        return {
            "id": user["Id"],
            "email": user["Email"],
            "name": user["Name"],
            "permission_sets": names,
            "permission": permission_for(names),
            "language": language_of(user["LanguageLocaleKey"]),
            "time_zone": user["TimeZoneSidKey"],
            "locale": user["LocaleSidKey"],
        }

    def conversation_record(self, org: str, record_id: str) -> dict | None:
        """WIDGET-01 (a conversation record) or WIDGET-02 (a Case: its newest conversation record)."""
        if not is_id(record_id):
            raise WidgetError(400, f"{record_id!r} is not a Salesforce id")
        if record_id.startswith(CASE_PREFIX):
            rows = self.org(org).query_all(
                soql(
                    "SELECT Id, alcmeon__scoped_id__c, alcmeon__Case__c, alcmeon__Status__c FROM {:name}"
                    " WHERE alcmeon__Case__c = {:id} ORDER BY CreatedDate DESC, Id DESC LIMIT 1",
                    CONVERSATION,
                    record_id,
                )
            )
            return rows[0] if rows else None
        rows = self.org(org).query_all(
            soql(
                "SELECT Id, alcmeon__scoped_id__c, alcmeon__Case__c, alcmeon__Status__c FROM {:name}"
                " WHERE Id = {:id}",
                CONVERSATION,
                record_id,
            )
        )
        if not rows:
            raise WidgetError(404, f"no {CONVERSATION} or Case {record_id} in org {org!r}")
        return rows[0]

    def locate(self, record: dict) -> tuple[str, int]:
        scopes = {
            scope_of_instance(g.endpoint.instance_id): n for n, g in self.connector.environments().items()
        }
        env = environment_of(record["alcmeon__scoped_id__c"], scopes)
        if env is None:
            raise WidgetError(409, f"record {record['Id']} comes from no environment of this connector")
        return env, conversation_id_of(record["alcmeon__scoped_id__c"])

    def embed(self, env: str, conversation_id: int, user: dict) -> dict:
        """WIDGET-03/04 (AR 3.9): an embed for the user's e-mail with their rights; Alcméon creates the
        agent account from the e-mail when it does not exist yet."""
        body = {
            "embed_id": {"conversation_id": conversation_id},
            "email": user["email"],
            "username": user["name"],
            "format": EMBED_FORMAT,
            "permission": user["permission"],
        }
        answer = self.connector.environment(env).embed(body)
        return {
            "url": embed_url(answer["url"], user["language"], user["time_zone"]),
            "account_id": answer["account_id"],
        }

    def conversation_view(self, org: str, record: dict, user: dict) -> dict:
        env, conversation_id = self.locate(record)
        conversation = self.connector.environment(env).conversation(conversation_id)
        return {
            "mode": "conversation",
            "environment": env,
            "record_id": record["Id"],
            "case_id": record.get("alcmeon__Case__c"),
            "conversation": {
                "id": conversation_id,
                "scoped_id": conversation["scoped_id"],
                "status": conversation["status"],
                "channel": conversation["account"]["type"],
                "user_name": conversation["social_user"]["name"],
            },
            "user": {k: user[k] for k in ("id", "email", "permission", "language", "time_zone", "locale")},
            "embed": self.embed(env, conversation_id, user),
        }

    def act(self, org: str, record_id: str, user: dict, text: str, close: bool) -> dict:
        """WIDGET-04: reply on the channel as the user's Alcméon agent; WIDGET-05: reply and close at once."""
        if not isinstance(text, str) or not text.strip():
            raise WidgetError(400, "the reply text is empty", "empty-message")
        if user["permission"] == READ_ONLY:
            raise WidgetError(
                403, "the user has neither Alcmeon_Agent nor Alcmeon_Admin", "insufficient-permissions"
            )
        record = self.conversation_record(org, record_id)
        if record is None:
            raise WidgetError(409, f"Case {record_id} has no conversation yet", "no-conversation")
        env, conversation_id = self.locate(record)
        gateway = self.connector.environment(env)
        agent = self.embed(env, conversation_id, user)["account_id"]
        conversation = gateway.conversation(conversation_id)
        if conversation["status"] == "closed":
            raise WidgetError(409, f"conversation {conversation_id} is closed", "conversation-closed")
        if close:
            done = gateway.close_conversation(conversation_id, agent, text)
            return {
                "status": "closed",
                "conversation_id": conversation_id,
                "agent_id": agent,
                "action_ids": done.get("action_ids", []),
            }
        task_id = conversation["tasks"][-1]["id"]
        gateway.answer(task_id, agent, text)
        return {
            "status": "started",
            "conversation_id": conversation_id,
            "task_id": task_id,
            "agent_id": agent,
        }
