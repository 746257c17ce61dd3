"""Bulk API 2.0 jobs across an org restart on --data-dir, admin snapshots, the journal and fault rules."""

from __future__ import annotations

import csv
import io
import time

import pytest

from alcsim.simulators.salesforce.bulk.worker import worker_for

TOTAL = 25_000  # three of Salesforce's internal batches of 10,000


def _api(running):
    session = running.session()
    session.headers["Authorization"] = f"Bearer {running.access_token()}"
    return session, f"{running.instance_url}/services/data/v62.0/jobs/ingest"


def _wait(session, url: str) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = session.get(url).json()
        if job["state"] in ("JobComplete", "Failed", "Aborted"):
            return job
        time.sleep(0.05)
    raise AssertionError(job)


def _closed_job(session, base: str, rows: int) -> str:
    job = session.post(base, json={"object": "Contact", "operation": "insert"}).json()
    data = "LastName,Title\n" + "".join(f"Durable {i},T\n" for i in range(rows))
    assert (
        session.put(
            f"{base}/{job['id']}/batches", data=data.encode(), headers={"Content-Type": "text/csv"}
        ).status_code
        == 201
    )
    assert session.patch(f"{base}/{job['id']}", json={"state": "UploadComplete"}).status_code == 200
    return job["id"]


@pytest.mark.fake_only("holds the org's bulk worker and runs one chunk by hand, then stops the org mid-job")
def test_a_job_in_progress_resumes_after_a_restart_without_writing_twice(sf_org_factory, tmp_path):
    first = sf_org_factory({"name": "Durable"}, data_dir=tmp_path)
    worker = worker_for(first.org)
    worker.hold()
    session, base = _api(first)
    job_id = _closed_job(session, base, TOTAL)
    assert worker.step(chunks=1) is False  # one chunk committed, then the org stops
    stopped = session.get(f"{base}/{job_id}").json()
    assert stopped["state"] == "InProgress" and stopped["numberRecordsProcessed"] == 10_000
    first.stop()

    second = sf_org_factory({"name": "Durable"}, data_dir=tmp_path)
    session, base = _api(second)
    done = _wait(session, f"{base}/{job_id}")
    assert done["state"] == "JobComplete" and done["numberRecordsProcessed"] == TOTAL, done
    assert done["numberRecordsFailed"] == 0
    sf = second.client()
    assert sf.query("SELECT COUNT() FROM Contact")["totalSize"] == TOTAL
    results = list(csv.DictReader(io.StringIO(session.get(f"{base}/{job_id}/successfulResults").text)))
    assert len({r["sf__Id"] for r in results}) == TOTAL
    assert {r["LastName"] for r in results} == {f"Durable {i}" for i in range(TOTAL)}


@pytest.mark.fake_only("restarts the org on its data dir")
def test_finished_and_open_jobs_survive_a_restart(sf_org_factory, tmp_path):
    first = sf_org_factory({"name": "Kept"}, data_dir=tmp_path)
    session, base = _api(first)
    finished = _closed_job(session, base, 3)
    _wait(session, f"{base}/{finished}")
    still_open = session.post(base, json={"object": "Contact", "operation": "insert"}).json()["id"]
    session.put(
        f"{base}/{still_open}/batches", data=b"LastName\nLater\n", headers={"Content-Type": "text/csv"}
    )
    first.stop()
    second = sf_org_factory({"name": "Kept"}, data_dir=tmp_path)
    session, base = _api(second)
    assert session.get(f"{base}/{finished}").json()["numberRecordsProcessed"] == 3
    assert session.get(f"{base}/{still_open}").json()["state"] == "Open"
    session.patch(f"{base}/{still_open}", json={"state": "UploadComplete"})
    assert _wait(session, f"{base}/{still_open}")["numberRecordsProcessed"] == 1


@pytest.mark.fake_only("admin API: snapshots, reset, journal and fault rules")
def test_snapshots_journal_and_faults_cover_bulk_jobs(sf_org, sf):
    session, base = _api(sf_org)
    admin = f"{sf_org.instance_url}/_sim"
    job_id = _closed_job(session, base, 2)
    _wait(session, f"{base}/{job_id}")
    assert session.post(f"{admin}/snapshots/with-job").status_code == 201
    assert session.delete(f"{base}/{job_id}").status_code == 204
    assert session.post(f"{admin}/snapshots/with-job/restore").status_code == 200
    assert session.get(f"{base}/{job_id}").json()["state"] == "JobComplete"

    journal = session.get(f"{admin}/journal").json()
    entries = journal.get("entries", journal) if isinstance(journal, dict) else journal
    assert any(e["path"].endswith(f"/jobs/ingest/{job_id}/batches") and e["status"] == 201 for e in entries)

    rule = {
        "kind": "error",
        "path": "/jobs/ingest",
        "times": 1,
        "status": 503,
        "error_code": "SERVER_UNAVAILABLE",
    }
    assert session.post(f"{admin}/faults", json=rule).status_code == 201
    refused = session.post(base, json={"object": "Contact", "operation": "insert"})
    assert refused.status_code == 503 and refused.json()[0]["errorCode"] == "SERVER_UNAVAILABLE"
    assert session.post(base, json={"object": "Contact", "operation": "insert"}).status_code == 200

    session.post(f"{admin}/reset")
    session, base = _api(sf_org)
    assert session.get(f"{base}/{job_id}").status_code == 404
    assert session.get(base).json()["records"] == []
