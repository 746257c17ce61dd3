"""Processing an ingest job: its CSV read as a stream, records saved chunk by chunk, results kept beside them."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.bulk import csvio
from alcsim.simulators.salesforce.bulk.jobs import Jobs

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.org import Org

# Salesforce splits a job's data into internal batches of 10,000 records, each counted against the daily
# batch allocation (api_asynch "How Requests Are Processed"; "Bulk API and Bulk API 2.0 Limits").
CHUNK = 10_000
SUCCESS, FAILED = "successfulResults", "failedResults"
ID_ONLY = ("delete", "hardDelete")
_given = itemgetter(1)  # a (field, value) pair with a value: an empty one leaves the field out


def error_text(exc: errors.SalesforceError) -> str:
    """sf__Error: `CODE:message:fields --`, as the results of a real job carry it (docs/assumptions.md)."""
    fields = ",".join(exc.fields or [])
    return f"{exc.error_code}:{exc.message}:{fields + ' ' if fields else ''}--"


class Ingest:
    def __init__(self, org: Org, jobs: Jobs):
        self.org = org
        self.jobs = jobs

    # -- reading -------------------------------------------------------------------------------------------
    def _uploads(self, job: dict) -> Iterator[tuple[list[str], Iterator[list[str]]]]:
        """(header, rows) of each upload in order; line endings are checked on each header."""
        for upload in self.jobs.uploads(job["id"]):
            parts = self.jobs.parts(job["id"], upload)
            first = next(parts, b"")
            csvio.check_line_ending(first, job["lineEnding"])
            reader = csvio.rows(_chain(first, parts), job["columnDelimiter"])
            header = next(reader, None)
            if header is None:
                continue
            yield header, filter(None, reader)  # a blank line is no record

    def columns(self, job: dict, header: list[str]) -> list[str]:
        """The canonical field of each column; an unknown one fails the job as a real org does."""
        sobject = self.org.schema.get(job["object"])
        names = []
        for column in header:
            f = sobject.field(column.strip())
            if f is None or not f.stored:
                raise csvio.CsvProblem(f"InvalidBatch : Field name not found : {column}")
            names.append(f.name)
        if job["operation"] in ID_ONLY and "Id" not in names:
            raise csvio.CsvProblem("InvalidBatch : The 'delete' batch must contain only 'Id'")
        external = job.get("externalIdFieldName")
        if job["operation"] == "upsert" and external and external.lower() not in {n.lower() for n in names}:
            raise csvio.CsvProblem(f"InvalidBatch : Field name not found : {external}")
        return names

    def check(self, job: dict) -> int:
        """Read everything once before writing anything: a file that breaks fails the job untouched.

        Each upload is first measured at the speed of the csv module (the widths of its rows); only one that
        breaks is read again row by row, for the error the first broken row gives."""
        total = 0
        for upload, (header, reader) in enumerate(self._uploads(job)):
            self.columns(job, header)
            try:
                widths = Counter(map(len, reader))
            except csvio.CsvProblem:
                widths = None
            if widths is not None and set(widths) <= {len(header)}:
                total += widths[len(header)]
                continue
            header, reader = next(islice(self._uploads(job), upload, None))
            for number, row in enumerate(reader, start=2):
                if len(row) != len(header):
                    raise csvio.CsvProblem(
                        f"ClientInputError : Wrong number of columns in row {number}: expected {len(header)}, found {len(row)}"
                    )
        return total

    # -- processing ----------------------------------------------------------------------------------------
    def run(self, job: dict, still_running) -> str:
        """Process from where the job stopped (rowsDone); `still_running()` is asked before each chunk."""
        sobject = self.org.schema.get(job["object"])
        self.check(job)
        seen = 0
        for header, reader in self._uploads(job):
            names = self.columns(job, header)
            while True:
                chunk = list(islice(reader, CHUNK))
                if not chunk:
                    break
                if seen + len(chunk) <= job["rowsDone"]:
                    seen += len(chunk)  # committed before the org stopped
                    continue
                if not still_running():
                    return "Aborted"
                self._chunk(job, sobject, names, chunk, seen)
                seen += len(chunk)
        return "JobComplete"

    def _chunk(self, job: dict, sobject, names: list[str], chunk: list[list[str]], first_row: int) -> None:
        started = time.perf_counter()
        records = [_record(names, row, job["operation"]) for row in chunk]
        good = csvio.Writer(job["columnDelimiter"], job["lineEnding"])
        bad = csvio.Writer(job["columnDelimiter"], job["lineEnding"])
        with self.org.store.transaction():
            outcomes = self.org.records.save_many(
                sobject, job["operation"], records, job["createdById"], job.get("externalIdFieldName")
            )
            good_rows, bad_rows = [], []
            for row, (record_id, created, error) in zip(chunk, outcomes, strict=True):
                if error is None:
                    good_rows.append([record_id, "true" if created else "false", *row])
                else:
                    bad_rows.append([record_id or "", error_text(error), *row])
            good.writerows(good_rows)
            bad.writerows(bad_rows)
            failed = len(bad_rows)
            self.jobs.add_result(job["id"], SUCCESS, first_row, len(chunk) - failed, good.take())
            self.jobs.add_result(job["id"], FAILED, first_row, failed, bad.take())
            job["numberRecordsProcessed"] += len(chunk)
            job["numberRecordsFailed"] += failed
            job["rowsDone"] = first_row + len(chunk)
            job["totalProcessingTime"] += int((time.perf_counter() - started) * 1000)
            self.jobs.update(
                job["id"],
                rowsDone=job["rowsDone"],
                numberRecordsProcessed=job["numberRecordsProcessed"],
                numberRecordsFailed=job["numberRecordsFailed"],
                totalProcessingTime=job["totalProcessingTime"],
            )
            self.org.api_usage.count_bulk_batches(1)

    # -- results ------------------------------------------------------------------------------------------
    def result_header(self, job: dict, kind: str) -> list[str]:
        header = next((h for h, _ in self._uploads(job)), None) or []
        if kind == SUCCESS:
            return ["sf__Id", "sf__Created", *header]
        if kind == FAILED:
            return ["sf__Id", "sf__Error", *header]
        return header

    def unprocessed(self, job: dict) -> Iterator[str]:
        """The rows no chunk reached, in the job's own format, header first."""
        writer = csvio.Writer(job["columnDelimiter"], job["lineEnding"])
        seen, wrote_header = 0, False
        try:
            for header, reader in self._uploads(job):
                if not wrote_header:
                    writer.writerow(header)
                    wrote_header = True
                for row in reader:
                    seen += 1
                    if seen > job["rowsDone"]:
                        writer.writerow(row)
                        if seen % 1000 == 0:
                            yield writer.take()
        except csvio.CsvProblem:
            pass  # what could not be read was not processed either; the rows before it are listed
        yield writer.take()


def _chain(first: bytes, rest):
    yield first
    yield from rest


def _record(names: list[str], row: list[str], operation: str) -> dict:
    """A CSV row as field values: an empty value is left out, #N/A is null (api_asynch "Valid CSV Record Rows")."""
    if operation in ID_ONLY:
        return {"Id": row[names.index("Id")]}
    null = csvio.NULL
    if null not in row:
        return dict(filter(_given, zip(names, row, strict=False)))  # the common row, without a Python loop
    return {name: None if value == null else value for name, value in zip(names, row, strict=False) if value}
