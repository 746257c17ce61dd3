"""Bulk API 2.0 at 100,000 Contacts: ingest end to end, composite collections, the SQLite floor, extract.

Each measure runs in its own process on an org with a data dir, so its peak resident memory (ru_maxrss) is
its own: the org and the client together (the rows go to disk), beside the same process's figure right
after the org started.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COUNT = 100_000
COLLECTION = 200
FIELDS = ("FirstName", "LastName", "Email", "Phone", "Title")


def _rss_mb(key: str = "VmHWM") -> float:
    """Peak (VmHWM) or current (VmRSS) resident memory of this process. Not ru_maxrss: Linux keeps that
    across exec, so a child of a large bench process would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return round(int(line.split()[1]) / 1024, 1)  # kB
    return 0.0


def _cpu() -> float:
    """This process's CPU seconds (client and org together): a figure other engineers' load leaves alone."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _figures(seconds: float, cpu: float, **more) -> dict:
    return {
        "records": COUNT,
        "seconds": round(seconds, 2),
        "records_per_s": round(COUNT / seconds),
        "cpu_seconds": round(cpu, 2),
        "records_per_cpu_s": round(COUNT / cpu),
        **more,
    }


def _values(i: int) -> tuple:
    return (
        f"First{i}",
        f"Last {i}",
        f"bulk{i}@example.com",
        f"+33 1 23 45 {i % 100:02d} {i % 89:02d}",
        "Bench",
    )


def _csv_file(folder: str) -> Path:
    path = Path(folder) / "contacts.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(FIELDS) + "\n")
        for i in range(COUNT):
            out.write(",".join(f'"{v}"' for v in _values(i)) + "\n")
    return path


def _session(running):
    session = running.session()
    session.headers["Authorization"] = f"Bearer {running.access_token()}"
    return session


def _wait(session, url: str) -> dict:
    while True:
        job = session.get(url).json()
        if job["state"] in ("JobComplete", "Failed", "Aborted"):
            return job
        time.sleep(0.05)


def ingest(folder: str) -> dict:
    from alcsim.simulators.salesforce.running import start_org

    running = start_org(data_dir=folder)
    try:
        session, base = _session(running), f"{running.instance_url}/services/data/v62.0/jobs/ingest"
        with tempfile.TemporaryDirectory() as scratch:
            path = _csv_file(scratch)
            baseline = _rss_mb("VmRSS")
            started, cpu = time.perf_counter(), _cpu()
            job = session.post(
                base, json={"object": "Contact", "operation": "insert", "lineEnding": "LF"}
            ).json()
            with path.open("rb") as data:
                answer = session.put(
                    f"{base}/{job['id']}/batches", data=data, headers={"Content-Type": "text/csv"}
                )
                assert answer.status_code == 201, answer.text
            session.patch(f"{base}/{job['id']}", json={"state": "UploadComplete"}).raise_for_status()
            done = _wait(session, f"{base}/{job['id']}")
            lines = 0
            for kind in ("successfulResults", "failedResults"):
                with session.get(f"{base}/{job['id']}/{kind}", stream=True) as results:
                    for chunk in results.iter_content(1 << 16):
                        lines += chunk.count(b"\n")
            seconds, cpu = time.perf_counter() - started, _cpu() - cpu
        assert done["numberRecordsProcessed"] == COUNT and done["numberRecordsFailed"] == 0, done
        assert lines == COUNT + 2
        return _figures(seconds, cpu, rss_after_start_mb=baseline, peak_rss_mb=_rss_mb())
    finally:
        running.stop()


def composite(folder: str) -> dict:
    from alcsim.simulators.salesforce.running import start_org

    running = start_org(data_dir=folder)
    try:
        session = _session(running)
        url = f"{running.instance_url}/services/data/v62.0/composite/sobjects"
        baseline = _rss_mb("VmRSS")
        started, cpu = time.perf_counter(), _cpu()
        for first in range(0, COUNT, COLLECTION):
            records = [
                {"attributes": {"type": "Contact"}, **dict(zip(FIELDS, _values(i), strict=True))}
                for i in range(first, min(first + COLLECTION, COUNT))
            ]
            answer = session.post(url, json={"allOrNone": False, "records": records})
            assert all(r["success"] for r in answer.json()), answer.text[:300]
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu
        return _figures(
            seconds, cpu, requests=COUNT // COLLECTION, rss_after_start_mb=baseline, peak_rss_mb=_rss_mb()
        )
    finally:
        running.stop()


def floor(folder: str) -> dict:
    """The same rows, complete with ids and system fields, written by one executemany in one transaction."""
    from alcsim.simulators.salesforce.ids import make_id
    from alcsim.simulators.salesforce.org import Org

    org = Org(data_dir=folder)
    try:
        contact = org.schema.get("Contact")
        now, user = org.now_text(), org.integration_user_id
        template = {f.name: None for f in contact.stored_fields}
        rows = []
        for i in range(COUNT):
            row = dict(template, **dict(zip(FIELDS, _values(i), strict=True)))
            row.update(Id=make_id("003", org.pod, 10_000_000 + i), IsDeleted=0, CreatedDate=now)
            row.update(LastModifiedDate=now, SystemModstamp=now, CreatedById=user, LastModifiedById=user)
            row.update(OwnerId=user, Name=f"First{i} Last {i}", IsPersonAccount=0)
            rows.append(row)
        started, cpu = time.perf_counter(), _cpu()
        org.store.insert_many(contact, rows)
        return _figures(time.perf_counter() - started, _cpu() - cpu)
    finally:
        org.close()


def seed(folder: str) -> dict:
    """100,000 Contacts in an org on `folder`, so the extract's process starts without them in memory."""
    from alcsim.simulators.salesforce.org import Org

    org = Org(data_dir=folder)
    try:
        contact = org.schema.get("Contact")
        for start in range(0, COUNT, 10_000):
            rows = [dict(zip(FIELDS, _values(i), strict=True)) for i in range(start, start + 10_000)]
            with org.store.transaction():
                org.records.save_many(contact, "insert", rows, org.integration_user_id)
        return {"contacts": COUNT}
    finally:
        org.close()


