"""Conversation identity and task states: silence windows, manual close, routing, steal (AR 2.1, 2.2)."""

import re

HOUR = 3600


def conversation(handle, conversation_id):
    return handle.ext("GET", f"/conversations/{conversation_id}").json()


def test_scoped_id_has_four_parts_and_at_most_30_characters(alcmeon_env):
    sent = alcmeon_env.customer_writes(
        alcmeon_env.account_id("kakaotalk"),
        "821012345678",
        "안녕하세요",
        channel_data={"app_user_id": "4021734"},
    )
    assert re.fullmatch(r"[^:]+:[^:]+:[^:]+:[^:]+", sent["scoped_id"])
    assert len(sent["scoped_id"]) <= 30
    view = conversation(alcmeon_env, sent["conversation_id"])
    assert view["scoped_id"] == sent["scoped_id"]
    assert view["social_user"]["channel_data"] == {"app_user_id": "4021734"}


def test_phone_channels_store_the_user_id_without_plus(alcmeon_env):
    sent = alcmeon_env.customer_writes(alcmeon_env.account_id("whatsapp"), "+33612345678", "Bonjour")
    assert sent["user_id"] == "33612345678"
    again = alcmeon_env.customer_writes(alcmeon_env.account_id("whatsapp"), "33612345678", "Encore")
    assert again["conversation_id"] == sent["conversation_id"]
    bad = alcmeon_env.ext(
        "POST",
        "/customers/messages",
        json={"account_id": alcmeon_env.account_id("whatsapp"), "user_id": "06 12", "content": "x"},
    )
    assert bad.status_code == 400 and bad.json()["error"] == "invalid-phone-number-format"


def test_messages_inside_the_window_share_a_conversation_and_after_it_start_a_new_one(alcmeon_env):
    account = alcmeon_env.account_id("whatsapp")
    first = alcmeon_env.customer_writes(account, "33600000001", "one")
    alcmeon_env.clock.advance(95 * HOUR)
    second = alcmeon_env.customer_writes(account, "33600000001", "two")
    assert second["conversation_id"] == first["conversation_id"] and not second["new_conversation"]
    alcmeon_env.clock.advance(96 * HOUR + 1)
    assert conversation(alcmeon_env, first["conversation_id"])["status"] == "expired"
    third = alcmeon_env.customer_writes(account, "33600000001", "three")
    assert third["new_conversation"]
    assert third["conversation_id"] != first["conversation_id"]
    assert third["scoped_id"] != first["scoped_id"]


def test_facebook_has_the_longer_120_hour_window(alcmeon_env):
    account = alcmeon_env.account_id("facebook")
    first = alcmeon_env.customer_writes(account, "9001", "one")
    alcmeon_env.clock.advance(119 * HOUR)
    assert alcmeon_env.customer_writes(account, "9001", "two")["conversation_id"] == first["conversation_id"]
    alcmeon_env.clock.advance(121 * HOUR)
    assert alcmeon_env.customer_writes(account, "9001", "three")["new_conversation"]


def test_after_a_manual_close_the_next_message_opens_a_new_conversation(
    alcmeon_env, alcmeon_webhook_receiver
):
    alcmeon_env.ext(
        "PUT", "/application/webhook", json={"url": alcmeon_webhook_receiver.url}
    ).raise_for_status()
    account = alcmeon_env.account_id("instagram")
    first = alcmeon_env.customer_writes(account, "ig-42", "Hello")
    closed = alcmeon_env.ext(
        "POST", f"/conversations/{first['conversation_id']}/close", json={"agent_id": 2, "reply": "Bye!"}
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert conversation(alcmeon_env, first["conversation_id"])["status"] == "closed"
    again = alcmeon_env.ext("POST", f"/conversations/{first['conversation_id']}/close", json={"agent_id": 2})
    assert again.status_code == 409
    nxt = alcmeon_env.customer_writes(account, "ig-42", "One more thing")
    assert nxt["new_conversation"] and nxt["conversation_id"] != first["conversation_id"]
    # Delivery keeps order within a conversation only (docs/assumptions.md, Redelivery): the second
    # conversation's task-create may arrive before the first one's archive, so read them in id order.
    received = sorted(alcmeon_webhook_receiver.wait_for(5), key=lambda r: r["json"]["id"])
    types = [r["json"]["action"]["type"] for r in received]
    # execute-answer comes from the channel worker, so it may land before or after the archive.
    assert [t for t in types if t != "execute-answer"][:3] == ["task-create", "answer", "archive"]
    assert types.index("execute-answer") > types.index("answer")
    archive = next(r["json"]["action"] for r in received if r["json"]["action"]["type"] == "archive")
    assert archive["task"]["state"] == "archived"


def test_acquire_then_steal_by_another_agent(alcmeon_env):
    task = alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "8008", "Help")["task_id"]
    alcmeon_env.ext("POST", f"/tasks/{task}/acquire", json={"agent_id": 2}).raise_for_status()
    stolen = alcmeon_env.ext("POST", f"/tasks/{task}/acquire", json={"agent_id": 3}).json()["action_id"]
    action = alcmeon_env.session.get(
        f"{alcmeon_env.url}/actions", params={"min_action_id": stolen - 1}
    ).json()[0]
    assert action["type"] == "steal"
    assert action["data"]["from"]["id"] == 2 and action["user"]["id"] == 3
    assert action["task"]["state"] == "assigned"


