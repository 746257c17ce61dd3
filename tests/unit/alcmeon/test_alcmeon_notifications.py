"""The notify webhook: signature, id order, catch-up through GET /actions, redelivery and disabling (AR 3.2-3.4)."""

import hashlib
import hmac
import json
import threading

SIGNATURE = "X-Alcmeon-Webhook-Signature"


def subscribe(handle, receiver, **extra):
    response = handle.ext("PUT", "/application/webhook", json={"url": receiver.url, **extra})
    assert response.status_code == 200, response.text


def all_actions(handle, after=0):
    """Page through GET /actions, ten at a time, as a catching-up client does."""
    found = []
    while True:
        page = handle.session.get(f"{handle.url}/actions", params={"min_action_id": after}).json()
        assert len(page) <= 10
        if not page:
            return found
        found += page
        after = page[-1]["id"]


def test_each_event_is_posted_signed_with_hmac_of_path_space_body(alcmeon_env, alcmeon_webhook_receiver):
    subscribe(alcmeon_env, alcmeon_webhook_receiver)
    sent = alcmeon_env.customer_writes(
        alcmeon_env.account_id("whatsapp"), "33612345678", "Bonjour", name="Léa"
    )
    (got,) = alcmeon_webhook_receiver.wait_for(1)
    expected = hmac.new(
        alcmeon_env.secret.encode(), b"/alcmeon/notify " + got["body"], hashlib.sha256
    ).hexdigest()
    assert got["headers"][SIGNATURE] == expected
    payload = json.loads(got["body"])
    assert set(payload) == {"id", "action"}
    assert payload["id"] == sent["action_id"] == payload["action"]["id"]
    action = payload["action"]
    assert action["type"] == "task-create"
    assert action["task"]["state"] == "pending"
    assert action["task"]["conversation"]["id"] == sent["conversation_id"]
    assert action["task"]["message"]["author"]["group"]["id"] == sent["group_id"]
    assert action["account"]["type"] == "whatsapp"


def test_signature_ignores_the_query_string(alcmeon_env, alcmeon_webhook_receiver):
    response = alcmeon_env.ext(
        "PUT", "/application/webhook", json={"url": alcmeon_webhook_receiver.url + "?key=v"}
    )
    assert response.status_code == 200
    alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "1001", "Hello")
    (got,) = alcmeon_webhook_receiver.wait_for(1)
    expected = hmac.new(
        alcmeon_env.secret.encode(), b"/alcmeon/notify " + got["body"], hashlib.sha256
    ).hexdigest()
    assert got["headers"][SIGNATURE] == expected


def test_ids_are_unique_and_increasing_across_a_busy_conversation(alcmeon_env, alcmeon_webhook_receiver):
    subscribe(alcmeon_env, alcmeon_webhook_receiver)
    account = alcmeon_env.account_id("instagram")
    first = alcmeon_env.customer_writes(account, "ig-1", "Hi")
    alcmeon_env.ext("POST", f"/tasks/{first['task_id']}/acquire", json={"agent_id": 2}).raise_for_status()
    alcmeon_env.ext("POST", f"/tasks/{first['task_id']}/reply", json={"agent_id": 2, "content": "Hello!"})
    alcmeon_env.customer_writes(account, "ig-1", "Thanks")
    received = alcmeon_webhook_receiver.wait_for(5)
    ids = [r["json"]["id"] for r in received]
    assert ids == sorted(set(ids))
    types = [r["json"]["action"]["type"] for r in received]
    assert types[:3] == ["task-create", "acquire", "answer"]
    assert set(types[3:]) == {"execute-answer", "task-create"}


def test_notification_types_filter_what_is_sent(alcmeon_env, alcmeon_webhook_receiver):
    subscribe(alcmeon_env, alcmeon_webhook_receiver, notification_types=["answer"])
    sent = alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "2002", "Hello")
    alcmeon_env.ext("POST", f"/tasks/{sent['task_id']}/reply", json={"agent_id": 2, "content": "Hi"})
    (got,) = alcmeon_webhook_receiver.wait_for(1)
    assert got["json"]["action"]["type"] == "answer"
    assert alcmeon_env.env.run_due() == {"delivered": 0, "failed": 0}


