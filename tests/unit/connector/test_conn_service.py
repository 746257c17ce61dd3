"""The Connector's construction: explicit features, one error envelope, the clock of its config."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Blueprint

from alcsim.connector.alcmeon import EnvironmentEndpoint
from alcsim.connector.jobs import ACTION_JOB, CALLOUT_JOB, CRM_ERROR_JOB, PROPAGATE_JOB
from alcsim.connector.retry import Permanent, Retryable
from alcsim.connector.salesforce import OrgEndpoint
from alcsim.connector.service import Connector, ConnectorConfig
from alcsim.connector.store import Job, Store


class FixedClock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def timestamp(self) -> float:
        return self.moment.timestamp()


class Broken:
    def register(self, connector) -> None:
        raise RuntimeError("this feature is broken")


class Failing:
    """A feature whose routes fail upstream, the way a gateway call does."""

    def register(self, connector) -> None:
        bp = Blueprint("failing", __name__)

        @bp.get("/failing/permanent")
        def permanent():
            raise Permanent("GET /teams: 400 {}", status=400)

        @bp.get("/failing/retryable")
        def retryable():
            raise Retryable("GET /teams timed out")

        connector.app.register_blueprint(bp)


@pytest.fixture
def connector():
    built = Connector(ConnectorConfig())
    yield built
    built.store.close()


def test_a_broken_feature_fails_the_construction_loudly():
    with pytest.raises(RuntimeError, match="this feature is broken"):
        Connector(ConnectorConfig(), features=(Broken(),))


def test_the_default_features_handle_every_job_type(connector):
    assert connector.dispatcher.types() == {ACTION_JOB, CALLOUT_JOB, PROPAGATE_JOB, CRM_ERROR_JOB}


def test_without_features_only_the_core_sync_is_registered():
    bare = Connector(ConnectorConfig(admin_token="t0ken"), features=())
    assert bare.dispatcher.types() == {ACTION_JOB}
    admin = {"Authorization": "Bearer t0ken"}
    assert bare.app.test_client().get("/admin/queue-routes", headers=admin).status_code == 404


def test_every_json_error_of_the_app_has_one_envelope(connector):
    client = connector.app.test_client()
    token = {"Authorization": f"Bearer {connector.config.admin_token}"}
    admin = client.post("/admin/sync-errors/7/retry", headers=token)
    assert (admin.status_code, admin.json) == (
        404,
        {"error": "not-found", "details": "no pending sync error 7"},
    )
    notify = client.post("/alcmeon/nowhere/notify", data=b"{}")
    assert notify.status_code == 404 and notify.json["error"] == "not-found"
    matching = client.get("/matching/nowhere/accounts/1/users/u")
    assert matching.status_code == 404 and set(matching.json) == {"error", "details"}
    widget = client.get("/widget/nowhere/records/a00000000000000AAA")
    assert (widget.status_code, widget.json["error"]) == (404, "widget-error")


def test_a_failed_call_maps_to_502_when_permanent_and_503_when_it_may_pass():
    connector = Connector(ConnectorConfig(), features=(Failing(),))
    client = connector.app.test_client()
    permanent, retryable = client.get("/failing/permanent"), client.get("/failing/retryable")
    assert (permanent.status_code, permanent.json["error"]) == (502, "upstream-error")
    assert (retryable.status_code, retryable.json["error"]) == (503, "upstream-unavailable")
    assert retryable.json["details"] == "GET /teams timed out"


def test_the_config_clock_reaches_the_store_and_the_gateways():
    clock = FixedClock(datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
    connector = Connector(ConnectorConfig(clock=clock))
    org = connector.add_org(OrgEndpoint("o", "https://127.0.0.1:1/services/oauth2/token", "c", "s"))
    env = connector.add_environment(EnvironmentEndpoint("e", "https://127.0.0.1:1", "1", "s"))
    assert org.clock is clock and env.clock is clock
    connector.receive_callout("o", "e", 1, {"id": 1, "scoped_id": "abc:1:2:3"})
    job = connector.store.jobs()[0]
    assert job["created_at"] == clock.timestamp() and job["key"] == "e:3"


def test_store_timestamps_follow_the_clock_and_a_frozen_clock_still_ends_back_offs():
    clock = FixedClock(datetime(2001, 1, 1, tzinfo=UTC))
    store = Store(clock=clock)
    store.enqueue("t", "k", "d", {})
    [group] = store.claim(10, {"t"})
    store.retry_later([group[0].id], 0.0, "again")
    store.add_sync_error(group[0].id, "e", {"code": "X", "detail": "d"})
    row = store.jobs()[0]
    assert row["created_at"] == row["updated_at"] == clock.timestamp()
    assert store.sync_errors()[0]["created_at"] == clock.timestamp()
    assert row["not_before"] == clock.timestamp()  # a back-off is scheduled on the clock
    assert store.claim(10, {"t"})  # and in real time too: due at once though the clock stands still


def test_a_callout_with_a_foreign_scoped_id_keeps_one_ordering_key(connector):
    connector.receive_callout("o", "e", 1, {"id": 1, "scoped_id": "not-base-36!"})
    assert connector.store.jobs()[0]["key"] == "e:not-base-36!"


def test_the_org_of_a_job_that_failed_before_knowing_it_comes_from_the_job():  # issue 13, defect 4
    connector = Connector(ConnectorConfig(callout_secrets={("o", "e"): "s"}))
    org = connector.add_org(OrgEndpoint("o", "https://127.0.0.1:1/services/oauth2/token", "c", "s"))
    connector.add_environment(EnvironmentEndpoint("e", "https://127.0.0.1:1", "1", "s", timeout=0.5))
    org.organization_id = "00D000000000001AAA"
    callout = Job(1, "package.callout", "e:1", {"env": "e", "org": "o"}, 0)
    assert connector.org_of_job(callout) == org.organization_id
    # The environment cannot be read (nothing listens): it links one org only, so that one.
    action = Job(2, "alcmeon.action", "e:1", {"env": "e", "action": {"account_id": 5}}, 0)
    assert connector.org_of_job(action) == org.organization_id
    connector.store.add_sync_error(3, "e", {"code": "CRM_SYNCHRO_ERROR", "detail": "x"})
    assert len(connector.sync_errors_of(org.organization_id)) == 1
