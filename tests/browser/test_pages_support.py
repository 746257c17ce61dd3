"""Shared set-up of the page tests (no tests here): a running topology whose orgs frame the widget."""

from __future__ import annotations

from pathlib import Path

import pytest

import alcsim.simulators.topology.launch as launch
from alcsim.connector.widget.pages import widget_url_template

ENV, ORG = "brand", "main"
# Where tests/browser/conftest.py keeps its screenshots (not imported: `conftest` names several modules).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "reports" / "screenshots"
PASSWORD = "alcsim-password"


@pytest.fixture(name="pages_topology")
def pages_topology_fixture(topology_factory, monkeypatch):
    """scenarios/one-to-one.yaml with the org's widget slot pointing at the connector's widget pages."""
    plain = launch.org_config

    def with_widget(topology, name, connector_url):
        config = plain(topology, name, connector_url)
        config.widget_url = config.widget_url or widget_url_template(connector_url, name)
        return config

    monkeypatch.setattr(launch, "org_config", with_widget)
    return topology_factory("one-to-one")


def username(rt, role: str, org: str = ORG) -> str:
    """`integration` or `agent`: the two users a launched org has."""
    return f"{role}@{org}.alcsim.example"


def user_id(rt, role: str, org: str = ORG) -> str:
    rows = rt.org(org).client().query(f"SELECT Id FROM User WHERE Username = '{username(rt, role, org)}'")
    return rows["records"][0]["Id"]


def set_user(rt, role: str, org: str = ORG, permission_set: str | None = None, **fields) -> str:
    """Change a user's language or time zone, and grant a permission set, through the REST API."""
    client = rt.org(org).client()
    uid = user_id(rt, role, org)
    if fields:
        client.User.update(uid, fields)
    if permission_set:
        found = client.query(f"SELECT Id FROM PermissionSet WHERE Name = '{permission_set}'")["records"][0]
        client.PermissionSetAssignment.create({"AssigneeId": uid, "PermissionSetId": found["Id"]})
    return uid


def login(page, rt, role: str, target: str, org: str = ORG) -> None:
    page.goto(f"{rt.org(org).instance_url}{target}")
    page.fill("input[name=username]", username(rt, role, org))
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def write(rt, account: str, user: str, text: str, env: str = ENV, **extra) -> dict:
    return rt.env(env).customer_writes(rt.account_id(env, account), user, text, **extra)


def route(rt, task_id: int, team: str, env: str = ENV) -> None:
    answer = rt.env(env).ext("POST", f"/tasks/{task_id}/route", json={"team_id": rt.team_id(env, team)})
    answer.raise_for_status()


def synced(rt, account: str, user: str, text: str, name: str | None = None) -> tuple[dict, dict]:
    """A customer writes and the message goes to the team mapped to a queue: the record is in the org."""
    message = write(rt, account, user, text, **({"name": name} if name else {}))
    route(rt, message["task_id"], "Salesforce agents")
    return message, rt.wait_for_record(ORG, message["scoped_id"])


def conversation_actions(rt, conversation_id: int, env: str = ENV) -> list[dict]:
    """Alcméon's public actions of one conversation (synchronize.yaml: [{id, actions}])."""
    answer = rt.env(env).session.get(f"{rt.env(env).url}/actions/conversations/{conversation_id}")
    answer.raise_for_status()
    return [action for item in answer.json() for action in item["actions"]]


def conversation(rt, conversation_id: int, env: str = ENV) -> dict:
    return rt.env(env).ext("GET", f"/conversations/{conversation_id}").json()


def snapshot(page, name: str) -> None:
    """A screenshot of a page in the middle of a test (the fixture keeps the last state of each page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
