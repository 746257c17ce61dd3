"""Bulk API 2.0 routes: ingest jobs under jobs/ingest, query jobs under jobs/query (SC 1.6, api_asynch)."""

from __future__ import annotations

from flask import request

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.bulk import csvio, shapes
from alcsim.simulators.salesforce.bulk.extract import locator_text, offset_of
from alcsim.simulators.salesforce.bulk.jobs import TERMINAL
from alcsim.simulators.salesforce.bulk.worker import worker_for
from alcsim.simulators.salesforce.routes.common import (
    api_version,
    data_blueprint,
    json_body,
    org,
    respond,
    user_id,
)
from alcsim.simulators.salesforce.soql.engine import engine_for

bp = data_blueprint("bulk2")
OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")
PART = 1 << 20  # bytes per stored part of an upload
# "A request can provide CSV data that does not in total exceed 150 MB of base64 encoded content ...
# upload data that does not exceed 100 MB" (api_asynch "Upload Job Data").
MAX_UPLOAD = 100 * 1024 * 1024


def _worker():
    return worker_for(org())


@bp.get("/jobs", strict_slashes=False)
def resources():
    """The version root advertises `jobs`; its two kinds are what it holds (docs/assumptions.md)."""
    base = f"/services/data/v{api_version()}/jobs"
    return respond({"ingest": f"{base}/ingest", "query": f"{base}/query"})


# -- ingest ------------------------------------------------------------------------------------------------
@bp.post("/jobs/ingest", strict_slashes=False)
def create_ingest():
    body = json_body()
    if not isinstance(body, dict):
        raise shapes.InvalidJob("InvalidJob : the request body must be a JSON object")
    operation = body.get("operation")
    if operation not in OPERATIONS:
        raise shapes.InvalidJob(f"InvalidJob : Invalid job operation: {operation}")
    sobject = org().schema.get(str(body.get("object") or ""))
    if sobject is None:
        raise shapes.InvalidJob(f"InvalidJob : Unable to find object: {body.get('object')}")
    delimiter, line_ending = shapes.options(body)
    external = body.get("externalIdFieldName")
    if operation == "upsert":
        # The wording of Bulk API for an upsert without a usable key (api_asynch "Upsert Records").
        if not external:
            raise shapes.InvalidJob(
                f"InvalidJob : External ID was blank for {sobject.name}. An External ID must be specified for upsert."
            )
        f = sobject.field(str(external))
        if f is None or not (f.external_id or f.type == "id" or f.id_lookup):
            raise shapes.InvalidJob(
                f"InvalidJob : Field name provided, {external} is not an External ID or indexed field for {sobject.name}"
            )
        external = f.name
    if org().api_usage.bulk_remaining("DailyBulkApiBatches") <= 0:
        raise shapes.ExceededQuota("ExceededQuota : Daily limit of Bulk API batches exceeded")
    job = _worker().jobs.create(
        dict(
            kind="ingest",
            operation=operation,
            object=sobject.name,
            externalIdFieldName=external if operation == "upsert" else None,
            state="Open",
            createdById=user_id(),
            apiVersion=api_version(),
            columnDelimiter=delimiter,
            lineEnding=line_ending,
        )
    )
    return respond(shapes.info(job, full=False))


@bp.get("/jobs/ingest", strict_slashes=False)
def list_ingest():
    return shapes.job_list(_worker().jobs, "ingest", ("V2Ingest",))


@bp.get("/jobs/ingest/<job_id>", strict_slashes=False)
def get_ingest(job_id: str):
    return respond(shapes.info(_worker().jobs.get(job_id, "ingest"), full=True))


@bp.put("/jobs/ingest/<job_id>/batches", strict_slashes=False)
def upload(job_id: str):
    """The body goes to the store part by part inside one transaction: a refused upload leaves nothing."""
    jobs = _worker().jobs
    job = jobs.get(job_id, "ingest")
    if job["state"] != "Open":
        raise shapes.InvalidJobState(f"InvalidJobState : Job {job['id']} is not Open: {job['state']}")
    store = org().store
    size = 0
    with store.transaction():
        upload_no = len(jobs.uploads(job["id"]))
        seq = 0
        while True:
            data = request.stream.read(PART)
            if not data:
                break
            size += len(data)
            if size > MAX_UPLOAD:
                raise shapes.ApiError("ClientInputError : The upload exceeds the 100 MB limit of job data")
            jobs.add_part(job["id"], upload_no, seq, data)
            seq += 1
        jobs.update(job["id"], uploadedBytes=job["uploadedBytes"] + size)
    return respond(None, 201)


@bp.patch("/jobs/ingest/<job_id>", strict_slashes=False)
def set_ingest_state(job_id: str):
    worker = _worker()
    job = worker.jobs.get(job_id, "ingest")
    state = shapes.wanted_state(json_body())
    if state == "UploadComplete":
        if not worker.jobs.move(job["id"], ("Open",), "UploadComplete"):
            raise shapes.InvalidJobState(f"InvalidJobState : Job {job['id']} is not Open: {job['state']}")
        worker.wake()
    elif state == "Aborted":
        if not worker.jobs.move(job["id"], ("Open", "UploadComplete", "InProgress"), "Aborted"):
            raise shapes.abort_refusal(worker.jobs.get(job_id, "ingest"))
    else:
        raise shapes.InvalidJobState(f"InvalidJobState : Invalid state change: {state}")
    # The answer shows the state this call set, even if the worker has already moved the job on.
    return respond(shapes.info({**worker.jobs.get(job_id, "ingest"), "state": state}, full=False))