def test_routing_to_a_team_is_a_tag_action_and_unassigns(alcmeon_env):
    task = alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "8100", "Billing")["task_id"]
    alcmeon_env.ext("POST", f"/tasks/{task}/acquire", json={"agent_id": 2}).raise_for_status()
    routed = alcmeon_env.ext("POST", f"/tasks/{task}/route", json={"team_id": 3, "agent_id": 2}).json()[
        "action_id"
    ]
    action = alcmeon_env.session.get(
        f"{alcmeon_env.url}/actions", params={"min_action_id": routed - 1}
    ).json()[0]
    assert action["type"] == "tag"
    assert action["data"]["next"]["value"]["id"] == 3
    assert action["task"]["tags"] == [action["data"]["next"]]
    view = alcmeon_env.ext("GET", f"/conversations/{action['task']['conversation_id']}").json()
    assert view["team_id"] == 3 and view["tasks"][0]["assignee_id"] is None
    missing = alcmeon_env.ext("POST", f"/tasks/{task}/route", json={"team_id": 99})
    assert missing.status_code == 404 and missing.json()["error"] == "team-not-found"


def test_a_whatsapp_reply_after_24_hours_fails_on_the_channel(alcmeon_env):
    account = alcmeon_env.account_id("whatsapp")
    task = alcmeon_env.customer_writes(account, "33600000009", "Hi")["task_id"]
    alcmeon_env.clock.advance(25 * HOUR)
    answer = alcmeon_env.ext(
        "POST", f"/tasks/{task}/reply", json={"agent_id": 2, "content": "Sorry for the delay"}
    )
    answer_id = answer.json()["action_id"]
    alcmeon_env.env.run_due()
    executed = alcmeon_env.session.get(
        f"{alcmeon_env.url}/actions", params={"min_action_id": answer_id}
    ).json()
    assert executed[0]["type"] == "execute-answer"
    assert executed[0]["data"] == {"answer_action_id": answer_id, "answer_status": "fail"}
    assert executed[0]["status"] == "fail"


def test_agent_acts_reject_unknown_tasks_and_agents(alcmeon_env):
    assert alcmeon_env.ext("POST", "/tasks/999/acquire", json={"agent_id": 2}).status_code == 404
    task = alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "8200", "x")["task_id"]
    assert alcmeon_env.ext("POST", f"/tasks/{task}/acquire", json={"agent_id": 999}).status_code == 404
    assert alcmeon_env.ext("POST", f"/tasks/{task}/acquire", json={"agent_id": "two"}).status_code == 400
    assert alcmeon_env.ext("POST", f"/tasks/{task}/acquire", data="nope").status_code == 400


def test_two_environments_never_share_scoped_ids_or_secrets(alcmeon_env_factory):
    first, second = alcmeon_env_factory(), alcmeon_env_factory()
    assert first.instance_id != second.instance_id and first.secret != second.secret
    a = first.customer_writes(first.account_id("facebook"), "1", "same user, same channel")
    b = second.customer_writes(second.account_id("facebook"), "1", "same user, same channel")
    assert a["scoped_id"] != b["scoped_id"]


def test_comment_help_and_on_hold_leave_actions_and_move_the_state(alcmeon_env):
    task = alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "8300", "Complex case")["task_id"]
    for act, state in (
        ("comment", "pending"),
        ("help-request", "help-requested"),
        ("help-answer", "help-answered"),
        ("on-hold", "on-hold"),
    ):
        done = alcmeon_env.ext("POST", f"/tasks/{task}/{act}", json={"agent_id": 2, "comment": f"{act} note"})
        action_id = done.json()["action_id"]
        action = alcmeon_env.session.get(
            f"{alcmeon_env.url}/actions", params={"min_action_id": action_id - 1}
        ).json()[0]
        assert action["type"] == act and action["task"]["state"] == state
        if act != "on-hold":
            assert action["data"] == {"comment": f"{act} note"}


def test_a_public_comment_is_not_private(alcmeon_env):
    sent = alcmeon_env.customer_writes(
        alcmeon_env.account_id("facebook"), "8400", "Nice post!", is_private=False
    )
    action = alcmeon_env.session.get(
        f"{alcmeon_env.url}/actions", params={"min_action_id": sent["action_id"] - 1}
    ).json()[0]
    assert action["task"]["message"]["is_private"] is False
