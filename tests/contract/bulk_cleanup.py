"""What a test's Bulk API jobs created (2.0 ingest and 1.0), found again so a parity run can delete it."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import requests

from alcsim.simulators.common.waiting import wait_until

CREATING = {"insert", "upsert"}
WAIT = 120  # seconds a cleanup waits for a job still running
INGEST = re.compile(r"/services/data/v[\d.]+/jobs/ingest/?$")
INGEST_JOB = re.compile(r"/services/data/v[\d.]+/jobs/ingest/(?P<job>[^/]+)/?$")
INGEST_FINISHED = {"JobComplete", "Failed", "Aborted"}
# A 2.0 job's results use its columnDelimiter (api_asynch "Create a Job").
DELIMITERS = {"COMMA": ",", "TAB": "\t", "PIPE": "|", "SEMICOLON": ";", "CARET": "^", "BACKQUOTE": "`"}
ASYNC_JOB = re.compile(r"/services/async/[\d.]+/job/?$")
# The wire value is NotProcessed (salesforce-contract.md, Bulk API 1.0); the guide's prose says "Not Processed".
BATCH_FINISHED = {"Completed", "Failed", "NotProcessed", "Not Processed"}


def _items(text: str, tag: str) -> list[dict[str, str]]:
    """The children of each `tag` element of a Bulk API 1.0 XML answer, namespace dropped."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return []
    found = []
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] == tag:
            found.append({child.tag.rsplit("}", 1)[-1]: (child.text or "") for child in element})
    return found


def _is_json(response: requests.Response) -> bool:
    # Bulk API 1.0 answers in the job's content type: JSON for JSON jobs, XML for the others.
    return "json" in response.headers.get("Content-Type", "")


class BulkJobs:
    """The insert and upsert jobs one test created, until what they created is known."""

    def __init__(self, session: requests.Session, instance_url: str, api_version: str):
        self.session, self.instance_url, self.api_version = session, instance_url, api_version
        self.ingest: list[str] = []
        self.classic: list[str] = []  # Bulk API 1.0 job URLs
        self.created: list[str] = []
        self.problems: list[str] = []

    def note(self, response: requests.Response) -> bool:
        """Keep a job the answer created; True when the answer was a job's creation."""
        path = urlsplit(response.url).path
        if response.request.method != "POST" or not response.ok:
            return False
        if INGEST.search(path):
            body = response.json() if _is_json(response) else {}
            if (
                isinstance(body, dict)
                and body.get("operation") in CREATING
                and isinstance(body.get("id"), str)
            ):
                self.ingest.append(body["id"])
            return True
        if ASYNC_JOB.search(path):
            info = response.json() if _is_json(response) else (_items(response.text, "jobInfo") or [{}])[0]
            if isinstance(info, dict) and info.get("operation") in CREATING and info.get("id"):
                self.classic.append(f"{response.url.rstrip('/')}/{info['id']}")
            return True
        return False

    def ingest_results(self, job: str, authorization: str, settle: bool) -> None:
        """Add the rows a 2.0 ingest job created (successful results marked sf__Created).

        `settle` (the cleanup) aborts a job still open and waits for one running; before the test's own
        DELETE nothing is changed: a job not yet finished is left for the cleanup."""
        headers = {"Authorization": authorization}
        url = f"{self.instance_url}/services/data/v{self.api_version}/jobs/ingest/{job}/"
        answer = self.session.get(url, headers=headers)
        info = answer.json() if answer.ok else None
        if not isinstance(info, dict) or "state" not in info:
            if settle:
                self.problems.append(f"ingest job {job} unreadable: {answer.status_code} {answer.text[:200]}")
                self.ingest.remove(job)
            return
        if info["state"] not in INGEST_FINISHED:
            if not settle:
                return
            if info["state"] == "Open":  # never closed: nothing it holds was processed
                self.session.patch(url, json={"state": "Aborted"}, headers=headers)
                self.ingest.remove(job)
                return

            def finished():
                info = self.session.get(url, headers=headers).json()
                return info if isinstance(info, dict) and info.get("state") in INGEST_FINISHED else None

            info = wait_until(
                finished,
                timeout=WAIT,
                interval=1,
                what=f"ingest job {job} to finish before its records are deleted",
            )
        self.ingest.remove(job)
        results = self.session.get(url + "successfulResults/", headers=headers)
        delimiter = DELIMITERS.get(info.get("columnDelimiter") or "COMMA", ",")
        rows = csv.DictReader(io.StringIO(results.text), delimiter=delimiter) if results.ok else []
        self.created += [r["sf__Id"] for r in rows if str(r.get("sf__Created")).lower() == "true"]

    def classic_results(self, job_url: str, token: str) -> None:
        """Add the rows a 1.0 job's batches created, once every batch is done (api_asynch "Get Batch Results")."""
        headers, seen = {"X-SFDC-Session": token}, {}

        def finished() -> bool:
            answer = self.session.get(f"{job_url}/batch", headers=headers)
            if not answer.ok:
                self.problems.append(f"job {job_url} unreadable: {answer.status_code} {answer.text[:200]}")
                seen["batches"] = []
                return True
            found = (
                answer.json().get("batchInfo", []) if _is_json(answer) else _items(answer.text, "batchInfo")
            )
            seen["batches"] = found
            return all(b.get("state") in BATCH_FINISHED for b in found)

        wait_until(finished, timeout=WAIT, interval=1, what=f"the batches of {job_url} to finish")
        for batch in seen["batches"]:
            if batch.get("state") != "Completed":
                continue
            answer = self.session.get(f"{job_url}/batch/{batch['id']}/result", headers=headers)
            kind = answer.headers.get("Content-Type", "")
            if "json" in kind:
                rows = [{"Id": r.get("id"), "Created": json.dumps(r.get("created"))} for r in answer.json()]
            elif "csv" in kind:
                rows = list(csv.DictReader(io.StringIO(answer.text)))
            else:
                rows = [
                    {"Id": r.get("id"), "Created": r.get("created")} for r in _items(answer.text, "result")
                ]
            self.created += [r["Id"] for r in rows if r.get("Id") and str(r.get("Created")).lower() == "true"]

    def settle(self, token: str) -> list[str]:
        """Everything the jobs created; what could not be read goes to `problems`."""
        for job in list(self.ingest):
            self.ingest_results(job, f"Bearer {token}", settle=True)
        for job_url in self.classic:
            self.classic_results(job_url, token)
        self.classic = []
        created, self.created = self.created, []
        return created


class BeforeJobDelete(requests.adapters.HTTPAdapter):
    """Reads a finished ingest job's results before the test deletes the job, while they can be read."""

    def __init__(self, jobs: BulkJobs):
        super().__init__()
        self.jobs = jobs

    def send(self, request, **kwargs):
        found = INGEST_JOB.search(urlsplit(request.url).path)
        if request.method == "DELETE" and found and found["job"] in self.jobs.ingest:
            self.jobs.ingest_results(found["job"], request.headers.get("Authorization", ""), settle=False)
        return super().send(request, **kwargs)
