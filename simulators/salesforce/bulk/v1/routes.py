"""Bulk API 1.0 routes under /services/async/{version}/job, as simple-salesforce's `bulk` and jsforce call them.

Authentication is the `X-SFDC-Session` header (salesforce-contract.md 1.5; guide, "Quick Start"); every
refusal is Bulk's own `<error>` (or its JSON form), never the REST error list.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.bulk.v1 import render
from alcsim.simulators.salesforce.bulk.v1.errors import BulkError, invalid_batch, invalid_session
from alcsim.simulators.salesforce.bulk.v1.formats import (
    batch_records,
    batch_text,
    check_new_job,
    job_spec,
    wants_json,
)
from alcsim.simulators.salesforce.bulk.v1.tables import Job, Jobs
from alcsim.simulators.salesforce.bulk.v1.worker import worker_for
from alcsim.simulators.salesforce.config import CURRENT_API_VERSION, OLDEST_API_VERSION

PREFIX = "/services/async/"
log = logging.getLogger("alcsim.salesforce.bulk")
bp = Blueprint("bulk_v1", __name__, url_prefix="/services/async/<version>")
# Allowed changes of a job's state (guide, "Close a Job", "Abort a Job").
TRANSITIONS = {("Open", "Closed"), ("Open", "Aborted"), ("Closed", "Aborted")}
MEDIA_OF = {"CSV": "csv", "JSON": "json", "XML": "xml"}


def request_kind() -> str:
    """Errors and job answers follow the request: JSON when it sent or asked for JSON, XML otherwise."""
    accept = request.headers.get("Accept", "")
    return "JSON" if wants_json(request.mimetype) or "application/json" in accept else "XML"


def bulk_error(exc: BulkError) -> Response:
    return render.error(exc.code, exc.message, request_kind(), exc.status)


def refusal(message: str, status: int, content_type: str | None) -> Response:
    """A refusal made below the app (body size, JSON depth), where no request context exists yet."""
    return render.error("ClientInputError", message, "JSON" if wants_json(content_type) else "XML", status)


def guard(org) -> Response | None:
    """The session guard of /services/async: X-SFDC-Session, and a 400 InvalidSessionId in Bulk's shape."""
    try:
        g.session = org.sessions.check(request.headers.get("X-SFDC-Session"))
    except errors.InvalidSessionId:
        return bulk_error(invalid_session())
    try:
        org.api_usage.count()
    except errors.RequestLimitExceeded as exc:
        return bulk_error(BulkError("ExceededQuota", exc.message))
    return None


def resume(org) -> None:
    """Start the org's Bulk API 1.0 worker, so batches a stopped org left unfinished go on."""
    worker_for(org).wake()


def _org():
    return current_app.config["ORG"]


def _jobs() -> Jobs:
    return Jobs(_org())


@bp.url_value_preprocessor
def _version(endpoint, values) -> None:
    text = (values or {}).pop("version", "")
    try:
        number = float(text)
    except ValueError:
        number = -1
    if not (OLDEST_API_VERSION <= number <= float(CURRENT_API_VERSION)) or not text.endswith(".0"):
        raise BulkError("InvalidUrl", f"Invalid API version: {text}")
    g.bulk_version = text


@bp.errorhandler(BulkError)
def _refused(exc: BulkError):
    return bulk_error(exc)


@bp.errorhandler(errors.SalesforceError)
def _salesforce_refused(exc: errors.SalesforceError):
    # A refusal of the org met on the way, in Bulk's words.
    return bulk_error(BulkError("ClientInputError", exc.message))


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    """Never a REST list or a stack trace on a Bulk API path; the log keeps the trace."""
    if isinstance(exc, HTTPException):
        code = "InvalidUrl" if exc.code in (404, 405) else "ClientInputError"
        return bulk_error(BulkError(code, exc.description or exc.name, exc.code or 400))
    log.exception("unexpected error on %s %s", request.method, request.path)
    return bulk_error(BulkError("InternalServerError", "An unexpected error occurred", 500))


def _answer_kind(job: Job) -> str:
    if request.mimetype and ("json" in request.mimetype or "xml" in request.mimetype):
        return request_kind()
    return "JSON" if job.contentType == "JSON" else "XML"


def _job_answer(job: Job, kind: str, status: int = 200) -> Response:
    return render.job_info(job, _jobs().job_counts(job), kind, status)


