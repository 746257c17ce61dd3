"""What the Bulk API 2.0 routes share: job info as Salesforce shows it, its errors, job lists and CSV bodies."""

from __future__ import annotations

from flask import Response, request

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.bulk import csvio
from alcsim.simulators.salesforce.bulk.extract import locator_text, offset_of
from alcsim.simulators.salesforce.routes.common import api_version, respond

LIST_PAGE = 1000  # "Get All Jobs returns up to 1000 result rows per request" (api_asynch "Get All Jobs")
CSV_TYPE = "text/csv"
InvalidJobState = type("InvalidJobState", (errors.SalesforceError,), {"error_code": "INVALIDJOBSTATE"})
InvalidJob = type("InvalidJob", (errors.SalesforceError,), {"error_code": "INVALIDJOB"})
ExceededQuota = type("ExceededQuota", (errors.SalesforceError,), {"error_code": "EXCEEDED_QUOTA"})
ApiError = type("ApiError", (errors.SalesforceError,), {"error_code": "API_ERROR"})


def info(job: dict, full: bool) -> dict:
    """Job info in the order of a real answer; create, state changes and lists give the short form
    (api_asynch "Create a Job", "Get Information About an Ingest Job", "Get Information About a Query Job")."""
    body = {
        "id": job["id"],
        "operation": job["operation"],
        "object": job["object"],
        "createdById": job["createdById"],
        "createdDate": job["createdDate"],
        "systemModstamp": job["systemModstamp"],
        "state": job["state"],
    }
    if job.get("externalIdFieldName"):
        body["externalIdFieldName"] = job["externalIdFieldName"]
    body.update(concurrencyMode="Parallel", contentType="CSV", apiVersion=float(job["apiVersion"]))
    if job["kind"] == "ingest":
        body["contentUrl"] = f"services/data/v{job['apiVersion']}/jobs/ingest/{job['id']}/batches"
    body.update(lineEnding=job["lineEnding"], columnDelimiter=job["columnDelimiter"])
    if not full:
        return body
    body["jobType"] = "V2Ingest" if job["kind"] == "ingest" else "V2Query"
    body["numberRecordsProcessed"] = job["numberRecordsProcessed"]
    if job["kind"] == "ingest":
        body["numberRecordsFailed"] = job["numberRecordsFailed"]
    body["retries"] = 0
    body["totalProcessingTime"] = job["totalProcessingTime"]
    if job["kind"] == "ingest":
        body["apiActiveProcessingTime"] = job["totalProcessingTime"]
        body["apexProcessingTime"] = 0
    if job.get("errorMessage"):
        body["errorMessage"] = job["errorMessage"]
    return body


def options(body: dict) -> tuple[str, str]:
    """columnDelimiter and lineEnding of a new job, COMMA and LF unless given (api_asynch "Create a Job")."""
    delimiter = body.get("columnDelimiter") or "COMMA"
    line_ending = body.get("lineEnding") or "LF"
    if delimiter not in csvio.DELIMITERS:
        raise InvalidJob(f"InvalidJob : Invalid column delimiter: {delimiter}")
    if line_ending not in csvio.LINE_ENDINGS:
        raise InvalidJob(f"InvalidJob : Invalid line ending: {line_ending}")
    if (body.get("contentType") or "CSV") != "CSV":
        raise InvalidJob(f"InvalidJob : Invalid content type: {body.get('contentType')}")
    return delimiter, line_ending


def job_list(jobs, kind: str, job_types: tuple[str, ...]) -> Response:
    """GET jobs/ingest or jobs/query: pages of 1000 with `done` and `nextRecordsUrl` (api_asynch "Get All Jobs")."""
    wanted = request.args.get("jobType")
    if wanted and wanted not in job_types:
        return respond({"done": True, "records": [], "nextRecordsUrl": None})
    if request.args.get("isPkChunkingEnabled", "").lower() == "true":
        return respond({"done": True, "records": [], "nextRecordsUrl": None})  # a Bulk API 1.0 notion only
    locator = request.args.get("queryLocator")
    start = offset_of(locator) if locator else 0
    found = jobs.page(kind, start, LIST_PAGE + 1)
    done = len(found) <= LIST_PAGE
    body = {
        "done": done,
        "records": [info(j, full=False) | {"jobType": job_types[0]} for j in found[:LIST_PAGE]],
    }
    body["nextRecordsUrl"] = (
        None
        if done
        else f"/services/data/v{api_version()}/jobs/{kind}?queryLocator={locator_text(start + LIST_PAGE)}"
    )
    return respond(body)


def csv_response(pieces, headers: dict | None = None) -> Response:
    """A CSV body streamed piece by piece; the journal and the client never see it copied whole."""
    response = Response(
        (piece.encode("utf-8") for piece in pieces), status=200, mimetype=CSV_TYPE, headers=headers
    )
    response.direct_passthrough = True
    return response


def wanted_state(body) -> str:
    if not isinstance(body, dict) or not isinstance(body.get("state"), str):
        raise InvalidJobState("InvalidJobState : the request must set a job state")
    return body["state"]


def abort_refusal(job: dict) -> InvalidJobState:
    # "Aborting already Completed Job not allowed" (a real answer, restforce issue 905).
    word = {"JobComplete": "Completed", "Failed": "Failed", "Aborted": "Aborted"}.get(
        job["state"], job["state"]
    )
    return InvalidJobState(f"Aborting already {word} Job not allowed")
