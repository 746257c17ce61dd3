"""Issue 13, defect 6: a receiver slow on one notification holds back only that conversation's later ones."""

import threading

from alcsim.simulators.alcmeon.running import WebhookReceiver


def slow_on(text):
    return lambda payload: ((payload["action"].get("task") or {}).get("message") or {}).get("content") == text


def test_a_slow_notification_does_not_hold_back_other_conversations(alcmeon_env_factory):
    handle = alcmeon_env_factory({"webhook_timeout_seconds": 0.3})
    receiver = WebhookReceiver(slow_when=slow_on("slow"), slow_seconds=1.0).start()
    try:
        handle.ext("PUT", "/application/webhook", json={"url": receiver.url}).raise_for_status()
        account = handle.account_id("facebook")
        stuck = handle.customer_writes(account, "8001", "slow")
        behind = handle.customer_writes(account, "8001", "same conversation, after")
        others = [handle.customer_writes(account, f"81{n:02d}", f"other {n}") for n in range(5)]
        # The five other conversations arrive while the slow one is timing out and waiting for its retry.
        receiver.wait_for(6)
        fast = [r["json"]["id"] for r in receiver.received if not r["slow"]]
        assert sorted(fast) == [o["action_id"] for o in others]
        # Its own conversation keeps its order: the later notification waits for the slow one.
        assert behind["action_id"] not in receiver.ids()
        receiver.slow_when = None
        handle.clock.advance(11)  # the first retry of the real-time guide comes after ten seconds
        handle.env.run_due()
        ids = receiver.ids()
        assert ids.index(stuck["action_id"]) < ids.index(behind["action_id"])
        stats = handle.ext("GET", "/notifications/stats").json()
        assert stats["deliveries"] == {"delivered": 7}
    finally:
        receiver.stop()


def test_a_slow_application_does_not_hold_back_another(alcmeon_env_factory):
    # Without redelivery every notification is tried once: one shared sender would spend the timeout on
    # each of the eight, holding the healthy application's behind them.
    config = {
        "webhook_timeout_seconds": 0.5,
        "webhook_redelivery": "none",
        "applications": [{}, {"name": "slow"}],
    }
    handle = alcmeon_env_factory(config)
    fast, slow = WebhookReceiver().start(), WebhookReceiver(hold=threading.Event()).start()
    try:
        handle.ext("PUT", "/application/webhook", json={"url": fast.url}).raise_for_status()
        other = handle.new_session(auth=(handle.instance_id, handle.env.application(1)["secret"]))
        other.put(f"{handle.url}/_sim/ext/application/webhook", json={"url": slow.url}).raise_for_status()
        account = handle.account_id("twitter")
        for n in range(8):
            handle.customer_writes(account, f"tw-{n}", f"message {n}")
        fast.wait_for(8, timeout=2)
    finally:
        slow.hold.set()
        fast.stop()
        slow.stop()
