"""Steps of the conversation widget in Salesforce and its engagement mode, through the connector's routes."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from acc_steps_alcmeon import WHO, re
from acc_world import POLL, TIMEOUT, World
from pytest_bdd import given, then, when
from simple_salesforce.exceptions import SalesforceError

from alcsim.simulators.common.waiting import wait_until

ORG = r'"(?P<org>[\w-]+)"'
ENGAGEMENT = "alcmeon__Engagement__c"


def _agent(world: World, org: str) -> dict:
    return world.agent_user(org)


def _widget(world: World, org: str, record_id: str, method: str = "GET", suffix: str = "", **kwargs):
    user = _agent(world, org)["Id"]
    url = f"{world.rt.connector_url}/widget/{org}/records/{record_id}{suffix}"
    params = world.widget_params(org, record_id, user)
    return world.connector_session().request(method, url, params=params, **kwargs)


def _target(world: World, customer: str, what: str) -> tuple[str, str]:
    """(org, record id) of the customer's conversation record or Case, as the agent opens it."""
    if what == "Case" and customer in world.seen.get("cases", {}):
        return world.seen["cases"][customer]
    org = world.record_org(customer)
    record = world.record(customer, org)
    return org, (world.case_of(customer, org) if what == "Case" else record["Id"])


# -- the Salesforce agent --------------------------------------------------------------------------------
def _assignments(world: World, org: str) -> list[dict]:
    agent = _agent(world, org)["Id"]
    return world.admin_client(org).query(
        f"SELECT Id, PermissionSet.Name FROM PermissionSetAssignment WHERE AssigneeId = '{agent}'"
    )["records"]


@given(re(r"the Salesforce agent of the " + ORG + r' org has the "(?P<permission_set>\w+)" permission set'))
def permission_set(world: World, org: str, permission_set: str):
    if any(a["PermissionSet"]["Name"] == permission_set for a in _assignments(world, org)):
        return
    sf = world.admin_client(org)
    found = sf.query(f"SELECT Id FROM PermissionSet WHERE Name = '{permission_set}'")["records"]
    sf.PermissionSetAssignment.create(
        {"AssigneeId": _agent(world, org)["Id"], "PermissionSetId": found[0]["Id"]}
    )


@given(re(r"the Salesforce agent of the " + ORG + r" org has no Alcméon permission set"))
def no_permission_set(world: World, org: str):
    sf = world.admin_client(org)
    for assignment in _assignments(world, org):
        if assignment["PermissionSet"]["Name"].startswith("Alcmeon_"):
            sf.PermissionSetAssignment.delete(assignment["Id"])
    assert not [a for a in _assignments(world, org) if a["PermissionSet"]["Name"].startswith("Alcmeon_")]


@given(
    re(
        r"the Salesforce agent of the "
        + ORG
        + r' org works in "(?P<language>\w+)" in the "(?P<zone>[\w/]+)" time zone'
    )
)
def agent_locale(world: World, org: str, language: str, zone: str):
    world.admin_client(org).User.update(
        _agent(world, org)["Id"], {"LanguageLocaleKey": language, "TimeZoneSidKey": zone}
    )


@when(re(r"the Salesforce agent opens " + WHO + r"'s (?P<what>conversation record|Case) in the widget"))
def open_widget(world: World, customer: str, what: str):
    org, record_id = _target(world, customer, "Case" if what == "Case" else "record")
    answer = _widget(world, org, record_id)
    assert answer.status_code == 200, answer.text
    world.seen["widget"] = answer.json()


@when(
    re(
        r'the Salesforce agent (?P<act>answers|closes the conversation with) "(?P<text>[^"]*)" from the widget on '
        + WHO
        + r"'s (?P<what>conversation record|Case)"
    )
)
def widget_act(world: World, act: str, text: str, customer: str, what: str):
    org, record_id = _target(world, customer, "Case" if what == "Case" else "record")
    suffix = "/reply" if act == "answers" else "/close"
    world.seen["widget_answer"] = _widget(world, org, record_id, "POST", suffix, json={"text": text})


