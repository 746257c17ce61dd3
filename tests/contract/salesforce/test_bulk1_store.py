"""Bulk API 1.0 jobs in the org's store: restarts on --data-dir, resumed batches, the admin API, allowances."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest

# pytest puts this folder (no __init__.py) on sys.path, as tests/contract/conftest.py imports `targets`.
from bulk1_http import CSV, Bulk1, error_of, text


@pytest.fixture
def bulk(sf_org):
    return Bulk1(sf_org)


@pytest.mark.fake_only(reason="restarts the fake org on its data dir")
def test_job_survives_a_restart_on_data_dir(sf_org_factory, tmp_path):
    first = sf_org_factory(data_dir=tmp_path / "org")
    bulk = Bulk1(first)
    job_id = bulk.job("insert", "Contact", "CSV")
    batch_id = bulk.batch(job_id, "LastName\nKept\nAlso\n", CSV)
    bulk.wait(job_id, batch_id)
    before = bulk.call("GET", f"/job/{job_id}/batch/{batch_id}/result", media=None).text
    first.stop()
    second = sf_org_factory(data_dir=tmp_path / "org")
    again = Bulk1(second)
    info = again.xml("GET", f"/job/{job_id}", media=None)
    assert (text(info, "state"), text(info, "numberRecordsProcessed")) == ("Open", "2")
    assert again.call("GET", f"/job/{job_id}/batch/{batch_id}/result", media=None).text == before
    assert second.client().query("SELECT COUNT() FROM Contact")["totalSize"] == 2


@pytest.mark.fake_only(reason="uses the admin API: fault rules, journal, snapshots, reset")
def test_admin_reset_and_fault_rules_cover_bulk(bulk, sf_org):
    job_id = bulk.job("insert", "Contact", "CSV")
    admin = sf_org.session()
    admin.headers["Authorization"] = f"Bearer {bulk.token}"
    rule = {"kind": "error", "path": "^/services/async/", "status": 503, "error_code": "Timeout", "times": 1}
    assert admin.post(f"{sf_org.instance_url}/_sim/faults", json=rule).status_code == 201
    assert error_of(bulk.call("GET", f"/job/{job_id}", media=None))[:2] == (503, "Timeout")
    assert text(bulk.xml("GET", f"/job/{job_id}", media=None), "state") == "Open"
    journal = admin.get(f"{sf_org.instance_url}/_sim/journal", params={"path": "/services/async/"}).json()
    assert [e["status"] for e in journal["entries"]][-2:] == [503, 200]
    assert admin.post(f"{sf_org.instance_url}/_sim/snapshots/one-job").status_code == 201
    later = bulk.job("insert", "Account", "CSV")
    assert admin.post(f"{sf_org.instance_url}/_sim/snapshots/one-job/restore").status_code == 200
    assert error_of(bulk.call("GET", f"/job/{later}", media=None))[:2] == (400, "InvalidJob")
    assert text(bulk.xml("GET", f"/job/{job_id}", media=None), "object") == "Contact"
    assert admin.post(f"{sf_org.instance_url}/_sim/reset").status_code == 200
    fresh = Bulk1(sf_org)
    assert error_of(fresh.call("GET", f"/job/{job_id}", media=None))[:2] == (400, "InvalidJob")


@pytest.mark.fake_only(reason="edits the stopped fake's SQLite file to leave a batch cut short")
def test_a_batch_cut_short_resumes_after_a_restart(sf_org_factory, tmp_path):
    first = sf_org_factory(data_dir=tmp_path / "org")
    bulk = Bulk1(first)
    job_id = bulk.job("insert", "Contact", "CSV")
    batch_id = bulk.batch(job_id, "LastName\n" + "".join(f"Row {i}\n" for i in range(3_000)), CSV)
    bulk.wait(job_id, batch_id)
    first.stop()
    # What a stop after the first commit leaves: 2,000 records with their results, the batch InProgress.
    store = sqlite3.connect(tmp_path / "org" / "org.sqlite3")
    with store:
        later = [r[0] for r in store.execute("SELECT recordId FROM _bulk1_results WHERE seq >= 2000")]
        store.executemany('DELETE FROM "Contact" WHERE Id = ?', [(i,) for i in later])
        store.execute("DELETE FROM _bulk1_results WHERE seq >= 2000")
        store.execute(
            "UPDATE _bulk1_batches SET state = 'InProgress', numberRecordsProcessed = 2000 WHERE id = ?",
            (batch_id,),
        )
    store.close()
    second = sf_org_factory(data_dir=tmp_path / "org")
    again = Bulk1(second)
    done = again.wait(job_id, batch_id)
    assert (text(done, "state"), text(done, "numberRecordsProcessed")) == ("Completed", "3000")
    rows = list(
        csv.reader(io.StringIO(again.call("GET", f"/job/{job_id}/batch/{batch_id}/result", media=None).text))
    )
    assert len(rows) == 3_001 and all(r[1] == "true" for r in rows[1:])
    names = [r["LastName"] for r in second.client().query_all("SELECT LastName FROM Contact")["records"]]
    assert sorted(names) == sorted(f"Row {i}" for i in range(3_000))  # every row once, none twice


@pytest.mark.fake_only(reason="a real org's /limits/ lags behind its batches")
def test_batches_count_against_daily_bulk_api_batches(bulk, sf):
    before = sf.limits()["DailyBulkApiBatches"]
    job_id = bulk.job("insert", "Contact", "CSV")
    for name in ("One", "Two"):
        bulk.batch(job_id, f"LastName\n{name}\n", CSV)
    after = sf.limits()["DailyBulkApiBatches"]
    assert after == {"Max": before["Max"], "Remaining": before["Remaining"] - 2}


@pytest.mark.fake_only(reason="an org configured with a daily allowance of 2 API requests")
def test_bulk_calls_count_as_api_requests(sf_org_factory):
    running = sf_org_factory({"api_daily_limit": 2})
    bulk = Bulk1(running)  # the token grant is not an API request
    job_id = bulk.job("insert", "Contact", "CSV")
    assert text(bulk.xml("GET", f"/job/{job_id}", media=None), "state") == "Open"
    assert error_of(bulk.call("GET", f"/job/{job_id}", media=None)) == (
        400,
        "ExceededQuota",
        "TotalRequests Limit exceeded.",
    )
