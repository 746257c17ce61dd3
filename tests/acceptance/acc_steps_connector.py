"""Steps through the connector's HTTP routes: matching from the inbox, the 360° view, sync errors, settings."""

from __future__ import annotations

from acc_steps_alcmeon import WHO, re
from acc_world import POLL, TIMEOUT, World
from pytest_bdd import given, then, when

from alcsim.simulators.common.waiting import wait_until

ORG = r'"(?P<org>[\w-]+)"'
UPSERTS = r"/sobjects/alcmeon__Conversation__c/alcmeon__scoped_id__c"


def matching(world: World, customer: str, method: str, suffix: str = "", **kwargs):
    """The inbox's cloud icon calls the connector for the customer's social account (MATCH-03 to 05)."""
    known = world.customers[customer]
    url = f"{world.rt.connector_url}/matching/{known.env}/accounts/{known.account_id}/users/{known.user_id}{suffix}"
    return world.connector_session(known.env).request(method, url, **kwargs)


# -- matching from Alcméon ------------------------------------------------------------------------------
@given(re(r"an Alcméon agent matches " + WHO + r' to the (?:Contact|person account) "(?P<name>[^"]+)"'))
@when(re(r"an Alcméon agent matches " + WHO + r' to the (?:Contact|person account) "(?P<name>[^"]+)"'))
def bind_contact(world: World, customer: str, name: str):
    answer = matching(world, customer, "POST", "/bind", json={"contact_id": world.contacts[name]})
    assert answer.status_code == 200, answer.text
    world.seen["bind"] = answer.json()


@when(re(r"an Alcméon agent opens " + WHO + r"'s profile"))
def open_profile(world: World, customer: str):
    answer = matching(world, customer, "GET")
    assert answer.status_code == 200, answer.text
    world.seen["profile"] = answer.json()


@then(re(r"the profile shows a (?P<colour>grey|blue) cloud"))
def cloud(world: World, colour: str):
    assert world.seen["profile"]["cloud"] == colour, world.seen["profile"]


@then(re(r'the profile shows "(?P<value>[^"]+)" as (?P<field>\w+)'))
def profile_field(world: World, value: str, field: str):
    assert world.seen["profile"]["profile"][field] == value, world.seen["profile"]


@given(re(r'an Alcméon agent searches Salesforce for "(?P<term>[^"]+)" from ' + WHO + r"'s profile"))
@when(re(r'an Alcméon agent searches Salesforce for "(?P<term>[^"]+)" from ' + WHO + r"'s profile"))
def search_candidates(world: World, term: str, customer: str):
    answer = matching(world, customer, "GET", "/candidates", params={"q": term})
    assert answer.status_code == 200, answer.text
    world.seen["candidates"] = answer.json()


@given(re(r'the candidates are "(?P<names>[^"]*)"'))
@then(re(r'the candidates are "(?P<names>[^"]*)"'))
def candidates_are(world: World, names: str):
    found = sorted(c["fields"].get("Name") for c in world.seen["candidates"]["candidates"])
    assert found == sorted(n.strip() for n in names.split(",") if n.strip()), world.seen["candidates"]


@then(re(r"the candidates are searched by (?P<search>[\w, ]+) and shown with (?P<display>[\w, ]+)"))
def candidates_fields(world: World, search: str, display: str):
    answer = world.seen["candidates"]
    assert answer["search_fields"] == [f.strip() for f in search.split(",")]
    assert answer["display_fields"] == [f.strip() for f in display.split(",")]
    for candidate in answer["candidates"]:
        assert set(candidate["fields"]) == set(answer["display_fields"]), candidate


@when(re(r'an Alcméon agent binds the candidate "(?P<name>[^"]+)" to ' + WHO))
def bind_candidate(world: World, name: str, customer: str):
    chosen = next(c for c in world.seen["candidates"]["candidates"] if c["fields"].get("Name") == name)
    world.contacts.setdefault(name, chosen["id"])
    bind_contact(world, customer, name)


@when(
    re(
        r'an Alcméon agent creates the (?:Contact|person account) "(?P<name>[^"]+)" with e-mail "(?P<email>[^"]+)" for '
        + WHO
    )
)
def create_contact(world: World, name: str, email: str, customer: str):
    first, _, last = name.rpartition(" ")
    org = world.record_org_of_account(customer)
    person = world.topology.org(org).person_accounts
    fields = {"FirstName": first, "LastName": last, ("PersonEmail" if person else "Email"): email}
    answer = matching(world, customer, "POST", "/contacts", json={"fields": fields})
    assert answer.status_code == 201, answer.text
    world.contacts[name] = answer.json()["contact_id"]
    world.contact_org[name] = org


@then(re(r'the (?:Contact|person account) "(?P<name>[^"]+)" exists in the ' + ORG + r" org"))
def party_exists(world: World, name: str, org: str):
    person = world.topology.org(org).person_accounts
    sobject = "Account" if person else "Contact"
    rows = world.admin_client(org).query(
        f"SELECT Id, Name FROM {sobject} WHERE Id = '{world.contacts[name]}'"
    )
    assert [r["Name"] for r in rows["records"]] == [name]


