"""Reading Bulk API 1.0 requests: jobInfo in XML or JSON, batch data in CSV, JSON or XML.

Shapes follow the Bulk API Developer Guide ("JobInfo", "Add a Batch to a Job", "Prepare CSV Files",
"Prepare XML and JSON Files"). A body that cannot be read is refused before anything is stored.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ElementTree

from alcsim.simulators.salesforce.bulk.v1.errors import BulkError, client_input

NAMESPACE = "http://www.force.com/2009/06/asyncapi/dataload"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete", "query", "queryAll")
CONTENT_TYPES = ("CSV", "XML", "JSON")
# simple-salesforce sends concurrencyMode as 0 or 1 (bulk.py `_create_job`); the guide's values are words.
CONCURRENCY = {"Parallel": "Parallel", "Serial": "Serial", "0": "Parallel", "1": "Serial"}
JOB_FIELDS = (
    "operation",
    "object",
    "externalIdFieldName",
    "concurrencyMode",
    "contentType",
    "assignmentRuleId",
    "state",
)
# "Bulk API and Bulk API 2.0 Limits and Allocations", ingest: 10,000 records and 10,000,000 characters a batch.
MAX_RECORDS = 10_000
MAX_CHARACTERS = 10_000_000
# "Prepare CSV Files": #N/A sets a field to null; an empty cell leaves the field as it is.
CSV_NULL = "#N/A"


def wants_json(mimetype: str | None) -> bool:
    return "json" in (mimetype or "").lower()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_xml(text: str) -> ElementTree.Element:
    """XML without a DOCTYPE: entities need one, so no entity expansion can reach the parser."""
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise BulkError("InvalidXML", "DOCTYPE is not allowed in a request body")
    try:
        return ElementTree.fromstring(text.strip())
    except ElementTree.ParseError as exc:
        raise BulkError("InvalidXML", f"Unable to parse the XML request body: {exc}") from None


def job_spec(body: bytes, mimetype: str | None) -> dict:
    """The jobInfo of a create or state-change request, as a dict of the guide's field names."""
    text = _text(body)
    if wants_json(mimetype):
        try:
            found = json.loads(text)
        except json.JSONDecodeError as exc:
            raise client_input(f"Unable to parse the JSON request body: {exc.msg}") from None
        if not isinstance(found, dict):
            raise client_input("The JSON request body must be an object")
        spec = {k: found[k] for k in JOB_FIELDS if found.get(k) is not None}
    else:
        root = parse_xml(text)
        if _local(root.tag) != "jobInfo":
            raise BulkError(
                "InvalidXML", f"Unexpected element {{{NAMESPACE}}}{_local(root.tag)}, expected jobInfo"
            )
        spec = {
            _local(child.tag): (child.text or "").strip() for child in root if _local(child.tag) in JOB_FIELDS
        }
    if "concurrencyMode" in spec:
        mode = CONCURRENCY.get(str(spec["concurrencyMode"]))
        if mode is None:
            raise BulkError("InvalidJob", f"Invalid concurrency mode: {spec['concurrencyMode']}")
        spec["concurrencyMode"] = mode
    return {k: str(v) for k, v in spec.items()}


def check_new_job(spec: dict) -> None:
    operation = spec.get("operation")
    if operation not in OPERATIONS:
        # The guide: "The operation value must match that shown in JobInfo", INSERT is refused.
        raise BulkError("InvalidJob", f"Invalid job operation: {operation}")
    if not spec.get("object"):
        raise BulkError("InvalidJob", "No sObject type was specified for the job")
    # JobInfo: "XML—data in XML format (default option for Bulk V1 type jobs)".
    content_type = spec.setdefault("contentType", "XML")
    if content_type not in CONTENT_TYPES:
        raise BulkError("InvalidJob", f"Unsupported content type: {content_type}")
    if operation == "upsert" and not spec.get("externalIdFieldName"):
        raise BulkError("InvalidJob", "External ID field name is required for upsert")


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise client_input(
            f"Invalid UTF-8 start byte 0x{body[exc.start]:02x} at position {exc.start}"
        ) from None


def batch_text(body: bytes) -> str:
    text = _text(body)
    if len(text) > MAX_CHARACTERS:
        raise BulkError("InvalidBatch", f"Exceeded max size limit of {MAX_CHARACTERS}")
    if not text.strip():
        raise client_input("The batch request body is empty")
    return text


def batch_records(text: str, content_type: str) -> tuple[list[str] | None, list[dict]]:
    """The batch's rows (and, for CSV, its header); raises ClientInputError or InvalidXML when unreadable."""
    if content_type == "CSV":
        header, rows = _csv(text)
    elif content_type == "JSON":
        header, rows = None, _json(text)
    else:
        header, rows = None, _xml(text)
    if len(rows) > MAX_RECORDS:
        raise BulkError(
            "InvalidBatch",
            f"Exceeded number of records : {len(rows)}. Number of records should be less than or equal to {MAX_RECORDS}",
        )
    return header, rows


def _csv(text: str) -> tuple[list[str], list[dict]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header or not any(name.strip() for name in header):
            raise client_input("The CSV batch has no header row")
        names = [name.strip() for name in header]
        if len(set(n.lower() for n in names)) != len(names):
            raise client_input(f"Duplicate field names in the CSV header: {','.join(names)}")
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not cells:
                continue
            if len(cells) != len(names):
                raise client_input(f"Row {number} has {len(cells)} columns where the header has {len(names)}")
            rows.append(
                {n: (None if c == CSV_NULL else c) for n, c in zip(names, cells, strict=True) if c != ""}
            )
    except csv.Error as exc:
        raise client_input(f"Unable to parse the CSV batch at line {reader.line_num}: {exc}") from None
    return names, rows


def _json(text: str) -> list[dict]:
    try:
        found = json.loads(text)
    except json.JSONDecodeError as exc:
        raise client_input(
            f"Unable to parse the JSON batch at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise client_input("The JSON batch is nested too deeply") from None
    if not isinstance(found, list) or not all(isinstance(r, dict) for r in found):
        raise client_input("The JSON batch must be an array of records")
    return found


def _xml(text: str) -> list[dict]:
    root = parse_xml(text)
    if _local(root.tag) != "sObjects":
        raise BulkError("InvalidXML", f"Unexpected element {_local(root.tag)}, expected sObjects")
    rows = []
    for element in root:
        if _local(element.tag) != "sObject":
            raise BulkError("InvalidXML", f"Unexpected element {_local(element.tag)}, expected sObject")
        row = {}
        for child in element:
            if len(child):
                raise client_input(f"Nested elements are not supported in field {_local(child.tag)}")
            nil = child.get(f"{{{XSI}}}nil", "").lower() == "true"
            row[_local(child.tag)] = None if nil else (child.text or "")
        rows.append(row)
    return rows
