"""The durable queue and the engine: dedupe, per-conversation order, restart, retries, sync errors."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime

from alcsim.connector.engine import Dispatcher, Engine, EngineSettings, Outcome
from alcsim.connector.retry import (
    backoff,
    classify_salesforce,
    next_delay,
    parse_rate_limited_until,
    parse_retry_after,
)
from alcsim.connector.signatures import callout_signature, valid, webhook_signature
from alcsim.connector.store import Job, Store
from alcsim.simulators.topology.launch import wait_until


def test_a_dedupe_key_is_added_once(tmp_path):
    store = Store(tmp_path / "q.sqlite3")
    assert store.enqueue("t", "k", "action:e:1", {"n": 1}) is not None
    assert store.enqueue("t", "k", "action:e:1", {"n": 1}) is None
    assert store.counts() == {"pending": 1}


def test_claims_keep_each_keys_order_and_group_its_jobs():
    store = Store()
    for n, key in enumerate(["a", "a", "b", "a"]):
        store.enqueue("t", key, f"d{n}", {"n": n})
    store.enqueue("other", "a", "d9", {"n": 9})
    groups = store.claim(10, {"t", "other"})
    assert [[j.payload["n"] for j in g] for g in groups] == [[0, 1, 3], [2]]
    assert store.claim(10, {"t", "other"}) == []  # "a" has a running job; the "other" job waits behind it
    store.finish([j.id for g in groups for j in g])
    assert [[j.payload["n"] for j in g] for g in store.claim(10, {"t", "other"})] == [[9]]


def test_a_job_waiting_for_its_back_off_holds_back_its_key():
    store = Store()
    first = store.enqueue("t", "a", "d1", {})
    store.enqueue("t", "a", "d2", {})
    store.claim(10, {"t"})
    store.retry_later([first], 60, "503")
    assert store.claim(10, {"t"}) == []


def test_running_jobs_run_again_after_a_crash(tmp_path):
    path = tmp_path / "q.sqlite3"
    store = Store(path)
    store.enqueue("t", "a", "d1", {})
    assert store.claim(10, {"t"})
    # No close, no finish: the process died. A new Store on the same file sees the job pending again.
    again = Store(path)
    assert again.counts() == {"pending": 1}


def test_the_cursor_moves_over_seen_ids_only():
    store = Store()
    for action_id in (1, 2, 4):
        store.enqueue("t", "k", f"action:e:{action_id}", {})
    assert store.advance_contiguous("actions:e", "action:e:") == 2
    store.enqueue("t", "k", "action:e:3", {}, state="skipped")
    assert store.advance_contiguous("actions:e", "action:e:") == 4


def test_sync_errors_one_pending_per_conversation_resolved_by_a_later_success():  # SYNC-10
    """A state-based job (the core sync) covers the older errors of its key; nothing else does."""
    store = Store()
    first, second = (Job(n, "alcmeon.action", "e:5", {}, 0, f"action:e:{n}") for n in (1, 2))
    store.add_sync_error(1, "e", {"code": "CRM_SYNCHRO_ERROR", "detail": "x", "org": "o"}, first, True)
    store.add_sync_error(2, "e", {"code": "CRM_SYNCHRO_ERROR", "detail": "y", "org": "o"}, second, True)
    assert [e["detail"] for e in store.sync_errors("o")] == ["y"]
    callout = Job(3, "package.callout", "e:5", {}, 0, "callout:o:e:1")
    store.add_sync_error(3, "e", {"code": "CRM_SYNCHRO_ERROR", "detail": "z", "org": "o"}, callout)
    later = Job(4, "alcmeon.action", "e:5", {}, 0, "action:e:4")
    assert [e["detail"] for e in store.resolve_errors([later], covers_key=True)] == ["y"]
    # Defect 3 of issue 13: the callout's error (a close not applied) waits for that callout itself.
    assert [(e["detail"], e["job_type"], e["dedupe"]) for e in store.sync_errors("o")] == [
        ("z", "package.callout", "callout:o:e:1")
    ]
    assert store.resolve_errors([callout]) and store.sync_errors("o") == []


def test_errors_without_an_org_are_listed_under_the_orgs_of_their_environment():  # issue 13, defect 4
    store = Store()
    store.add_sync_error(1, "e", {"code": "CRM_SYNCHRO_ERROR", "detail": "x"})
    assert store.sync_errors("o") == []
    assert [e["detail"] for e in store.sync_errors("o", envs=("e",))] == ["x"]
    assert store.sync_errors("o", envs=("other",)) == []


def test_a_back_off_ends_on_the_clock_or_in_real_time_whichever_comes_first():
    class Moved:
        offset = 0.0

        def now(self):
            return datetime.fromtimestamp(self.timestamp(), UTC)

        def timestamp(self):
            return 1_000_000.0 + self.offset

    clock = Moved()
    store = Store(clock=clock)
    store.enqueue("t", "k", "d", {})
    [group] = store.claim(10, {"t"})
    store.retry_later([group[0].id], 600.0, "down")
    assert store.claim(10, {"t"}) == []
    assert 599 < store.seconds_to_next_due() <= 600
    row = store.jobs()[0]
    assert row["next_attempt"] is not None and row["failing_since"] is not None
    clock.offset = 601.0  # a test moves the shared clock ten minutes on
    assert store.claim(10, {"t"})


def _engine(store, handler, **settings) -> Engine:
    dispatcher = Dispatcher()
    dispatcher.register("t", handler)
    return Engine(
        store, dispatcher, EngineSettings(workers=2, retry_base=0.01, retry_cap=0.02, seed=1, **settings)
    )


def test_the_engine_retries_then_succeeds_in_order():
    store, seen, lock = Store(), [], threading.Lock()
    failures = {"left": 2}

    def handler(groups):
        with lock:
            if failures["left"]:
                failures["left"] -= 1
                return [Outcome("retry", "503")] * len(groups)
            seen.extend(j.payload["n"] for g in groups for j in g)
        return [Outcome.done()] * len(groups)

    engine = _engine(store, handler).start()
    try:
        for n in range(5):
            store.enqueue("t", "a", f"d{n}", {"n": n})
            engine.wake()
        assert engine.wait_idle(10)
        assert seen == [0, 1, 2, 3, 4]
    finally:
        engine.stop()


def test_after_max_attempts_a_sync_error_and_the_flow_goes_on():  # SYNC-10
    store = Store()

    def handler(groups):
        return [
            Outcome("retry", "always 503", info={"org": "o", "conversation_id": g[0].payload["n"]})
            if g[0].key == "bad"
            else Outcome.done()
            for g in groups
        ]

    engine = _engine(store, handler, max_attempts=3).start()
    try:
        store.enqueue("t", "bad", "d1", {"env": "e", "n": 1})
        store.enqueue("t", "good", "d2", {"env": "e", "n": 2})
        engine.wake()
        wait_until(lambda: store.sync_errors("o"), 10, what="the sync error")
        assert engine.wait_idle(10)
        assert store.counts() == {"done": 1, "error": 1}
        error = store.sync_errors("o")[0]
        assert (error["code"], error["conversation_id"]) == ("CRM_SYNCHRO_ERROR", 1)
    finally:
        engine.stop()


def test_a_job_type_without_handler_is_parked_not_lost():
    store = Store()
    store.enqueue("package.callout", "a", "d1", {})
    engine = _engine(store, lambda groups: [Outcome.done()] * len(groups)).start()
    try:
        wait_until(lambda: store.counts().get("parked"), 5, what="parking")
    finally:
        engine.stop()


def test_backoff_is_bounded_and_retry_after_wins():
    rng = random.Random(1)
    delays = [backoff(n, 0.1, 5.0, rng) for n in range(20)]
    assert all(0.05 <= d <= 5.0 for d in delays)
    assert next_delay(3, 7.0, 0.1, 5.0, rng) == 7.0


def test_retry_after_and_rate_limited_until():
    now = datetime(2024, 1, 22, 13, 5, 0, tzinfo=UTC)
    assert parse_retry_after("12", now) == 12.0
    assert parse_retry_after("Mon, 22 Jan 2024 13:05:30 GMT", now) == 30.0
    assert parse_retry_after(None, now) is None
    assert parse_rate_limited_until("{'rate_limited_until': '2024-01-22T13:05:41Z'}", now) == 41.0
    assert parse_rate_limited_until("nothing", now) is None


def test_which_salesforce_errors_are_retried():
    assert classify_salesforce(503, [{"errorCode": "SERVER_UNAVAILABLE", "message": "x"}])[0]
    assert classify_salesforce(403, [{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "x"}])[0]
    assert not classify_salesforce(400, [{"errorCode": "INVALID_FIELD", "message": "x"}])[0]
    assert "INVALID_FIELD" in classify_salesforce(400, [{"statusCode": "INVALID_FIELD", "message": "x"}])[1]


def test_signatures():  # API-01 and the package callout contract
    body = b'{"id": 1}'
    import hashlib
    import hmac

    assert webhook_signature("s", "/n", body) == hmac.new(b"s", b"/n " + body, hashlib.sha256).hexdigest()
    assert callout_signature("s", body) == hmac.new(b"s", body, hashlib.sha256).hexdigest()
    assert valid(callout_signature("s", body), callout_signature("s", body).upper())
    assert not valid(callout_signature("s", body), None)
    assert not valid(callout_signature("s", body), callout_signature("t", body))


def test_each_job_of_a_failed_callout_group_keeps_its_own_error():  # issue 13, defect 3
    store = Store()
    dispatcher = Dispatcher()
    dispatcher.register(
        "package.callout", lambda groups: [Outcome("error", "404", info={"org": "o"})] * len(groups)
    )
    for dedupe in ("callout:o:e:1", "callout:o:e:2"):
        store.enqueue("package.callout", "e:1", dedupe, {"env": "e"})
    engine = Engine(store, dispatcher, EngineSettings(workers=1, seed=1)).start()
    try:
        wait_until(lambda: len(store.sync_errors("o")) == 2, 5, what="both errors")
        assert [e["dedupe"] for e in store.sync_errors("o")] == ["callout:o:e:1", "callout:o:e:2"]
        assert store.counts() == {"error": 2}
    finally:
        engine.stop()


def test_while_a_backlog_fills_claims_take_full_batches():
    store, claims, lock = Store(), [], threading.Lock()

    def handler(groups):
        with lock:
            claims.append(sorted(g[0].payload["n"] for g in groups))
        return [Outcome.done()] * len(groups)

    engine = _engine(store, handler, batch=5, fill_wait=60.0).start()
    try:
        store.enqueue("t", "first", "d-first", {"n": -1})
        engine.wake()
        wait_until(lambda: engine.idle() and claims, 10, 0.01, "a first claim")
        with engine.filling():  # a catch-up adding a backlog page after page
            for n in range(7):
                store.enqueue("t", f"k{n}", f"d{n}", {"n": n})
                engine.wake()
            wait_until(lambda: len(claims) == 2, 10, 0.01, "a full batch claimed")
            assert claims[1] == [0, 1, 2, 3, 4]  # five at once, not one by one as they came
            assert store.counts()["pending"] == 2  # fewer than a batch wait while the backlog fills
        wait_until(engine.idle, 10, 0.01, "the rest claimed when the catch-up ends")
        assert claims[2:] == [[5, 6]]
    finally:
        engine.stop()
