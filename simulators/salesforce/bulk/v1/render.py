"""Writing Bulk API 1.0 answers: jobInfo, batchInfo, results and errors in the guide's XML, JSON and CSV.

XML keeps the element order of the guide's examples ("Create a Job", "Get Information for a Batch");
JSON answers list their keys alphabetically, as the guide's JSON examples do.
"""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape

from flask import Response

from alcsim.simulators.salesforce.bulk.v1.formats import NAMESPACE, XSI
from alcsim.simulators.salesforce.bulk.v1.tables import Batch, Job, RecordResult

# The body of a CSV query result without rows, as Bulk API 1.0 writes it (docs/assumptions.md).
NO_RECORDS = "Records not found for this query"
MEDIA = {"XML": "application/xml", "JSON": "application/json", "CSV": "text/csv"}
JOB_XML_ORDER = (
    "id",
    "operation",
    "object",
    "createdById",
    "createdDate",
    "systemModstamp",
    "state",
    "externalIdFieldName",
    "concurrencyMode",
    "contentType",
    "numberBatchesQueued",
    "numberBatchesInProgress",
    "numberBatchesCompleted",
    "numberBatchesFailed",
    "numberBatchesTotal",
    "numberRecordsProcessed",
    "numberRetries",
    "apiVersion",
    "numberRecordsFailed",
    "totalProcessingTime",
    "apiActiveProcessingTime",
    "apexProcessingTime",
)
BATCH_XML_ORDER = (
    "id",
    "jobId",
    "state",
    "stateMessage",
    "createdDate",
    "systemModstamp",
    "numberRecordsProcessed",
    "numberRecordsFailed",
    "totalProcessingTime",
    "apiActiveProcessingTime",
    "apexProcessingTime",
)


def xml_datetime(stored: str) -> str:
    """The store keeps `…000+0000`; the Bulk API's XML writes UTC as `…000Z` (guide, jobInfo examples)."""
    return stored[:-5] + "Z" if stored.endswith("+0000") else stored


def respond(body: str, kind: str, status: int = 200) -> Response:
    return Response(body, status=status, mimetype=MEDIA[kind], content_type=f"{MEDIA[kind]}; charset=UTF-8")


def _xml_fields(values: dict, order: tuple[str, ...]) -> str:
    parts = []
    for name in order:
        value = values.get(name)
        if value is None:
            continue
        text = str(value).lower() if isinstance(value, bool) else str(value)
        parts.append(f" <{name}>{escape(text)}</{name}>")
    return "\n".join(parts)


def _document(root: str, inner: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NAMESPACE}">\n{inner}\n</{root}>'


def job_values(job: Job, counts: dict) -> dict:
    return {
        "id": job.id,
        "operation": job.operation,
        "object": job.object,
        "createdById": job.createdById,
        "createdDate": job.createdDate,
        "systemModstamp": job.systemModstamp,
        "state": job.state,
        "externalIdFieldName": job.externalIdFieldName,
        "assignmentRuleId": job.assignmentRuleId,
        "concurrencyMode": job.concurrencyMode,
        "contentType": job.contentType,
        **counts,
        "numberRetries": 0,
        "apiVersion": float(job.apiVersion),
        "apiActiveProcessingTime": counts.get("totalProcessingTime", 0),
        "apexProcessingTime": 0,
    }


def batch_values(batch: Batch) -> dict:
    return {
        "id": batch.id,
        "jobId": batch.jobId,
        "state": batch.state,
        "stateMessage": batch.stateMessage,
        "createdDate": batch.createdDate,
        "systemModstamp": batch.systemModstamp,
        "numberRecordsProcessed": batch.numberRecordsProcessed,
        "numberRecordsFailed": batch.numberRecordsFailed,
        "totalProcessingTime": batch.totalProcessingTime,
        "apiActiveProcessingTime": batch.totalProcessingTime,
        "apexProcessingTime": 0,
    }


def _json_values(values: dict) -> dict:
    return {k: values[k] for k in sorted(values) if values[k] is not None}


def _xml_values(values: dict) -> dict:
    return {k: xml_datetime(v) if k in ("createdDate", "systemModstamp") else v for k, v in values.items()}


def job_info(job: Job, counts: dict, kind: str, status: int = 200) -> Response:
    values = job_values(job, counts)
    if kind == "JSON":
        return respond(json.dumps(_json_values(values)), "JSON", status)
    order = JOB_XML_ORDER[:8] + ("assignmentRuleId",) + JOB_XML_ORDER[8:]
    return respond(_document("jobInfo", _xml_fields(_xml_values(values), order)), "XML", status)


