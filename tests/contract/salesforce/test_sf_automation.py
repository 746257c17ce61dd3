"""Customer automation switched on per org: a Case per conversation (AR 1.12) and omni-channel routing."""

from __future__ import annotations

import pytest

AGENTS = ["ann@org.example", "bob@org.example"]


def _org(sf_org_factory, **automations):
    return sf_org_factory(
        {
            "users": [{"username": "integration@org.example", "last_name": "Integration"}]
            + [
                {"username": name, "last_name": name.split("@")[0].title(), "profile": "Standard User"}
                for name in AGENTS
            ],
            "queues": [
                {"name": "Social", "sobjects": ["Case", "alcmeon__Conversation__c"], "members": AGENTS}
            ],
            "automations": automations,
        }
    )


def _queue(sf) -> str:
    return sf.query("SELECT QueueId FROM QueueSobject WHERE SobjectType = 'Case'")["records"][0]["QueueId"]


@pytest.mark.alcmeon_package
@pytest.mark.empty_org
def test_no_case_without_the_automation(sf):
    sf.alcmeon__Conversation__c.create({"alcmeon__scoped_id__c": "a:b:c:d"})
    assert sf.query("SELECT COUNT() FROM Case")["totalSize"] == 0  # PKG-05


@pytest.mark.fake_only(reason="configures the org's automation, users and queue")
def test_a_case_per_conversation_kept_in_step(sf_org_factory, login_as):
    running = _org(sf_org_factory, case_per_conversation=True)
    sf, agent = running.client(), login_as(running, AGENTS[0])
    queue = _queue(sf)
    conversation_id = sf.alcmeon__Conversation__c.create(
        {
            "alcmeon__scoped_id__c": "e:1:2:3",
            "alcmeon__User_name__c": "Jo",
            "alcmeon__Social_media_type__c": "WhatsApp",
            "alcmeon__url__c": "https://alcmeon.example/c/1",
            "alcmeon__To_SF_Queue_Id__c": queue,
        }
    )["id"]
    conversation = sf.alcmeon__Conversation__c.get(conversation_id)
    case = sf.Case.get(conversation["alcmeon__Case__c"])
    assert (case["Subject"], case["Origin"], case["OwnerId"]) == ("Conversation with: Jo", "WhatsApp", queue)
    assert "https://alcmeon.example/c/1" in case["Description"]
    # The agent takes the Case and links a Contact: the conversation follows (rule 47).
    contact = agent.Contact.create({"LastName": "Doe"})["id"]
    agent.Case.update(
        case["Id"], {"OwnerId": running.org.user_id(AGENTS[0]), "ContactId": contact, "Status": "Closed"}
    )
    conversation = sf.alcmeon__Conversation__c.get(conversation_id)
    assert conversation["alcmeon__Contact__c"] == contact
    assert conversation["alcmeon__From_SF_Queue_Id__c"] == running.org.user_id(AGENTS[0])
    # A new message comes in: the closed Case goes back to the queue and reopens (rule 46).
    sf.alcmeon__Conversation__c.update(
        conversation_id, {"alcmeon__url__c": "https://alcmeon.example/c/1?m=2"}
    )
    case = sf.Case.get(case["Id"])
    assert (case["OwnerId"], case["Status"]) == (queue, "In Progress")


@pytest.mark.fake_only(reason="configures the org's automation and queue")
def test_a_closed_conversation_does_not_route_its_case(sf_org_factory):
    running = _org(sf_org_factory, case_per_conversation=True)
    sf = running.client()
    conversation = sf.alcmeon__Conversation__c.create(
        {
            "alcmeon__scoped_id__c": "e:9:9:9",
            "alcmeon__Status__c": "CLOSED",
            "alcmeon__To_SF_Queue_Id__c": _queue(sf),
        }
    )["id"]
    case = sf.Case.get(sf.alcmeon__Conversation__c.get(conversation)["alcmeon__Case__c"])
    assert case["OwnerId"] == running.org.integration_user_id


def _presence(running, sf, username: str, status: str):
    session = running.session()
    session.headers["Authorization"] = f"Bearer {sf.session_id}"
    return session.post(
        f"{running.instance_url}/_sim/omni/presence", json={"username": username, "status": status}
    )


@pytest.mark.fake_only(reason="configures omni routing; the fake's /_sim/omni/presence")
def test_omni_routing_hands_queued_cases_to_available_agents_by_capacity(sf_org_factory, login_as):
    running = _org(sf_org_factory, omni_routing=True, agent_capacity=1)
    sf = running.client()
    queue = _queue(sf)
    cases = [sf.Case.create({"Subject": f"c{i}", "OwnerId": queue})["id"] for i in range(3)]
    assert {sf.Case.get(c)["OwnerId"] for c in cases} == {queue}  # nobody is available yet
    assert _presence(running, sf, AGENTS[0], "Available").status_code == 200
    assert _presence(running, sf, AGENTS[1], "Available").status_code == 200
    owners = [sf.Case.get(c)["OwnerId"] for c in cases]
    ann, bob = running.org.user_id(AGENTS[0]), running.org.user_id(AGENTS[1])
    assert owners == [ann, bob, queue]  # capacity one each: the third waits
    work = sf.query(f"SELECT UserId, Status FROM AgentWork WHERE WorkItemId = '{cases[0]}'")["records"]
    assert [(w["UserId"], w["Status"]) for w in work] == [(ann, "Assigned")]
    login_as(running, AGENTS[0]).Case.update(cases[0], {"Status": "Closed"})
    assert sf.Case.get(cases[2])["OwnerId"] == ann  # closing frees capacity


@pytest.mark.parametrize(
    ("body", "status"),
    [({"username": AGENTS[0], "status": "Busy"}, 400), ({"username": "nobody", "status": "Available"}, 400)],
)
@pytest.mark.fake_only(reason="the fake's /_sim/omni/presence")
def test_presence_input_is_checked(sf_org_factory, body, status):
    running = _org(sf_org_factory, omni_routing=True)
    sf = running.client()
    session = running.session()
    session.headers["Authorization"] = f"Bearer {sf.session_id}"
    answer = session.post(f"{running.instance_url}/_sim/omni/presence", json=body)
    assert answer.status_code == status and answer.json()[0]["errorCode"]
