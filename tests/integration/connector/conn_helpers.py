"""Helpers for the connector's integration tests (a uniquely named module: `conftest` clashes across folders)."""

from __future__ import annotations


def write(rt, env: str, account: str, user: str, text: str = "Hello", **extra) -> dict:
    """A customer writes on a social account (simulator extension), named as in the topology file."""
    return rt.env(env).customer_writes(rt.account_id(env, account), user, text, **extra)


def route(rt, env: str, task_id: int, team: str) -> None:
    answer = rt.env(env).ext("POST", f"/tasks/{task_id}/route", json={"team_id": rt.team_id(env, team)})
    answer.raise_for_status()


def reply(rt, env: str, task_id: int, text: str = "We are on it") -> None:
    answer = rt.env(env).ext(
        "POST", f"/tasks/{task_id}/reply", json={"agent_id": rt.agent_id(env), "content": text}
    )
    answer.raise_for_status()


def close(rt, env: str, conversation_id: int) -> None:
    answer = rt.env(env).ext(
        "POST", f"/conversations/{conversation_id}/close", json={"agent_id": rt.agent_id(env)}
    )
    answer.raise_for_status()


def match(rt, env: str, social_user_id: int, contact_id: str) -> None:
    answer = rt.env(env).ext("POST", f"/users/{social_user_id}/match", json={"crm_contact_id": contact_id})
    answer.raise_for_status()


def org_fault(rt, org: str, rule: dict) -> dict:
    """A fault rule on an org through its admin API (it needs a session of the org)."""
    running = rt.org(org)
    session = running.session()
    session.headers["Authorization"] = f"Bearer {running.access_token()}"
    answer = session.post(f"{running.instance_url}/_sim/faults", json=rule)
    answer.raise_for_status()
    return answer.json()


def clear_org_faults(rt, org: str) -> None:
    running = rt.org(org)
    session = running.session()
    session.headers["Authorization"] = f"Bearer {running.access_token()}"
    session.delete(f"{running.instance_url}/_sim/faults").raise_for_status()


def org_journal(rt, org: str, path: str) -> list[dict]:
    running = rt.org(org)
    session = running.session()
    session.headers["Authorization"] = f"Bearer {running.access_token()}"
    return session.get(f"{running.instance_url}/_sim/journal", params={"path": path}).json()["entries"]
