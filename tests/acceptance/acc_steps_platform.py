"""Steps on Alcméon's public API alone (API rules): an environment with our notify endpoint, no connector."""

from __future__ import annotations

import base64

from acc_steps_alcmeon import re
from acc_world import World, webhook_signature_ok
from pytest_bdd import given, then, when

from alcsim.simulators.alcmeon.traffic import TrafficGenerator
from alcsim.simulators.common.clock import Clock


@given("an Alcméon environment that notifies our endpoint", target_fixture="world")
def environment(world: World, alcmeon_env_factory, alcmeon_webhook_receiver) -> World:
    clock = Clock()
    accounts = [{"name": f"Brand {c}", "type": c} for c in ("whatsapp", "facebook", "kakaotalk", "twitter")]
    handle = alcmeon_env_factory(
        {"social_accounts": accounts, "applications": [{"webhook_url": alcmeon_webhook_receiver.url}]}, clock
    )
    world.seen.update(env=handle, receiver=alcmeon_webhook_receiver, clock=clock)
    return world


@given(re(r"the environment allows (?P<limit>\d+) calls a minute"))
def rate_limited(world: World, alcmeon_env_factory, limit: str):
    world.seen["env"] = alcmeon_env_factory({"rate_limit_per_minute": int(limit)})


@when(re(r'(?P<count>\d+) customers write on "(?P<channel>\w+)"'))
def customers_write(world: World, count: str, channel: str):
    handle = world.seen["env"]
    account = handle.account_id(channel)
    user = (
        (lambda i: f"3361000000{i:02d}")
        if channel in ("whatsapp", "kakaotalk")
        else (lambda i: f"{channel}-{i}")
    )
    world.seen["written"] = [
        handle.customer_writes(account, user(i), f"Message {i}") for i in range(int(count))
    ]


@then(re(r"our endpoint receives (?P<count>\d+) notifications"))
def received(world: World, count: str):
    expected = sum(1 for _ in world.seen["written"])
    assert expected == int(count)
    world.seen["notifications"] = world.seen["receiver"].wait_for(int(count), timeout=20)
    task_creates = [n for n in world.seen["notifications"] if n["json"]["action"]["type"] == "task-create"]
    assert len(task_creates) == int(count), [n["json"]["action"]["type"] for n in world.seen["notifications"]]


@then("each notification is signed with the application secret over its path and body")
def signed(world: World):
    secret = world.seen["env"].secret
    for notification in world.seen["notifications"]:
        signature = notification["headers"].get("X-Alcmeon-Webhook-Signature")
        assert webhook_signature_ok(secret, notification["path"], notification["body"], signature), (
            notification
        )


@then("the notification ids are unique and increasing")
def increasing(world: World):
    # Ids are unique and grow with the events (AR 3.3); delivery keeps their order within a conversation,
    # while conversations are delivered side by side (docs/assumptions.md, Redelivery).
    received = [
        (n["json"]["action"]["task"]["conversation"]["id"], n["json"]["id"])
        for n in world.seen["notifications"]
    ]
    ids = [i for _, i in received]
    assert len(ids) == len(set(ids)), ids
    by_conversation: dict = {}
    for conversation, notification_id in received:
        by_conversation.setdefault(conversation, []).append(notification_id)
    assert all(seen == sorted(seen) for seen in by_conversation.values()), received
    in_event_order = [i for _, i in sorted(received)]  # conversations are numbered as customers write
    assert in_event_order == sorted(ids), received


def _actions(world: World, after: int) -> list[dict]:
    handle = world.seen["env"]
    answer = handle.session.get(f"{handle.url}/actions", params={"min_action_id": after})
    assert answer.status_code == 200, answer.text
    return answer.json()


@then(re(r"reading the actions after (?P<after>\d+) returns (?P<count>\d+) actions"))
def first_page(world: World, after: str, count: str):
    world.seen["page"] = _actions(world, int(after))
    assert len(world.seen["page"]) == int(count)


@then(re(r"reading the actions after the last one returned gives the (?P<count>\d+) others"))
def next_page(world: World, count: str):
    last = world.seen["page"][-1]["id"]
    rest = _actions(world, last)
    assert len(rest) == int(count) and all(a["id"] > last for a in rest), rest


def _token(handle) -> str:
    answer = handle.new_session().post(
        handle.token_url,
        json={
            "grant_type": "client_credentials",
            "client_id": handle.instance_id,
            "client_secret": handle.secret,
        },
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


@when(
    re(
        r"a client calls the teams endpoint (?P<how>with Basic authentication|with a fresh OAuth2 token|without credentials"
        r"|with a token obtained (?P<minutes>\d+) minutes ago)"
    )
)
def call_teams(world: World, how: str, minutes: str | None):
    handle = world.seen["env"]
    session = handle.new_session()
    if how == "with Basic authentication":
        basic = base64.b64encode(f"{handle.instance_id}:{handle.secret}".encode()).decode()
        session.headers["Authorization"] = f"Basic {basic}"
    elif how != "without credentials":
        session.headers["Authorization"] = f"Bearer {_token(handle)}"
        if minutes:
            world.seen["clock"].advance(minutes=int(minutes))
    world.seen["answer"] = session.get(f"{handle.url}/teams")


@then(re(r"the answer is (?P<status>\d+)"))
def answer_status(world: World, status: str):
    assert world.seen["answer"].status_code == int(status), world.seen["answer"].text


@when(re(r"a client calls the teams endpoint (?P<count>\d+) times"))
def call_many(world: World, count: str):
    handle = world.seen["env"]
    world.seen["answers"] = [handle.session.get(f"{handle.url}/teams") for _ in range(int(count))]


@then(re(r'the last answer is 429 with "(?P<field>\w+)"'))
def limited(world: World, field: str):
    answers = world.seen["answers"]
    assert all(a.status_code == 200 for a in answers[:-1]), [a.status_code for a in answers]
    assert answers[-1].status_code == 429 and field in answers[-1].json()["details"], answers[-1].text


@when(re(r"the traffic generator plays (?P<count>\d+) events"))
def traffic(world: World, count: str):
    handle = world.seen["env"]
    generator = TrafficGenerator(handle.url, handle.new_session(auth=handle.credentials), seed=6)
    generator.run(events=int(count))
    world.seen["customers"] = generator.customers


@then(re(r'every (?P<channel>\w+) user id in the actions is a phone number without "\+"'))
def phone_ids(world: World, channel: str):
    """The inbox knows each of these users by the bare international number (AR 2.3)."""
    handle = world.seen["env"]
    customers = [c for c in world.seen["customers"] if c.channel == channel and c.social_user_id]
    assert customers, f"no {channel} customer in the traffic"
    for customer in customers:
        user = handle.ext("GET", f"/users/{customer.social_user_id}").json()
        assert user["user_id"] == customer.user_id and user["user_id"].isdigit(), user
        assert len(user["user_id"]) >= 8, user
