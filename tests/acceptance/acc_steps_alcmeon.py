"""Steps on the Alcméon side: customers writing, agents routing, replying, matching and closing in the inbox."""

from __future__ import annotations

import pytest
from acc_outcome import scenario_passed
from acc_pool import TopologyPool
from acc_world import POLL, TIMEOUT, World
from pytest_bdd import given, parsers, then, when

from alcsim.simulators.common.clock import Clock
from alcsim.simulators.common.waiting import wait_until

WHO = r"(?P<customer>[A-ZÀ-Ý]\w+)"


def re(text: str):
    return parsers.re(text)


@pytest.fixture(scope="session")
def topology_pool():
    pool = TopologyPool()
    yield pool
    pool.close()


@pytest.fixture
def world(request, topology_pool) -> World:
    world = World(topology_pool, Clock())
    yield world
    if world.rt is not None:
        # Only a scenario that passed hands its topology on (acc_pool.py).
        topology_pool.give_back(world.rt, world.topology_name, scenario_passed(request.node))


@given(re(r'the "(?P<name>[\w-]+)" topology is running'), target_fixture="world")
def topology_running(world: World, name: str) -> World:
    world.start(name)
    return world


# -- customers --------------------------------------------------------------------------------------
@given(re(WHO + r' writes "(?P<text>[^"]*)" on "(?P<account>[^"]+)"'))
@when(re(WHO + r' writes "(?P<text>[^"]*)" on "(?P<account>[^"]+)"'))
def customer_writes(world: World, customer: str, text: str, account: str):
    world.writes(customer, account, text)


@given(
    re(WHO + r' writes "(?P<text>[^"]*)" on "(?P<account>[^"]+)" with KakaoTalk app user id "(?P<app>[^"]+)"')
)
@when(
    re(WHO + r' writes "(?P<text>[^"]*)" on "(?P<account>[^"]+)" with KakaoTalk app user id "(?P<app>[^"]+)"')
)
def customer_writes_with_app_id(world: World, customer: str, text: str, account: str, app: str):
    world.writes(customer, account, text, channel_data={"app_user_id": app})


@given(re(WHO + r" writes again after (?P<hours>\d+) hours of silence"))
@when(re(WHO + r" writes again after (?P<hours>\d+) hours of silence"))
def customer_writes_after_silence(world: World, customer: str, hours: str):
    world.advance(hours=int(hours))
    world.writes(customer, world.customer(customer).account, "Me again")


@given(re(WHO + r" writes again"))
@when(re(WHO + r" writes again"))
def customer_writes_again(world: World, customer: str):
    world.writes(customer, world.customer(customer).account, "One more thing")


@given(re(WHO + r' gives consent to be contacted on "(?P<account>[^"]+)"'))
def customer_consents(world: World, customer: str, account: str):
    known = world.person(customer, account)
    world.ext(
        known.env,
        "POST",
        "/customers/consent",
        json={"account_id": known.account_id, "user_id": known.user_id, "given": True},
    )


# -- agents in Alcméon ------------------------------------------------------------------------------
@given(re(r"an Alcméon agent routes " + WHO + r'\'s message to the "(?P<team>[^"]+)" team'))
@when(re(r"an Alcméon agent routes " + WHO + r'\'s message to the "(?P<team>[^"]+)" team'))
def route_message(world: World, customer: str, team: str):
    known = world.customer(customer)
    world.ext(
        known.env,
        "POST",
        f"/tasks/{known.last['task_id']}/route",
        json={"team_id": world.team_id(known.env, team)},
    )


@given(re(r'an Alcméon agent replies "(?P<text>[^"]*)" to ' + WHO))
@when(re(r'an Alcméon agent replies "(?P<text>[^"]*)" to ' + WHO))
def alcmeon_reply(world: World, text: str, customer: str):
    known = world.customer(customer)
    world.ext(
        known.env,
        "POST",
        f"/tasks/{known.last['task_id']}/reply",
        json={"agent_id": world.alcmeon_agent(known.env), "content": text},
    )


@given(re(r"an Alcméon agent closes " + WHO + r"'s conversation"))
@when(re(r"an Alcméon agent closes " + WHO + r"'s conversation"))
def alcmeon_close(world: World, customer: str):
    known = world.customer(customer)
    world.ext(
        known.env,
        "POST",
        f"/conversations/{known.last['conversation_id']}/close",
        json={"agent_id": world.alcmeon_agent(known.env)},
    )


@given("time moves on until every notification is delivered")
@when("time moves on until every notification is delivered")
def settle(world: World):
    world.settle()


# -- what Alcméon shows -----------------------------------------------------------------------------
@then(re(WHO + r'\'s conversation is in the "(?P<team>[^"]+)" team in Alcméon'))
def conversation_in_team(world: World, customer: str, team: str):
    known = world.customer(customer)
    team_id = world.team_id(known.env, team)
    wait_until(
        lambda: world.conversation(customer)["team_id"] == team_id, TIMEOUT, POLL, f"{customer} in {team}"
    )


@then(re(WHO + r"'s conversation is closed in Alcméon"))
def conversation_closed(world: World, customer: str):
    wait_until(lambda: world.conversation(customer)["status"] == "closed", TIMEOUT, POLL, "the close")


@then(re(WHO + r"'s conversation is still open in Alcméon"))
def conversation_open(world: World, customer: str):
    world.settle()
    assert world.conversation(customer)["status"] == "open"


@when(re(WHO + r' is matched to the (?:Contact|person account) "(?P<contact>[^"]+)" in Alcméon'))
@then(re(WHO + r' is matched to the (?:Contact|person account) "(?P<contact>[^"]+)" in Alcméon'))
def matched_in_alcmeon(world: World, customer: str, contact: str):
    party = world.contacts[contact]
    wait_until(
        lambda: (world.social_user(customer)["crm_contact_id"] or "")[:15] == party[:15],
        TIMEOUT,
        POLL,
        f"{customer} matched to {contact}",
    )


@then(re(WHO + r" is not matched in Alcméon"))
def not_matched(world: World, customer: str):
    world.settle()
    assert world.social_user(customer)["crm_contact_id"] is None


@then(re(WHO + r' receives "(?P<text>[^"]*)" on the channel'))
def customer_receives(world: World, customer: str, text: str):
    """The answer went out on the channel: an `execute-answer` action that succeeded (public GET /actions)."""
    known = world.customer(customer)
    handle = world.rt.env(known.env)
    conversation_id = known.last["conversation_id"]

    def delivered():
        tasks = handle.session.get(f"{handle.url}/actions/conversations/{conversation_id}").json()
        actions = [a for task in tasks for a in task["actions"]]
        answers = {
            a["id"]
            for a in actions
            if a["type"] == "answer"
            and any(x.get("content") == text for x in (a.get("data") or {}).get("answers", []))
        }
        return any(
            a["type"] == "execute-answer"
            and (a.get("data") or {}).get("answer_action_id") in answers
            and (a.get("data") or {}).get("answer_status") == "ok"
            for a in actions
        )

    wait_until(delivered, TIMEOUT, POLL, f"{text!r} sent to {customer}")


@then(re(WHO + r"'s new message starts a new conversation"))
def new_conversation(world: World, customer: str):
    known = world.customer(customer)
    assert len(known.messages) >= 2
    assert known.last["new_conversation"] is True
    assert known.last["scoped_id"] != known.messages[-2]["scoped_id"]


@then(re(WHO + r"'s new message continues the same conversation"))
def same_conversation(world: World, customer: str):
    known = world.customer(customer)
    assert known.last["scoped_id"] == known.messages[-2]["scoped_id"]