@then(re(r"the widget shows " + WHO + r'\'s conversation on "(?P<channel>\w+)"'))
def widget_shows(world: World, customer: str, channel: str):
    view = world.seen["widget"]
    assert view["mode"] == "conversation", view
    assert view["conversation"]["channel"] == channel and view["conversation"]["user_name"] == customer, view
    assert view["conversation"]["scoped_id"] == world.customer(customer).last["scoped_id"]
    assert urlparse(view["embed"]["url"]).path.startswith("/embed/"), view["embed"]


@then(re(r'the widget opens in "(?P<language>[\w-]+)" in the "(?P<zone>[\w/]+)" time zone'))
def widget_locale(world: World, language: str, zone: str):
    view = world.seen["widget"]
    query = parse_qs(urlparse(view["embed"]["url"]).query)
    assert query["lang"] == [language] and query["tz"] == [zone], view["embed"]
    assert view["user"]["language"] == language and view["user"]["time_zone"] == zone


@then("the widget accepted the answer")
def widget_accepted(world: World):
    answer = world.seen["widget_answer"]
    assert answer.status_code == 200, answer.text


@then(re(r'the widget refuses with "(?P<code>[\w-]+)"'))
def widget_refused(world: World, code: str):
    answer = world.seen["widget_answer"]
    assert answer.status_code >= 400 and answer.json()["error"] == code, answer.text


@then(
    re(
        r"Alcméon has an agent for the Salesforce agent of the "
        + ORG
        + r' org with "(?P<rights>[\w-]+)" rights'
    )
)
def alcmeon_agent_created(world: World, org: str, rights: str):
    email = _agent(world, org)["Email"].lower()
    env = world.only_env()
    agents = world.ext(env, "GET", "/agents")
    found = [a for a in agents if a["email"].lower() == email]
    assert found and found[0]["permission"] == rights, agents


@then(re(r"Alcméon has no agent for the Salesforce agent of the " + ORG + r" org"))
def no_alcmeon_agent(world: World, org: str):
    email = _agent(world, org)["Email"].lower()
    assert not [a for a in world.ext(world.only_env(), "GET", "/agents") if a["email"].lower() == email]


# -- engagement ------------------------------------------------------------------------------------------
@given(
    re(
        r'the brand has an approved (?P<channel>WhatsApp|KakaoTalk) template "(?P<name>\w+)" on "(?P<account>[^"]+)"'
    )
)
def template(world: World, channel: str, name: str, account: str):
    env, _ = world.env_of_account(account)
    handle = world.rt.env(env)
    body = {
        "templates": [
            {
                "channel": channel.lower(),
                "name": name,
                "body": "Your order {{1}} is ready",
                "language": "en",
                "category": "utility",
                "account_id": world.account_id(env, account),
            }
        ]
    }
    answer = handle.session.post(f"{handle.url}/_sim/seed", json=body)
    assert answer.status_code < 300, answer.text
    world.seen.setdefault("templates", {})[name] = answer.json()["templates"][0]["id"]


@given(
    re(
        r"a Salesforce agent opens a (?P<new>new )?Case for "
        + WHO
        + r" with a (?P<channel>\w+) engagement from "
        r'"(?P<account>[^"]+)" using the "(?P<template>\w+)" template in the ' + ORG + r" org"
    )
)
@when(
    re(
        r"a Salesforce agent opens a (?P<new>new )?Case for "
        + WHO
        + r" with a (?P<channel>\w+) engagement from "
        r'"(?P<account>[^"]+)" using the "(?P<template>\w+)" template in the ' + ORG + r" org"
    )
)
def case_with_engagement(
    world: World, new: str, customer: str, channel: str, account: str, template: str, org: str
):
    known = world.customers.get(customer) or world.person(customer, account)
    env, _ = world.env_of_account(account)
    agent = world.agent_client(org)
    case_id = agent.Case.create({"Subject": f"Follow-up for {customer}", "Origin": channel})["id"]
    values = {
        "alcmeon__Case__c": case_id,
        "alcmeon__Sender_Id__c": str(world.account_id(env, account)),
        "alcmeon__Recipient_Id__c": f"+{known.user_id}",
        "alcmeon__Channel__c": channel,
        "alcmeon__Template_Id__c": str(world.seen.get("templates", {}).get(template, 1)),
    }
    world.seen["engagement"] = (org, case_id, getattr(agent, ENGAGEMENT).create(values)["id"])
    world.seen.setdefault("cases", {})[customer] = (org, case_id)


