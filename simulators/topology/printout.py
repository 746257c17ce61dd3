"""What `alcsim simulate` prints at start: where each part listens, and who may do what, as which user."""

# The rights are read from each org (PermissionSetAssignment by SOQL) and each environment (its agents),
# not from the configuration: what is printed is what the widget will allow (WIDGET-04: answering needs
# the Alcméon Agent or Alcméon Admin permission set; without one the widget only reads).

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

PASSWORD = "alcsim-password"  # every user of a fake org (simulators/salesforce/config.py)
ANSWERING = {"Alcmeon_Admin": "Alcméon Admin", "Alcmeon_Agent": "Alcméon Agent"}


@dataclass
class Person:
    where: str  # "org main" or "environment brand"
    username: str
    name: str
    rights: str
    login: str  # a link that opens the product as this user, or how to log in
    may_answer: bool = False


def permission_sets(running_org) -> dict[str, set[str]]:
    """Username → the Alcméon permission sets assigned to the user, read from the org."""
    rows = running_org.client().query_all(
        "SELECT Assignee.Username, PermissionSet.Name FROM PermissionSetAssignment"
        " WHERE PermissionSet.Name IN ('Alcmeon_Agent', 'Alcmeon_Admin')"
    )["records"]
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["Assignee"]["Username"], set()).add(row["PermissionSet"]["Name"])
    return found


def enter_link(dashboard_url: str, token: str, org: str, username: str) -> str:
    """One link that logs into the dashboard and opens the org as `username` (dashboard /enter/<org>)."""
    target = f"/enter/{quote(org)}?as={quote(username)}"
    return (
        f"{dashboard_url}/login?token={token}&next={quote(target, safe='')}"
        if token
        else dashboard_url + target
    )


def org_people(rt, org: str, dashboard_url: str | None = None, token: str = "") -> list[Person]:
    running = rt.org(org)
    config = running.org.config
    granted = permission_sets(running)
    integration = config.integration_user.username
    omni = rt.topology.org(org).omni_routing
    people = []
    for user in config.users:
        name = f"{user.first_name or ''} {user.last_name or ''}".strip() or user.username
        if user.username == integration:
            rights = "the connector's integration user (API only; its own changes are not reported back)"
            people.append(Person(f"org {org}", user.username, name, rights, f"password {PASSWORD}"))
            continue
        sets = sorted(granted.get(user.username, ()))
        if "Alcmeon_Admin" in sets:
            rights = "answers and closes from the widget (Alcméon Admin), links Contacts, moves records"
        elif sets:
            rights = "answers from the widget on a Conversation or Case (Alcméon Agent), links Contacts, moves records"
        else:
            rights = (
                "reads the widget, links Contacts, moves records; may NOT answer "
                "(needs the Alcméon Agent permission set)"
            )
        if omni and user is config.users[1]:
            rights += "; receives Cases from Omni-Channel"
        login = (
            enter_link(dashboard_url, token, org, user.username)
            if dashboard_url
            else f"{running.instance_url}/ password {PASSWORD}"
        )
        people.append(Person(f"org {org}", user.username, name, rights, login, may_answer=bool(sets)))
    # Those who may answer first: the first agent printed can do what the stories ask.
    return sorted(people, key=lambda p: (p.username == integration, not p.may_answer))


def env_people(rt, env: str) -> list[Person]:
    handle = rt.env(env)
    agents = [a for a in handle.ext("GET", "/agents", timeout=10).json() if not a.get("is_bot")]
    teams = ", ".join(t.name for t in rt.topology.environment(env).teams)
    return [
        Person(
            f"environment {env}",
            a.get("email", ""),
            a.get("name", ""),
            f"answers, routes and closes in the inbox (teams {teams}); binds Contacts from the inbox",
            f"{handle.url}/inbox (pick the agent in the inbox's Agent list; no password)",
            may_answer=a.get("permission", "read-answer") != "read",
        )
        for a in agents
        if a.get("email", "").endswith(f"@{env}.alcsim.example")
    ]


def lines(rt, dashboard_url: str | None = None, token: str = "", hint: str = "") -> list[str]:
    """The URLs to open, then one line per user: where, who, what they may do and how to get in."""
    login = f"{dashboard_url}/login?token={token}" if dashboard_url and token else dashboard_url
    out = [f"dashboard: {login}  (the topology, live counters, events and controls)"] if dashboard_url else []
    if dashboard_url:
        stories = f"{login}&next={quote('/demo/', safe='')}" if token else f"{dashboard_url}/demo/"
        out.append(f"stories: {stories}  (the guided demo stories; make demo STORY=<name> plays the others)")
    for name, running in rt.orgs.items():
        out.append(f"org {name}: {running.instance_url}/  (every user's password: {PASSWORD})")
    for name, handle in rt.envs.items():
        out.append(
            f"environment {name}: {handle.url}/inbox  (API {handle.url}/openapi.json; client id "
            f"{handle.instance_id}, secret {handle.secret})"
        )
    out.append(
        f"connector: {rt.connector_url}/admin/health  (sync errors: {rt.connector_url}/admin/orgs;"
        f" admin routes take Authorization: Bearer {rt.admin_token})"
    )
    out.append("who may do what:")
    for org in rt.orgs:
        for p in org_people(rt, org, dashboard_url, token):
            out.append(f"  {p.where} · {p.name} <{p.username}>: {p.rights} · {p.login}")
    for env in rt.envs:
        for p in env_people(rt, env):
            out.append(f"  {p.where} · {p.name} <{p.username}>: {p.rights} · {p.login}")
    if hint:
        out.append(hint)
    return out