def batch_info(batch: Batch, kind: str, status: int = 200) -> Response:
    values = batch_values(batch)
    if kind == "JSON":
        return respond(json.dumps(_json_values(values)), "JSON", status)
    return respond(_document("batchInfo", _xml_fields(_xml_values(values), BATCH_XML_ORDER)), "XML", status)


def batch_list(batches: list[Batch], kind: str) -> Response:
    if kind == "JSON":
        return respond(json.dumps({"batchInfo": [_json_values(batch_values(b)) for b in batches]}), "JSON")
    inner = "\n".join(
        f"<batchInfo>\n{_xml_fields(_xml_values(batch_values(b)), BATCH_XML_ORDER)}\n</batchInfo>"
        for b in batches
    )
    return respond(_document("batchInfoList", inner), "XML")


def error(code: str, message: str, kind: str, status: int = 400) -> Response:
    if kind == "JSON":
        return respond(json.dumps({"exceptionCode": code, "exceptionMessage": message}), "JSON", status)
    inner = f" <exceptionCode>{escape(code)}</exceptionCode>\n <exceptionMessage>{escape(message)}</exceptionMessage>"
    return respond(_document("error", inner), "XML", status)


def csv_error(errors: list[dict]) -> str:
    """`CODE:message:field,field --`, the Error column of a CSV batch result (guide, "Get Batch Results")."""
    return "".join(f"{e['statusCode']}:{e['message']}:{','.join(e.get('fields') or [])} --" for e in errors)


def dml_results(results: list[RecordResult], kind: str) -> Response:
    if kind == "JSON":
        body = [{"success": r.success, "created": r.created, "id": r.id, "errors": r.errors} for r in results]
        return respond(json.dumps(body), "JSON")
    if kind == "CSV":
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(["Id", "Success", "Created", "Error"])
        for r in results:
            writer.writerow([r.id or "", str(r.success).lower(), str(r.created).lower(), csv_error(r.errors)])
        return respond(out.getvalue(), "CSV")
    items = []
    for r in results:
        parts = [f"<id>{r.id}</id>"] if r.id else []
        for e in r.errors:
            fields = "".join(f"<fields>{escape(f)}</fields>" for f in e.get("fields") or [])
            parts.append(
                f"<errors>{fields}<message>{escape(e['message'])}</message>"
                f"<statusCode>{escape(e['statusCode'])}</statusCode></errors>"
            )
        parts.append(
            f"<success>{str(r.success).lower()}</success><created>{str(r.created).lower()}</created>"
        )
        items.append(f" <result>{''.join(parts)}</result>")
    return respond(_document("results", "\n".join(items)), "XML")


def result_list(result_ids: list[str], kind: str) -> Response:
    """A query batch's result ids: JSON jobs get a JSON array, the others `<result-list>` (guide, query results)."""
    if kind == "JSON":
        return respond(json.dumps(result_ids), "JSON")
    inner = "\n".join(f" <result>{i}</result>" for i in result_ids)
    return respond(_document("result-list", inner), "XML")


def query_records(records: list[dict], kind: str) -> str:
    """One result file of a query batch; records are the SOQL engine's, values already in Bulk form."""
    if kind == "JSON":
        return json.dumps(records)
    if kind == "CSV":
        return _csv_records(records)
    items = "\n".join(f'<records xsi:type="sObject">{_xml_record(r)}</records>' for r in records)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<queryResult xmlns="{NAMESPACE}" xmlns:xsi="{XSI}">'
        f"\n{items}\n</queryResult>"
    )


def _flatten(record: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in record.items():
        if key == "attributes":
            continue
        if isinstance(value, dict) and "attributes" in value:
            flat.update(_flatten(value, f"{prefix}{key}."))
        elif not isinstance(value, dict):
            flat[f"{prefix}{key}"] = value
    return flat


def _csv_records(records: list[dict]) -> str:
    if not records:
        return NO_RECORDS
    rows = [_flatten(r) for r in records]
    header: dict[str, None] = {}
    for row in rows:
        header.update(dict.fromkeys(row))
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow(["" if row.get(k) is None else _text(row[k]) for k in header])
    return out.getvalue()


def _text(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _xml_record(record: dict) -> str:
    parts = [f"<type>{escape(record.get('attributes', {}).get('type', ''))}</type>"]
    for key, value in record.items():
        if key == "attributes":
            continue
        if value is None:
            parts.append(f'<{key} xsi:nil="true"/>')
        elif isinstance(value, dict) and "attributes" in value:
            parts.append(f'<{key} xsi:type="sObject">{_xml_record(value)}</{key}>')
        elif not isinstance(value, dict):
            parts.append(f"<{key}>{escape(_text(value))}</{key}>")
    return "".join(parts)