@bp.delete("/jobs/ingest/<job_id>", strict_slashes=False)
def delete_ingest(job_id: str):
    return _delete(job_id, "ingest")


def _delete(job_id: str, kind: str):
    """Only a job the worker is not holding may go (api_asynch "Delete a Job")."""
    jobs = _worker().jobs
    with org().store.lock:
        job = jobs.get(job_id, kind)
        if job["state"] not in ("UploadComplete", *TERMINAL):
            raise shapes.InvalidJobState(
                f"InvalidJobState : Job {job['id']} cannot be deleted while {job['state']}"
            )
        jobs.delete(job["id"])
    return respond(None, 204)


@bp.get("/jobs/ingest/<job_id>/<any(successfulResults, failedResults):kind>", strict_slashes=False)
def ingest_results(job_id: str, kind: str):
    worker = _worker()
    job = worker.jobs.get(job_id, "ingest")
    header = worker.ingest.result_header(job, kind)

    def pieces():
        writer = csvio.Writer(job["columnDelimiter"], job["lineEnding"])
        writer.writerow(header)
        yield writer.take()
        for _, _, data in worker.jobs.results(job["id"], kind):
            yield data

    return shapes.csv_response(pieces())


@bp.get("/jobs/ingest/<job_id>/<any(unprocessedrecords, unprocessedRecords):kind>", strict_slashes=False)
def unprocessed(job_id: str, kind: str):
    worker = _worker()
    job = worker.jobs.get(job_id, "ingest")
    return shapes.csv_response(worker.ingest.unprocessed(job))


# -- query -------------------------------------------------------------------------------------------------
@bp.post("/jobs/query", strict_slashes=False)
def create_query():
    body = json_body()
    if not isinstance(body, dict):
        raise shapes.InvalidJob("InvalidJob : the request body must be a JSON object")
    operation = body.get("operation") or "query"
    if operation not in ("query", "queryAll"):
        raise shapes.InvalidJob(f"InvalidJob : Invalid job operation: {operation}")
    text = body.get("query")
    if not isinstance(text, str) or not text.strip():
        raise shapes.InvalidJob("InvalidJob : The query is missing")
    delimiter, line_ending = shapes.options(body)
    # The query is checked as /query checks it, so a bad one answers the same error list (SC 3.3).
    plan, _ = engine_for(org()).plan(text, operation == "queryAll")
    usage = org().api_usage
    if usage.bulk_remaining("DailyBulkV2QueryJobs") <= 0:
        raise shapes.ExceededQuota("ExceededQuota : Daily limit of Bulk API 2.0 query jobs exceeded")
    usage.count_bulk_query_job()
    worker = _worker()
    job = worker.jobs.create(
        dict(
            kind="query",
            operation=operation,
            object=plan.sobject.name,
            query=text,
            state="UploadComplete",
            createdById=user_id(),
            apiVersion=api_version(),
            columnDelimiter=delimiter,
            lineEnding=line_ending,
        )
    )
    worker.wake()
    return respond(shapes.info(job, full=False))


@bp.get("/jobs/query", strict_slashes=False)
def list_query():
    return shapes.job_list(_worker().jobs, "query", ("V2Query",))


@bp.get("/jobs/query/<job_id>", strict_slashes=False)
def get_query(job_id: str):
    return respond(shapes.info(_worker().jobs.get(job_id, "query"), full=True))


@bp.patch("/jobs/query/<job_id>", strict_slashes=False)
def set_query_state(job_id: str):
    worker = _worker()
    job = worker.jobs.get(job_id, "query")
    if shapes.wanted_state(json_body()) != "Aborted":
        raise shapes.InvalidJobState("InvalidJobState : A query job can only be aborted")
    if not worker.jobs.move(job["id"], ("UploadComplete", "InProgress"), "Aborted"):
        raise shapes.abort_refusal(worker.jobs.get(job_id, "query"))
    return respond(shapes.info(worker.jobs.get(job_id, "query"), full=False))


@bp.delete("/jobs/query/<job_id>", strict_slashes=False)
def delete_query(job_id: str):
    return _delete(job_id, "query")


@bp.get("/jobs/query/<job_id>/results", strict_slashes=False)
def query_results(job_id: str):
    """A page of rows with Sforce-NumberOfRecords and Sforce-Locator ("null" on the last page) (SC 1.6)."""
    worker = _worker()
    job = worker.jobs.get(job_id, "query")
    if job["state"] != "JobComplete":
        raise shapes.InvalidJobState(f"InvalidJobState : Job {job['id']} is not complete: {job['state']}")
    text = request.args.get("maxRecords")
    if text is not None and not (text.isdigit() and int(text) > 0):
        raise errors.InvalidField(f"maxRecords must be a positive integer: {text}")
    start = offset_of(request.args["locator"]) if request.args.get("locator") else 0
    total = job["resultRows"]
    size = int(text) if text else max(total - start, 0)
    count = max(min(size, total - start), 0)
    after = start + count
    headers = {
        "Sforce-NumberOfRecords": str(count),
        "Sforce-Locator": locator_text(after) if after < total else "null",
    }
    return shapes.csv_response(worker.extract.page(job, start, count), headers)