@bp.post("/job")
def create_job():
    org = _org()
    spec = job_spec(request.get_data(), request.mimetype)
    check_new_job(spec)
    sobject = org.schema.get(spec["object"])
    if sobject is None:
        raise BulkError("InvalidJob", f"Unable to find object: {spec['object']}")
    spec["object"] = sobject.name
    name = spec.get("externalIdFieldName")
    if spec["operation"] == "upsert":
        f = sobject.field(name)
        if f is None or not (f.external_id or f.type == "id" or f.id_lookup):
            raise BulkError("InvalidJob", f"Invalid external ID field name: {name} on {sobject.name}")
        spec["externalIdFieldName"] = f.name
    job = _jobs().create_job(spec, g.session.user_id, g.bulk_version)
    return _job_answer(job, request_kind(), 201)  # "201 Created" (guide, "Create a Job")


@bp.get("/job/<job_id>")
def get_job(job_id: str):
    job = _jobs().job(job_id)
    return _job_answer(job, _answer_kind(job))


@bp.post("/job/<job_id>")
def change_job(job_id: str):
    jobs = _jobs()
    job = jobs.job(job_id)
    target = job_spec(request.get_data(), request.mimetype).get("state")
    if target not in ("Closed", "Aborted"):
        raise BulkError("InvalidJobState", f"Invalid job state: {target}")
    if (job.state, target) not in TRANSITIONS:
        raise BulkError("InvalidJobState", f"Invalid state transition from {job.state} to {target}")
    job = jobs.set_job_state(job, target)
    return _job_answer(job, _answer_kind(job))


@bp.post("/job/<job_id>/batch")
def add_batch(job_id: str):
    org, jobs = _org(), _jobs()
    job = jobs.job(job_id)
    if job.state != "Open":
        raise BulkError("InvalidJobState", f"Job {job.id} is not open: {job.state}")
    media = (request.mimetype or "").lower()
    if media and MEDIA_OF[job.contentType] not in media:
        raise BulkError(
            "InvalidBatch", f"Content type {media} does not match the job's content type {job.contentType}"
        )
    text = batch_text(request.get_data())
    if not job.is_query:
        batch_records(text, job.contentType)  # unreadable data is refused here, before anything is stored
    # Every batch counts against DailyBulkApiBatches, shown in /limits/ (api_asynch, "Limits").
    if org.api_usage.bulk_remaining("DailyBulkApiBatches") <= 0:
        raise BulkError("ExceededQuota", "Exceeded the daily limit of Bulk API batches")
    org.api_usage.count_bulk_batches()
    batch = jobs.add_batch(job, text)
    worker_for(org).wake()
    return render.batch_info(batch, "JSON" if job.contentType == "JSON" else "XML", 201)


@bp.get("/job/<job_id>/batch")
def list_batches(job_id: str):
    jobs = _jobs()
    job = jobs.job(job_id)
    return render.batch_list(jobs.batches(job), "JSON" if job.contentType == "JSON" else "XML")


@bp.get("/job/<job_id>/batch/<batch_id>")
def get_batch(job_id: str, batch_id: str):
    jobs = _jobs()
    job = jobs.job(job_id)
    batch = jobs.batch(job, batch_id)
    return render.batch_info(batch, "JSON" if job.contentType == "JSON" else "XML")


@bp.get("/job/<job_id>/batch/<batch_id>/request")
def batch_request(job_id: str, batch_id: str):
    jobs = _jobs()
    job = jobs.job(job_id)
    batch = jobs.batch(job, batch_id)
    return render.respond(
        batch.request, "CSV" if job.is_query and job.contentType == "CSV" else job.contentType
    )


@bp.get("/job/<job_id>/batch/<batch_id>/result")
def batch_result(job_id: str, batch_id: str):
    jobs = _jobs()
    job = jobs.job(job_id)
    batch = jobs.batch(job, batch_id)
    if batch.state != "Completed":
        # The guide's answer for results of a batch not (yet) processed.
        raise BulkError("InvalidBatch", "Records not found for this batch")
    if job.is_query:
        return render.result_list(
            jobs.query_result_ids(batch), "JSON" if job.contentType == "JSON" else "XML"
        )
    return render.dml_results(jobs.results(batch), job.contentType)


@bp.get("/job/<job_id>/batch/<batch_id>/result/<result_id>")
def query_result(job_id: str, batch_id: str, result_id: str):
    jobs = _jobs()
    job = jobs.job(job_id)
    batch = jobs.batch(job, batch_id)
    body = jobs.query_result(batch, result_id) if job.is_query and batch.state == "Completed" else None
    if body is None:
        raise invalid_batch(result_id)
    return render.respond(body, job.contentType)


@bp.route("/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str):
    if request.method not in ("GET", "POST"):
        # "HTTP 405: An HTTP method other than GET or POST was sent to the URI" (guide, status codes).
        raise BulkError("InvalidUrl", f"HTTP method {request.method} is not allowed", status=405)
    raise BulkError("InvalidUrl", f"Invalid URL: {request.path}")