@given(
    re(
        r"the agent sends the engagement from the widget(?P<interrupt> interrupting the ongoing conversation)?"
    )
)
@when(
    re(
        r"the agent sends the engagement from the widget(?P<interrupt> interrupting the ongoing conversation)?"
    )
)
def send_engagement(world: World, interrupt: str | None):
    org, case_id, engagement = world.seen["engagement"]
    body = {"variables": {"1": "A-1042"}, "interrupt_ongoing_conversation": bool(interrupt)}
    world.seen["send"] = _widget(world, org, case_id, "POST", f"/engagements/{engagement}/send", json=body)


@then(re(r'the engagement is "(?P<status>Sent|Failed)"(?P<details> with its sending details)?'))
def engagement_status(world: World, status: str, details: str | None):
    org, _case, engagement = world.seen["engagement"]
    row = getattr(world.admin_client(org), ENGAGEMENT).get(engagement)
    assert row["alcmeon__Status__c"] == status, (row, world.seen["send"].text)
    if details:
        assert (
            row["alcmeon__Sent_Date__c"]
            and row["alcmeon__Language_locale__c"]
            and row["alcmeon__Message_Content__c"]
        )


@then(re(r'the send is refused with "(?P<code>[\w-]+)"'))
def send_refused(world: World, code: str):
    answer = world.seen["send"]
    assert answer.status_code == 409 and answer.json()["error"] == code, answer.text


@then(re(WHO + r" receives the template message"))
def template_received(world: World, customer: str):
    known = world.customers[customer]
    sends = world.ext(known.env, "GET", "/template-sends")
    rows = sends if isinstance(sends, list) else sends.get("data", [])
    assert any(s["to_user"] == known.user_id and s["status"] == "delivered" for s in rows), (
        rows
    )  # no '+' (API-05)


@given(re(r"the widget on " + WHO + r"'s Case shows the (?P<mode>engagement|conversation) mode"))
@then(re(r"the widget on " + WHO + r"'s Case shows the (?P<mode>engagement|conversation) mode"))
def widget_mode(world: World, customer: str, mode: str):
    org, case_id = world.seen["cases"][customer]

    def shown():
        answer = _widget(world, org, case_id)
        return answer.status_code == 200 and answer.json()["mode"] == mode and answer.json()

    view = wait_until(shown, TIMEOUT, POLL, f"the widget in {mode} mode")
    if mode == "conversation":
        assert view["conversation"]["scoped_id"] == world.customers[customer].last["scoped_id"], view


@then(re(r'the org refuses an engagement on the "(?P<channel>\w+)" channel'))
def engagement_channel_refused(world: World, channel: str):
    org, case_id, _ = world.seen["engagement"]
    values = {
        "alcmeon__Case__c": case_id,
        "alcmeon__Sender_Id__c": "1",
        "alcmeon__Recipient_Id__c": "33600000000",
        "alcmeon__Channel__c": channel,
    }
    try:
        getattr(world.admin_client(org), ENGAGEMENT).create(values)
    except SalesforceError as exc:
        assert "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" in str(exc.content), exc.content
    else:
        raise AssertionError(f"the org accepted an engagement on {channel}")


@when(re(r"a second engagement is added to " + WHO + r"'s Case and sent from the widget"))
def second_engagement(world: World, customer: str):
    org, case_id, first = world.seen["engagement"]
    row = getattr(world.admin_client(org), ENGAGEMENT).get(first)
    values = {
        k: row[k]
        for k in (
            "alcmeon__Case__c",
            "alcmeon__Sender_Id__c",
            "alcmeon__Recipient_Id__c",
            "alcmeon__Channel__c",
            "alcmeon__Template_Id__c",
        )
    }
    second = getattr(world.agent_client(org), ENGAGEMENT).create(values)["id"]
    world.seen["engagement"] = (org, case_id, second)
    send_engagement(world, None)
