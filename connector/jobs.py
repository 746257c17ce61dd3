"""The job types of the durable queue and their ordering key, defined once for every module that enqueues."""

from __future__ import annotations

ACTION_JOB = "alcmeon.action"  # a notified action: the core's state-based sync re-reads the conversation
CALLOUT_JOB = "package.callout"  # a package callout from an org (Salesforce -> Alcméon)
PROPAGATE_JOB = "match.propagate"  # a bind from Alcméon: link the user's records in the org (MATCH-02)
CRM_ERROR_JOB = "alcmeon.crm_error"  # a sync error mirrored onto its message in Alcméon (SYNC-10)
# Handlers that rewrite the whole record from the source: a newer job of the same key covers an older
# one's failure. Every other job is work of its own, and its sync error waits for that job (SYNC-10).
STATE_BASED = frozenset({ACTION_JOB})


def conversation_key(env: str, conversation_id) -> str:
    """The ordering key shared by both directions: one conversation of one environment."""
    return f"{env}:{conversation_id}"


def user_key(env: str, account_id: int, user_id: str) -> str:
    """The ordering key of a social user's match follow-ups (MATCH-02 after a bind from Alcméon)."""
    return f"{env}:account:{account_id}:user:{user_id}"