def test_after_an_outage_the_client_catches_up_through_actions(alcmeon_env, alcmeon_webhook_receiver):
    subscribe(alcmeon_env, alcmeon_webhook_receiver)
    alcmeon_webhook_receiver.status = 503
    account = alcmeon_env.account_id("twitter")
    for n in range(12):
        alcmeon_env.customer_writes(account, f"tw-{n}", f"message {n}")
    alcmeon_webhook_receiver.wait_for(1, answered=503)
    # Every conversation's first notification fails and waits for its retry (AR 3.3).
    assert alcmeon_webhook_receiver.ids(answered=200) == []
    caught_up = all_actions(alcmeon_env)
    assert [a["id"] for a in caught_up] == list(range(1, 13))
    assert all(a["type"] == "task-create" for a in caught_up)
    ranged = alcmeon_env.session.get(
        f"{alcmeon_env.url}/actions", params={"min_action_id": 3, "max_action_id": 5}
    )
    assert [a["id"] for a in ranged.json()] == [4, 5]
    errors = alcmeon_env.session.get(f"{alcmeon_env.url}/application/errors").json()
    assert errors[0]["direction"] == "outgoing" and errors[0]["status"] == 503
    assert errors[0]["path"] == "/alcmeon/notify" and errors[0]["details"] == "ok"


def test_redelivery_follows_the_back_off_on_the_clock(alcmeon_env, alcmeon_webhook_receiver):
    subscribe(alcmeon_env, alcmeon_webhook_receiver)
    alcmeon_webhook_receiver.status = 500
    account = alcmeon_env.account_id("facebook")
    alcmeon_env.customer_writes(account, "3003", "one")
    alcmeon_env.customer_writes(account, "3003", "two")
    alcmeon_webhook_receiver.wait_for(1, answered=500)
    alcmeon_webhook_receiver.status = 200
    # Not due yet: the first retry waits ten seconds of the environment's clock.
    assert alcmeon_env.ext("POST", "/notifications/run-due").json()["delivered"] == 0
    alcmeon_env.clock.advance(11)
    alcmeon_env.ext("POST", "/notifications/run-due")
    alcmeon_webhook_receiver.wait_for(2, answered=200)
    assert alcmeon_webhook_receiver.ids() == [1, 2]


def test_a_webhook_failing_for_a_day_is_disabled_then_enabled_again(alcmeon_env, alcmeon_webhook_receiver):
    subscribe(alcmeon_env, alcmeon_webhook_receiver)
    alcmeon_webhook_receiver.status = 500
    account = alcmeon_env.account_id("facebook")
    alcmeon_env.customer_writes(account, "4004", "hello")
    alcmeon_webhook_receiver.wait_for(1, answered=500)
    for _ in range(30):
        alcmeon_env.clock.advance(3600)
        alcmeon_env.ext("POST", "/notifications/run-due")
    status = alcmeon_env.session.get(f"{alcmeon_env.url}/application/webhook").json()
    assert status == [{"url": alcmeon_webhook_receiver.url, "enabled": 0}]
    alcmeon_webhook_receiver.status = 200
    alcmeon_env.customer_writes(account, "4004", "while disabled")
    assert alcmeon_env.ext("POST", "/notifications/run-due").json() == {"delivered": 0, "failed": 0}
    enabled = alcmeon_env.session.post(f"{alcmeon_env.url}/application/webhook", json={"enable": True})
    assert enabled.status_code == 200
    assert alcmeon_env.session.get(f"{alcmeon_env.url}/application/webhook").json()[0]["enabled"] == 1
    later = alcmeon_env.customer_writes(account, "4004", "after")
    alcmeon_webhook_receiver.wait_for(1, answered=200)
    assert alcmeon_webhook_receiver.ids() == [later["action_id"]]


