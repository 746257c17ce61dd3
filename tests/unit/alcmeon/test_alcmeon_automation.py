"""Global scenario variables, start-scenario and RCS (core-api.yaml, scenarios.yaml, initiate-conversation-api.yaml)."""

import pytest

from alcsim.simulators.alcmeon.config import DEFAULT_SOCIAL_ACCOUNTS


@pytest.fixture
def rcs_env(alcmeon_env_factory):
    return alcmeon_env_factory({"social_accounts": [*map(dict, DEFAULT_SOCIAL_ACCOUNTS), {"type": "rcs"}]})


def test_global_variables_are_set_listed_and_paged(alcmeon_env):
    s, url = alcmeon_env.session, f"{alcmeon_env.url}/v1/global-variables"
    for name, value in (("a", 3), ("b", 30.5), ("c", {"debug": False}), ("d", ["x"]), ("a", 5)):
        assert s.put(url, json={"name": name, "value": value}).json() == {"name": name, "value": value}
    first = s.get(url, params={"limit": 3}).json()
    assert first["data"] == [
        {"name": "a", "value": 5},
        {"name": "b", "value": 30.5},
        {"name": "c", "value": {"debug": False}},
    ]
    assert first["next"].endswith("limit=3&page=1")
    assert s.get(url, params={"limit": 3, "page": 1}).json() == {"data": [{"name": "d", "value": ["x"]}]}
    assert s.get(url, params={"limit": 0}).json()["error"] == "Invalid pagination parameters"
    missing = s.put(url, json={"name": "e"}).json()
    assert missing == {"error": "Invalid request body", "details": "Missing required field: value"}
    assert s.put(url, json={"name": "", "value": 1}).status_code == 400
    assert s.put(url, json={"name": "e", "value": None}).status_code == 400


def test_start_scenario(alcmeon_env):
    s, url = alcmeon_env.session, f"{alcmeon_env.url}/start-scenario"
    body = {"starting_box": "box-1", "user": {"social_media_user_id": "33612345678"}, "variables": {"k": "v"}}
    assert s.post(url, json=body).json() == {"status": "ok"}
    # Rule 42: a badly formatted user id is silently ignored.
    ignored = s.post(url, json={**body, "user": {"social_media_user_id": "not a phone"}})
    assert ignored.status_code == 200 and ignored.json() == {"status": "ok"}
    assert s.post(url, json={"user": body["user"]}).status_code == 400
    alcmeon_env.customer_writes(alcmeon_env.account_id("whatsapp"), "33612345678", "busy")
    busy = s.post(url, json=body)
    assert busy.status_code == 403 and busy.json()["error"] == "ongoing-conversation"
    assert s.post(url, json={**body, "interrupt_ongoing_conversation": True}).status_code == 200


def test_rcs_templates_sends_and_messages(rcs_env):
    s, url, account = rcs_env.session, rcs_env.url, rcs_env.account_id("rcs")
    templates = s.post(f"{url}/v1/rcs/templates", json={"account_id": account, "limit": 1}).json()
    assert templates["data"][0]["title"] and "buttons" in templates["data"][0] and "next" in templates
    assert (
        s.post(f"{url}/v1/rcs/templates", json={"account_id": rcs_env.account_id("whatsapp")}).status_code
        == 400
    )
    send = {"to_user_phone_number": "+33612345678", "account_id": account, "template_id": 1}
    sent = s.post(
        f"{url}/v1/rcs/send/", json={**send, "variables": {"user_name": "Léa", "order_id": "7"}}
    ).json()
    assert sent["status"] == "ok"
    assert (
        s.post(f"{url}/v1/rcs/send/", json={**send, "template_id": 99}).json()["error"]
        == "template-not-found"
    )
    assert s.post(f"{url}/v1/rcs/send/", json={**send, "variables": {"n": 1}}).status_code == 400
    listed = s.get(f"{url}/v1/rcs/messages", params={"account_id": account}).json()["data"]
    assert listed[0]["id"] == sent["message_id"] and listed[0]["to"] == "33612345678"
    assert "Hello Léa, order 7" in listed[0]["content"]


def test_rcs_campaigns_send_on_their_date_and_can_grow(rcs_env):
    s, url, account = rcs_env.session, rcs_env.url, rcs_env.account_id("rcs")
    users = [
        {"phone_number": f"3361234567{n}", "variables": {"user_name": "A", "order_id": str(n)}}
        for n in range(3)
    ]
    later = rcs_env.clock.now().replace(tzinfo=None).isoformat(timespec="seconds")
    body = {"to_users": users[:2], "account_id": account, "template_id": 1, "send_date": later}
    campaign = s.post(f"{url}/v1/rcs/send/campaign", json=body).json()["campaign_id"]
    grown = {"to_users": users[2:], "account_id": account, "template_id": 1, "campaign_id": campaign}
    assert s.post(f"{url}/v1/rcs/send/campaign", json=grown).json()["campaign_id"] == campaign
    status = s.get(f"{url}/v1/rcs/campaigns/{campaign}").json()
    assert (
        status["status"] == "completed"
        and status["total_number_of_users"] == 3
        and status["progress"] == "100%"
    )
    messages = s.get(f"{url}/v1/rcs/messages", params={"account_id": account, "campaign_id": campaign}).json()
    assert sorted(m["id"] for m in messages["data"]) == sorted(status["sent_message_ids"])
    lacking = {"to_users": [{"phone_number": "33612345670"}], "account_id": account, "template_id": 1}
    assert s.post(f"{url}/v1/rcs/send/campaign", json=lacking).json()["error"] == "missing-variables"
    assert s.get(f"{url}/v1/rcs/campaigns/not-a-uuid").status_code == 400
    unknown = s.get(f"{url}/v1/rcs/campaigns/00000000-0000-0000-0000-0000000000ff")
    assert unknown.status_code == 400 and unknown.json()["error"] == "campaign-not-found"


def test_new_routes_are_rate_limited_like_the_others(alcmeon_env_factory):
    handle = alcmeon_env_factory({"rate_limit_per_minute": 1})
    url = f"{handle.url}/v1/global-variables"
    assert handle.session.get(url).status_code == 200
    assert handle.session.get(url).status_code == 429
    assert handle.new_session().get(url).status_code == 401