def extract(folder: str) -> dict:
    from alcsim.simulators.salesforce.running import start_org

    running = start_org(data_dir=folder)
    try:
        session, base = _session(running), f"{running.instance_url}/services/data/v62.0/jobs/query"
        baseline = _rss_mb("VmRSS")
        started, cpu = time.perf_counter(), _cpu()
        soql = "SELECT Id, FirstName, LastName, Email, Phone, Account.Name FROM Contact"
        job = session.post(base, json={"operation": "query", "query": soql}).json()
        _wait(session, f"{base}/{job['id']}")
        records, locator = 0, None
        while locator != "null":
            params = {"maxRecords": 50_000, **({"locator": locator} if locator else {})}
            with session.get(f"{base}/{job['id']}/results", params=params, stream=True) as page:
                records += int(page.headers["Sforce-NumberOfRecords"])
                locator = page.headers["Sforce-Locator"]
                for _ in page.iter_content(1 << 16):
                    pass
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu
        assert records == COUNT, records
        return _figures(seconds, cpu, rss_after_start_mb=baseline, peak_rss_mb=_rss_mb())
    finally:
        running.stop()


def _in_process(name: str, *args: str) -> dict:
    code = f"import json; from bench import bulk_bench; print(json.dumps(bulk_bench.{name}(*{args!r})))"
    answer = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    return json.loads(answer.stdout.strip().splitlines()[-1])


def run(results: dict) -> None:
    """Every org on a data dir, as `--data-dir` runs it: the rows are on disk, not in the measured memory."""
    for key, name in (
        ("sqlite_executemany_floor", "floor"),
        ("bulk2_ingest_end_to_end", "ingest"),
        ("composite_collections_200", "composite"),
    ):
        with tempfile.TemporaryDirectory() as folder:
            results[key] = _in_process(name, folder)
    with tempfile.TemporaryDirectory() as folder:
        _in_process("seed", folder)
        results["bulk2_query_extract"] = _in_process("extract", folder)
    ingest_rate = results["bulk2_ingest_end_to_end"]["records_per_s"]
    cpu_rate = results["bulk2_ingest_end_to_end"]["records_per_cpu_s"]
    results["ratios_by_cpu_time"] = {
        "bulk2_ingest_to_composite": round(
            cpu_rate / results["composite_collections_200"]["records_per_cpu_s"], 2
        ),
        "sqlite_floor_to_bulk2_ingest": round(
            results["sqlite_executemany_floor"]["records_per_cpu_s"] / cpu_rate, 2
        ),
    }
    results["ratios"] = {
        "bulk2_ingest_to_composite": round(
            ingest_rate / results["composite_collections_200"]["records_per_s"], 2
        ),
        "sqlite_floor_to_bulk2_ingest": round(
            results["sqlite_executemany_floor"]["records_per_s"] / ingest_rate, 2
        ),
    }
    results["note"] = (
        "records_per_s is wall time on a shared 2-core machine; records_per_cpu_s divides by the CPU seconds"
        " the measuring process (client, org and worker threads) used, which other processes' load leaves alone"
    )
    results["targets"] = {
        "ingest_records_per_s": 20_000,
        "ingest_within_floor_x": 10,
        "extract_records_per_s": 50_000,
    }
