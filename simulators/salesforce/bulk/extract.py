"""Processing a query job: the org's SOQL engine runs the query, its rows become CSV pieces in the store."""

from __future__ import annotations

import base64
import time
from typing import TYPE_CHECKING

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.bulk import csvio
from alcsim.simulators.salesforce.bulk.jobs import Jobs
from alcsim.simulators.salesforce.soql.engine import engine_for
from alcsim.simulators.salesforce.values import to_api

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.org import Org
    from alcsim.simulators.salesforce.soql.plan import Node, Plan

RESULTS = "results"
PIECE = 2_000  # rows per stored piece; pages of any maxRecords are cut from them
# What Bulk query cannot do, in the words of a failed bulk query (api_asynch "Bulk API 2.0 Query Considerations";
# the stateMessage of a real failed batch, ForceCLI/force issue 531).
COMPOUND = "InvalidBatch : Failed to process query: FUNCTIONALITY_NOT_ENABLED: Selecting compound data not supported in Bulk Query"
CHILDREN = "InvalidBatch : Failed to process query: FUNCTIONALITY_NOT_ENABLED: Aggregate Relationships not supported in Bulk Query"
AGGREGATE = "InvalidBatch : Failed to process query: FUNCTIONALITY_NOT_ENABLED: Aggregate queries are not supported in Bulk Query"


class Unsupported(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def locator_text(offset: int) -> str:
    """Sforce-Locator: an opaque string; real ones are the base64 of the next offset (\"MTAwMDA\")."""
    return base64.b64encode(str(offset).encode()).decode().rstrip("=")


def offset_of(locator: str) -> int:
    try:
        text = base64.b64decode(locator + "=" * (-len(locator) % 4), validate=True).decode()
        if text.isdigit():
            return int(text)
    except (ValueError, UnicodeDecodeError):
        pass
    raise errors.InvalidQueryLocator("invalid query locator")


def columns(node: Node, prefix: str = "") -> list[tuple[str, list]]:
    """(header, path) per CSV column; a path walks parent nodes to a (Field, index) (`Account.Name`)."""
    found = []
    for kind, key, payload in node.entries:
        if kind == "field":
            found.append((prefix + key, [payload]))
        elif kind == "node":
            for header, path in columns(payload, f"{prefix}{key}."):
                found.append((header, [payload, *path]))
        elif kind == "address":
            raise Unsupported(COMPOUND)
        else:
            raise Unsupported(CHILDREN)
    return found


def check(plan: Plan) -> list[tuple[str, list]]:
    if plan.kind != "records":
        raise Unsupported(AGGREGATE)
    if plan.children:
        raise Unsupported(CHILDREN)
    return columns(plan.node)


def _text(f, stored) -> str:
    value = to_api(f, stored)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Extract:
    def __init__(self, org: Org, jobs: Jobs):
        self.org = org
        self.jobs = jobs

    def run(self, job: dict) -> tuple[str, str | None]:
        """Run the query and store its rows; one transaction, so a stopped org leaves no half result."""
        started = time.perf_counter()
        engine = engine_for(self.org)
        include_deleted = job["operation"] == "queryAll"
        try:
            plan, literals = engine.plan(job["query"], include_deleted)
            layout = check(plan)
        except (errors.SalesforceError, Unsupported) as exc:
            return "Failed", exc.message
        params = engine.resolve_params(plan.params, job["createdById"], literals, job["query"])
        getters = [_getter(path) for _, path in layout]
        writer = csvio.Writer(job["columnDelimiter"], job["lineEnding"])
        total, stored_bytes = 0, 0
        store = self.org.store
        with store.transaction() as connection:
            cursor = connection.execute(plan.sql, params)
            while True:
                rows = cursor.fetchmany(PIECE)
                if not rows:
                    break
                for row in rows:
                    writer.writerow([get(row) for get in getters])
                piece = writer.take()
                self.jobs.add_result(job["id"], RESULTS, total, len(rows), piece)
                total += len(rows)
                stored_bytes += len(piece)
            self.jobs.move(
                job["id"],
                ("InProgress",),
                "JobComplete",  # unless aborted meanwhile
                numberRecordsProcessed=total,
                resultRows=total,
                totalProcessingTime=int((time.perf_counter() - started) * 1000),
            )
            self.org.api_usage.count_bulk_query_storage(stored_bytes)
        return "JobComplete", None

    def header(self, job: dict) -> list[str]:
        plan, _ = engine_for(self.org).plan(job["query"], job["operation"] == "queryAll")
        return [name for name, _ in check(plan)]

    def page(self, job: dict, start: int, size: int):
        """CSV text of rows start..start+size, header first, cut from the stored pieces as they are read."""
        writer = csvio.Writer(job["columnDelimiter"], job["lineEnding"])
        writer.writerow(self.header(job))
        yield writer.take()
        end = start + size
        for first, count, data in self.jobs.results(job["id"], RESULTS, start, end):
            if first >= start and first + count <= end:
                yield data
                continue
            lines = csvio.rows([data.encode("utf-8")], job["columnDelimiter"])
            for number, row in enumerate(lines, start=first):
                if start <= number < end:
                    writer.writerow(row)
            yield writer.take()


def _getter(path: list):
    """A function of a row for one column: a null parent makes every column under it empty."""
    *parents, (f, index) = path
    if not parents:
        return lambda row: _text(f, row[index])
    ids = [node.id_index for node in parents]

    def get(row):
        if any(row[i] is None for i in ids):
            return ""
        return _text(f, row[index])

    return get
