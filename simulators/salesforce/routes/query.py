"""SOQL and SOSL routes: query/, queryAll/, their query locators, and search/ (SC 1.3, 3.2, 5)."""

from __future__ import annotations

from flask import request

from alcsim.simulators.salesforce.routes.common import api_version, data_blueprint, org, respond, user_id
from alcsim.simulators.salesforce.soql.columns import Columns
from alcsim.simulators.salesforce.soql.engine import batch_size_from, engine_for
from alcsim.simulators.salesforce.soql.sosl import search as run_search

bp = data_blueprint("query")


def _batch_size() -> int:
    return batch_size_from(request.headers.get("Sforce-Query-Options"))


def _query(include_deleted: bool):
    text = request.args.get("q", "")
    if request.args.get("columns", "").lower() == "true":
        # `columns=true` answers the query's columns instead of its rows: the Salesforce CLI asks for them
        # to lay out `sf data query` (plugin-data src/commands/data/query.ts, retrieveColumns). The query is
        # checked as for its rows first, so a bad one answers the same error.
        engine_for(org()).plan(text, include_deleted)
        return respond(Columns(org().schema).metadata(text))
    result = engine_for(org()).query(
        text,
        user_id=user_id(),
        version=api_version(),
        include_deleted=include_deleted,
        batch_size=_batch_size(),
    )
    return respond(result)


def _more(locator: str):
    header = request.headers.get("Sforce-Query-Options")
    result = engine_for(org()).query_more(
        locator,
        user_id=user_id(),
        version=api_version(),
        batch_size=batch_size_from(header) if header else None,
    )
    return respond(result)


@bp.get("/query", strict_slashes=False)
def query():
    return _query(include_deleted=False)


@bp.get("/queryAll", strict_slashes=False)
def query_all():
    # queryAll also returns the recycle bin's rows (SC 5, queryAll).
    return _query(include_deleted=True)


@bp.get("/query/<locator>", strict_slashes=False)
def query_more(locator: str):
    return _more(locator)


@bp.get("/queryAll/<locator>", strict_slashes=False)
def query_all_more(locator: str):
    return _more(locator)


@bp.get("/search", strict_slashes=False)
def search():
    return respond(run_search(org(), request.args.get("q", ""), user_id(), api_version()))