# -- 360° view ------------------------------------------------------------------------------------------
@when(re(r"an Alcméon agent opens " + WHO + r"'s Salesforce activities"))
def open_activities(world: World, customer: str):
    answer = matching(world, customer, "GET", "/activities")
    assert answer.status_code == 200, answer.text
    world.seen["activities"] = answer.json()


@then(re(r'the activities list the task "(?P<task>[^"]+)" and the event "(?P<event>[^"]+)"'))
def activities_listed(world: World, task: str, event: str):
    seen = world.seen["activities"]
    assert [t["subject"] for t in seen["tasks"]] == [task], seen
    assert [e["subject"] for e in seen["events"]] == [event], seen


@then("the activities are empty")
def activities_empty(world: World):
    assert world.seen["activities"]["tasks"] == [] and world.seen["activities"]["events"] == []


# -- the administrator's screens ------------------------------------------------------------------------
@given(re(r'the administrator turns off the sync switch of "(?P<account>[^"]+)"'))
def switch_off(world: World, account: str):
    env, _ = world.env_of_account(account)
    account_id = world.account_id(env, account)
    link = next(
        lk for lk in world.ext(env, "GET", "/salesforce")["links"] if lk["social_account_id"] == account_id
    )
    world.ext(
        env, "PUT", f"/salesforce/links/{account_id}", json={"org_id": link["org_id"], "enabled": False}
    )
    world.admin("POST", "/settings/refresh").raise_for_status()


@when(re(r'the administrator links "(?P<account>[^"]+)" to the ' + ORG + r" org"))
def link_elsewhere(world: World, account: str, org: str):
    env, _ = world.env_of_account(account)
    account_id = world.account_id(env, account)
    org_id = world.rt.connector.org(org).organization_id
    world.seen["link"] = world.rt.env(env).ext(
        "PUT", f"/salesforce/links/{account_id}", json={"org_id": org_id, "enabled": True}
    )


@then("the link is refused because the account is already linked")
def link_refused(world: World):
    answer = world.seen["link"]
    assert answer.status_code == 409 and answer.json()["error"] == "account-already-linked", answer.text


def _org_admin(world: World, org: str, method: str, path: str, **kwargs):
    answer = world.org_admin(org).request(method, f"{world.rt.org(org).instance_url}/_sim{path}", **kwargs)
    assert answer.status_code < 300, answer.text
    return answer


@given(re(r"the " + ORG + r" org refuses new conversation records"))
def org_refuses(world: World, org: str):
    _org_admin(
        world,
        org,
        "POST",
        "/faults",
        json={
            "kind": "error",
            "path": UPSERTS,
            "status": 400,
            "error_code": "INVALID_FIELD",
            "message": "No such column",
        },
    )


@given(re(r"the " + ORG + r" org accepts conversation records again"))
@when(re(r"the " + ORG + r" org accepts conversation records again"))
def org_accepts(world: World, org: str):
    _org_admin(world, org, "DELETE", "/faults")


def _errors(world: World) -> list[dict]:
    return world.admin("GET", "/sync-errors").json()


def _error_of(world: World, customer: str) -> dict:
    scoped = world.customer(customer).last["scoped_id"]
    return wait_until(
        lambda: next((e for e in _errors(world) if e["scoped_id"] == scoped), None),
        TIMEOUT,
        POLL,
        f"a sync error for {customer}",
    )


@then(re(WHO + r'\'s message is marked "(?P<code>[A-Z_]+)"'))
def message_marked(world: World, customer: str, code: str):
    error = _error_of(world, customer)
    assert error["code"] == code and error["message_id"] == world.customer(customer).last["message_id"], error


@given(re(r"the " + ORG + r" org shows (?P<count>\d+) errors? pending"))
@then(re(r"the " + ORG + r" org shows (?P<count>\d+) errors? pending"))
def errors_pending(world: World, org: str, count: str):
    """The org's warning icon on the administrator's screen (AR 1.11): errors pending, per org."""
    world.settle()

    def pending():
        return next(o["errors_pending"] for o in world.admin("GET", "/orgs").json() if o["name"] == org)

    wait_until(lambda: pending() == int(count), TIMEOUT, POLL, f"{count} errors pending in {org}")


@when(re(r"the administrator retries " + WHO + r"'s error"))
def retry_one(world: World, customer: str):
    world.admin("POST", f"/sync-errors/{_error_of(world, customer)['id']}/retry").raise_for_status()


@when(re(r"the administrator ignores " + WHO + r"'s error"))
def ignore_one(world: World, customer: str):
    answer = world.admin("POST", f"/sync-errors/{_error_of(world, customer)['id']}/ignore")
    assert answer.status_code == 200 and answer.json()["state"] == "ignored", answer.text


@when(re(r"the administrator retries every error of the " + ORG + r" org"))
def retry_all(world: World, org: str):
    world.admin("POST", f"/orgs/{org}/sync-errors/retry").raise_for_status()


@given(
    re(
        r'the connector pushes the "(?P<queue>\w+)" queue of the '
        + ORG
        + r' org to the "(?P<team>[^"]+)" team'
    )
)
def queue_route(world: World, queue: str, org: str, team: str):
    env = world.only_env()
    answer = world.admin("PUT", "/queue-routes", json={"env": env, "org": org, "queue": queue, "team": team})
    assert answer.status_code == 200, answer.text
