"""What happened, in sentences a demo audience reads: Alcméon actions, package callouts, synced records."""

# Each function takes what the dashboard read over HTTP (an action of GET /actions, a connector job of
# /admin/jobs, a row of SOQL) and returns an Event: a sentence and the link to the thing it speaks of
# (the inbox conversation, the org's record page through the dashboard's /enter/<org>). Channel names are
# the products' own spellings.

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from alcsim.simulators.alcmeon.page_text import CHANNEL_NAMES  # the one map of the products' spellings

TEAM_TAG_ID = 1  # docs/assumptions.md: routing to a team is a `tag` action on the reserved tag id 1


@dataclass
class Event:
    source: str  # the environment, org or connector it happened in
    kind: str  # the vendor's word (action type, job type): for filters and tests, never shown alone
    text: str
    link: str = ""  # where to look: an inbox conversation or a record page
    link_text: str = ""


def channel_name(channel: str | None) -> str:
    return CHANNEL_NAMES.get(channel or "", (channel or "a channel").capitalize())


def record_link(org: str, sobject: str, record_id: str) -> str:
    """The record page in `org`, opened as the org's agent through the dashboard (one click, logged in)."""
    return f"/enter/{quote(org)}?to=" + quote(f"/lightning/r/{sobject}/{record_id}/view", safe="")


def _agent(user: dict, salesforce_emails: set[str]) -> tuple[str, str]:
    """Who acted, and where: an agent made from a Salesforce user's e-mail acts from Salesforce's widget."""
    name = user.get("name") or user.get("email") or "an agent"
    if (user.get("email") or "").lower() in salesforce_emails:
        return f"Agent {name}", " from Salesforce"
    return ("The Alcméon bot", "") if user.get("is_bot") else (f"Agent {name}", " in Alcméon")


def action_event(env: str, inbox_url: str, action: dict, salesforce_emails: set[str] = frozenset()) -> Event:
    """One action of an environment (synchronize.yaml's Action), told in a sentence."""
    kind = action.get("type", "")
    task = action.get("task") or {}
    conversation = task.get("conversation_id") or (task.get("conversation") or {}).get("id")
    account = action.get("account") or {}
    channel, brand = channel_name(account.get("type")), account.get("name") or env
    user = action.get("user") or {}
    who, where = _agent(user, {e.lower() for e in salesforce_emails})
    author = ((task.get("message") or {}).get("author") or {}).get("name") or "A customer"
    about = f"conversation {conversation}" if conversation is not None else "a conversation"
    data = action.get("data") or {}
    if kind == "task-create":
        text = f"{author} wrote on {channel} to {brand} ({about})"
    elif kind == "answer":
        text = f"{who} answered{where} on {channel} ({about})"
    elif kind == "execute-answer":
        sent = (data.get("answer_status") or action.get("status")) == "ok"
        text = f"{channel} {'delivered the answer' if sent else 'could not deliver the answer'} ({about})"
    elif kind == "tag" and ((data.get("next") or {}).get("id") == TEAM_TAG_ID):
        team = (((data.get("next") or {}).get("value") or {}).get("value") or {}).get("value", "a team")
        text = f"{about[0].upper()}{about[1:]} went to team {team}"
    elif kind in ("archive", "auto-archive"):
        text = f"{who if kind == 'archive' else 'Alcméon'} closed {about}{where if kind == 'archive' else ''}"
    elif kind == "acquire":
        text = f"{who} took {about}{where}"
    elif kind == "release":
        text = f"{who} put {about} back in the queue"
    elif kind == "assign-to":
        text = f"{who} handed {about} to another agent"
    else:
        text = f"{who}: {kind.replace('-', ' ')} on {about}"
    link = f"{inbox_url}/inbox/conversations/{conversation}" if conversation is not None else ""
    return Event(env, kind, text, link, f"open conversation {conversation}" if link else "")


def _change(name: str, change: dict, callout: dict, record: str) -> str:
    if name == "alcmeon__Status__c":
        return f"{'closed' if (change or {}).get('new') == 'CLOSED' else 'reopened'} {record}"
    if name == "OwnerId":
        queue = (callout.get("owner") or {}).get("developer_name")
        return f"moved {record} to queue {queue}" if queue else f"took {record}"
    if name == "alcmeon__Contact__c":
        return f"linked {record} to a Contact"
    if name == "alcmeon__Account__c":
        return f"linked {record} to a person account"
    return f"changed {name} of {record}"


def callout_event(payload: dict, record_name: str | None = None) -> Event:
    """A package callout (Salesforce → connector → Alcméon): what a Salesforce user changed on a record."""
    org, env = payload.get("org") or "an org", payload.get("env") or "Alcméon"
    callout = payload.get("callout") or {}
    record = f"Conversation {record_name}" if record_name else "a Conversation"
    done = [_change(n, c, callout, record) for n, c in sorted((callout.get("changes") or {}).items())]
    # After the first change the record is "it": "closed Conversation C-1 and linked it to a Contact".
    done = done[:1] + [d.replace(record, "it") for d in done[1:]]
    text = f"A Salesforce user in org {org} {' and '.join(done) or 'changed ' + record}; the connector tells {env}"
    record_id = callout.get("record_id")
    link = (
        record_link(org, callout.get("sobject") or "alcmeon__Conversation__c", record_id) if record_id else ""
    )
    return Event(org, "callout", text, link, f"open {record}" if link else "")


def record_event(org: str, row: dict) -> Event:
    """A record the connector created in an org (a row of alcmeon__Conversation__c read by SOQL)."""
    channel = channel_name(row.get("alcmeon__Social_media_type__c"))
    scoped = row.get("alcmeon__scoped_id__c") or ""
    parts = scoped.split(":")
    origin = (
        f" for {channel} conversation {parts[-1]}" if len(parts) == 4 else f" for a {channel} conversation"
    )
    text = f"The connector created Conversation {row.get('Name')} in org {org}{origin}"
    return Event(
        org,
        "record",
        text,
        record_link(org, "alcmeon__Conversation__c", row["Id"]),
        f"open {row.get('Name')}",
    )


def case_event(org: str, row: dict) -> Event:
    """A Case opened in an org (the org's automation: one Case per conversation)."""
    return Event(
        org,
        "case",
        f"Org {org} opened Case {row.get('CaseNumber')} for the customer",
        record_link(org, "Case", row["Id"]),
        f"open Case {row.get('CaseNumber')}",
    )
