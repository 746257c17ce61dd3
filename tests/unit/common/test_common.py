"""The shared pieces: clock, seeded ids, journal, fault rules, local CA and server runner."""

from __future__ import annotations

import gc
import io
import threading
import weakref
from datetime import UTC, datetime

import pytest
import requests
from flask import Flask

from alcsim.simulators.common.clock import Clock
from alcsim.simulators.common.faults import FaultRuleError, FaultRules
from alcsim.simulators.common.ids import IdSource
from alcsim.simulators.common.journal import Journal
from alcsim.simulators.common.request_limits import Limits, RequestLimits
from alcsim.simulators.common.runner import ServerThread
from alcsim.simulators.common.tls import local_ca


def test_frozen_clock_moves_only_when_told():
    clock = Clock(datetime(2024, 5, 1, 10, tzinfo=UTC), frozen=True)
    assert clock.now() == datetime(2024, 5, 1, 10, tzinfo=UTC)
    clock.advance(hours=96)
    assert clock.now() == datetime(2024, 5, 5, 10, tzinfo=UTC)
    clock.unfreeze()
    assert clock.now() >= datetime(2024, 5, 5, 10, tzinfo=UTC) and not clock.frozen


def test_running_clock_keeps_its_offset():
    clock = Clock()
    before = clock.now()
    clock.advance(3600)
    assert (clock.now() - before).total_seconds() >= 3600


def test_ids_repeat_for_a_seed():
    first, second = IdSource(42), IdSource(42)
    assert [first.token(8) for _ in range(3)] == [second.token(8) for _ in range(3)]
    assert [first.next("x"), first.next("x"), first.next("y")] == [1, 2, 1]
    first.reserve("x", 10)
    assert first.next("x") == 11


def test_journal_filters_and_bounds():
    journal = Journal(capacity=3)
    for i, (method, path) in enumerate([("GET", "/a"), ("POST", "/b"), ("POST", "/a/1"), ("GET", "/c")]):
        journal.record(
            time="t",
            method=method,
            path=path,
            query="",
            status=200 + i,
            duration_ms=1,
            request_body="x" * 5000,
        )
    assert [e.path for e in journal.entries()] == ["/b", "/a/1", "/c"]
    assert [e.path for e in journal.entries(method="post", path="^/a")] == ["/a/1"]
    assert journal.entries(status=203)[0].request_body.endswith("…")
    assert [e.seq for e in journal.entries(since=3)] == [4]


def test_fault_rules_by_count_and_method():
    rules = FaultRules(seed=1)
    rules.add({"kind": "error", "method": "post", "path": "/sobjects", "times": 2})
    assert rules.pick("GET", "/sobjects") is None
    assert rules.pick("POST", "/x/sobjects/Contact").kind == "error"
    assert rules.pick("POST", "/sobjects") is not None
    assert rules.pick("POST", "/sobjects") is None


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "error", "status": 200},
        {"kind": "nope"},
        {"kind": "latency", "latency_ms": -1},
        {"kind": "drop", "path": "("},
        {"kind": "drop", "extra": 1},
        [],
    ],
)
def test_fault_rules_refuse_bad_definitions(bad):
    with pytest.raises(FaultRuleError):
        FaultRules().add(bad)


def test_probability_repeats_for_a_seed():
    def fired(seed):
        rules = FaultRules(seed)
        rules.add({"kind": "latency", "probability": 0.5})
        return [rules.pick("GET", "/") is not None for _ in range(20)]

    assert fired(3) == fired(3) and any(fired(3)) and not all(fired(3))


def test_server_thread_serves_https_with_the_local_ca_and_stops():
    app = Flask("t")

    @app.get("/hello")
    def hello():
        return {"hello": "world"}

    ca = local_ca()
    with ServerThread(app) as server:
        session = requests.Session()
        session.trust_env = False
        session.verify = ca.ca_bundle
        assert session.get(f"{server.url}/hello").json() == {"hello": "world"}
        assert server.url.startswith("https://127.0.0.1:")
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(f"{server.url}/hello", timeout=2)


def test_a_stopped_server_leaves_nothing_behind_and_its_app_is_freed():
    """cheroot files each server's statistics in `logging.statistics`; a stopped server takes them away, so
    its app (in the fakes: an org and its store) is freed. Stopping ends every thread it started, at once
    from its select loop, and a server that never served stops too."""
    app = Flask("t")
    app.get("/hello")(lambda: {"hello": "world"})
    threads_before = set(threading.enumerate())
    server = ServerThread(app).start()
    session = requests.Session()
    session.trust_env = False
    session.verify = local_ca().ca_bundle
    assert session.get(f"{server.url}/hello").json() == {"hello": "world"}
    session.close()
    server.stop()
    assert [t.name for t in set(threading.enumerate()) - threads_before if t.is_alive()] == []
    ServerThread(Flask("never served")).stop()
    freed = weakref.ref(app)
    del app, server
    gc.collect()
    assert freed() is None


def test_a_streamed_route_is_checked_against_its_own_limit_and_left_unread():
    limits = Limits(max_body=10, streamed=(("PUT", r"/jobs/[^/]+/batches", 100),))
    checks = RequestLimits(lambda e, s: [], limits, lambda r, e, s: r)
    body = io.BytesIO(b"y" * 50)
    streamed = {
        "REQUEST_METHOD": "PUT",
        "PATH_INFO": "/jobs/7/batches",
        "CONTENT_LENGTH": "50",
        "wsgi.input": body,
    }
    assert checks.check_body(streamed) is None and streamed["wsgi.input"] is body and body.tell() == 0
    too_big = dict(streamed, CONTENT_LENGTH="101", **{"wsgi.input": io.BytesIO(b"y" * 101)})
    assert checks.check_body(too_big).status == 413
    other = dict(streamed, REQUEST_METHOD="POST", **{"wsgi.input": io.BytesIO(b"y" * 50)})
    assert checks.check_body(other).status == 413  # the REST limit for every other route