def test_without_redelivery_a_failed_notification_is_not_sent_again(
    alcmeon_env_factory, alcmeon_webhook_receiver
):
    handle = alcmeon_env_factory({"webhook_redelivery": "none"})
    subscribe(handle, alcmeon_webhook_receiver)
    alcmeon_webhook_receiver.status = 500
    handle.customer_writes(handle.account_id("facebook"), "5005", "lost")
    alcmeon_webhook_receiver.wait_for(1, answered=500)
    alcmeon_webhook_receiver.status = 200
    kept = handle.customer_writes(handle.account_id("facebook"), "5005", "kept")
    alcmeon_webhook_receiver.wait_for(1, answered=200)
    handle.clock.advance(3600)
    handle.ext("POST", "/notifications/run-due")
    assert alcmeon_webhook_receiver.ids() == [kept["action_id"]]


def test_actions_requires_min_action_id_and_answers_in_the_envelope(alcmeon_env):
    missing = alcmeon_env.session.get(f"{alcmeon_env.url}/actions")
    assert missing.status_code == 400 and set(missing.json()) == {"error", "details"}
    bad = alcmeon_env.session.get(f"{alcmeon_env.url}/actions", params={"min_action_id": "x"})
    assert bad.status_code == 400


def test_actions_of_one_conversation(alcmeon_env):
    account = alcmeon_env.account_id("facebook")
    first = alcmeon_env.customer_writes(account, "6006", "one")
    alcmeon_env.customer_writes(account, "7007", "someone else")
    alcmeon_env.customer_writes(account, "6006", "two")
    body = alcmeon_env.session.get(
        f"{alcmeon_env.url}/actions/conversations/{first['conversation_id']}"
    ).json()
    assert body[0]["id"] == first["conversation_id"]
    assert [a["task"]["message"]["content"] for a in body[0]["actions"]] == ["one", "two"]
    assert alcmeon_env.session.get(f"{alcmeon_env.url}/actions/conversations/999").json() == []


def test_a_receiver_slower_than_the_timeout_counts_as_a_failure(
    alcmeon_env_factory, alcmeon_webhook_receiver
):
    handle = alcmeon_env_factory({"webhook_timeout_seconds": 0.2})
    subscribe(handle, alcmeon_webhook_receiver)
    alcmeon_webhook_receiver.hold = threading.Event()
    try:
        handle.customer_writes(handle.account_id("facebook"), "6060", "slow")
        alcmeon_webhook_receiver.wait_for(1)
        handle.env.run_due()  # waits for the worker's delivery in flight, which times out
        errors = handle.session.get(f"{handle.url}/application/errors").json()
        assert errors[0]["status"] is None and errors[0]["details"] in ("ReadTimeout", "ConnectionError")
    finally:
        alcmeon_webhook_receiver.hold.set()


def test_the_openapi_document_is_published(alcmeon_env):
    document = alcmeon_env.new_session().get(f"{alcmeon_env.url}/openapi.json").json()
    assert "/actions" in document["paths"] and "/_sim/ext/customers/messages" in document["paths"]
    assert alcmeon_env.new_session().get(f"{alcmeon_env.url}/_sim/openapi.json").status_code == 401
    assert alcmeon_env.session.get(f"{alcmeon_env.url}/_sim/openapi.json").json() == document


def test_an_https_receiver_signed_by_the_local_ca_is_trusted(alcmeon_env):
    from alcsim.simulators.alcmeon.running import WebhookReceiver

    receiver = WebhookReceiver(tls=True).start()
    try:
        assert receiver.url.startswith("https://")
        subscribe(alcmeon_env, receiver)
        alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "7070", "over TLS")
        (got,) = receiver.wait_for(1)
        assert got["json"]["action"]["type"] == "task-create"
    finally:
        receiver.stop()


def test_outgoing_notifications_are_in_the_journal(alcmeon_env, alcmeon_webhook_receiver):
    subscribe(alcmeon_env, alcmeon_webhook_receiver)
    alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "8080", "journal me")
    alcmeon_webhook_receiver.wait_for(1)
    alcmeon_env.env.run_due()
    entries = alcmeon_env.session.get(f"{alcmeon_env.url}/_sim/journal", params={"path": "notify"}).json()[
        "entries"
    ]
    assert entries[0]["tags"]["direction"] == "outgoing" and entries[0]["status"] == 200
    assert json.loads(entries[0]["request_body"])["action"]["type"] == "task-create"
