"""The SOSL a contact search needs: FIND {term} IN <scope> FIELDS RETURNING objects (SC 1.3, issue 3)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.soql import ast
from alcsim.simulators.salesforce.soql.engine import engine_for
from alcsim.simulators.salesforce.soql.parser import MAX_SOQL_LENGTH, TOO_LONG, parse_search
from alcsim.simulators.salesforce.soql.planner import Planner
from alcsim.simulators.salesforce.soql.shape import Shaper
from alcsim.simulators.salesforce.store import quote

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.org import Org

SCOPES = {"ALL", "NAME", "EMAIL", "PHONE"}
TEXT_TYPES = {"string", "email", "phone", "url", "textarea", "combobox"}
# Without RETURNING a real org searches every searchable object; the fake searches the people-like ones.
DEFAULT_OBJECTS = ("Account", "Contact", "Case")
MAX_RESULTS = 2000  # SOSL's default and maximum number of rows
PHONE_PUNCTUATION = (" ", "-", "(", ")", "+", ".")
WORDS_PER_STATEMENT = 20
# SOSL syntax, FIND {SearchQuery}: over 10,000 characters no rows are returned; over 4,000 the
# logical operators are removed, so AND between words becomes OR.
NO_ROWS_OVER, NO_OPERATORS_OVER = 10_000, 4_000


def _searched_fields(sobject, scope: str) -> list:
    stored = [f for f in sobject.stored_fields if f.type in TEXT_TYPES]
    if scope == "NAME":
        return [f for f in stored if f.name_field or f.name in ("FirstName", "LastName")]
    if scope == "EMAIL":
        return [f for f in stored if f.type == "email"]
    if scope == "PHONE":
        return [f for f in stored if f.type == "phone"]
    return stored


def _words(term: str) -> list[str]:
    """The term's words; quotes make a phrase, AND is implicit between words (SOSL term syntax)."""
    words = [w for w in re.findall(r'"[^"]*"|\S+', term)]
    return [w.strip('"') for w in words if w.upper() not in ("AND",) and w.strip('"')]


def _token_regex(word: str) -> re.Pattern:
    # A word matches whole tokens; `*` is any run and `?` one character inside a token.
    body = "".join("\\w*" if c == "*" else "\\w" if c == "?" else re.escape(c) for c in word.lower())
    return re.compile(rf"(?<![\w]){body}(?![\w])")


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "%" + escaped.replace("*", "%").replace("?", "_") + "%"


def _digits_sql(column: str) -> str:
    for char in PHONE_PUNCTUATION:
        column = f"replace({column}, '{char}', '')"
    return column


def _candidates(org: Org, sobject, fields: list, words: list[str], any_word: bool) -> list:
    """Rows that may match, from statements of at most WORDS_PER_STATEMENT words each, so that the
    SQL stays flat whatever the number of words (SQLite caps expression depth at 1,000)."""
    columns = ", ".join(quote(f.name) for f in fields)
    head = f"SELECT rowid, {quote('Id')}, {columns} FROM {quote(sobject.name)} WHERE IsDeleted = 0 AND "
    found: dict[int, tuple] | None = None
    for start in range(0, len(words), WORDS_PER_STATEMENT):
        clauses, params = [], []
        for word in words[start : start + WORDS_PER_STATEMENT]:
            alternatives = []
            # A national number's leading zero is a trunk prefix that the stored +33 form does not hold.
            digits = re.sub(r"\D", "", word).lstrip("0")
            for f in fields:
                column = quote(f.name)
                if f.type == "phone" and digits:
                    alternatives.append(f"{_digits_sql(column)} LIKE ?")
                    params.append(f"%{digits}%")
                elif f.type != "phone":
                    alternatives.append(f"{column} LIKE ? ESCAPE '\\'")
                    params.append(_like(word))
            clauses.append("(" + " OR ".join(alternatives or ["0"]) + ")")
        sql = head + "(" + (" OR " if any_word else " AND ").join(clauses) + ")"
        with org.store.lock:
            rows = {row[0]: row[1:] for row in org.store.connection.execute(sql, params)}
        if found is None:
            found = rows
        elif any_word:
            found.update(rows)
        else:
            found = {key: row for key, row in found.items() if key in rows}
    return [found[key] for key in sorted(found or {})]


def _matching_ids(org: Org, sobject, fields: list, words: list[str], any_word: bool, limit: int) -> list[str]:
    if not fields or not words:
        return []
    rows = _candidates(org, sobject, fields, words, any_word)
    patterns = [(_token_regex(w), re.sub(r"\D", "", w).lstrip("0")) for w in words]
    found = []
    for row in rows:
        texts = [(f, str(row[i + 1] or "")) for i, f in enumerate(fields)]
        hits = [
            any(
                (f.type == "phone" and digits and digits in re.sub(r"\D", "", text))
                or (f.type != "phone" and regex.search(text.lower()))
                for f, text in texts
            )
            for regex, digits in patterns
        ]
        if any(hits) if any_word else all(hits):
            found.append(row[0])
            if len(found) >= limit:
                break
    return found


def search(org: Org, text: str, user_id: str | None, version: str) -> dict:
    if isinstance(text, str) and len(text) > MAX_SOQL_LENGTH:
        # The SOSL statement limit is the SOQL one (SOQL and SOSL limits).
        raise errors.MalformedSearch(TOO_LONG)
    try:
        return _search(org, text, user_id, version)
    except RecursionError:
        raise errors.MalformedSearch("Search query is either too long or too complicated") from None


def _search(org: Org, text: str, user_id: str | None, version: str) -> dict:
    parsed = parse_search(text)
    term = re.sub(r"\\(.)", r"\1", parsed.term).strip()
    if len(term.replace("*", "").replace("?", "").replace('"', "").strip()) < 2:
        raise errors.InvalidSearch(f"search term must be longer than one character: {term}")
    if parsed.scope not in SCOPES:
        raise errors.MalformedSearch(f"Invalid search scope: {parsed.scope}")
    if len(parsed.term) > NO_ROWS_OVER:
        return {"searchRecords": []}
    words = _words(term)
    any_word = any(w.upper() == "OR" for w in words) or len(parsed.term) > NO_OPERATORS_OVER
    words = [w for w in words if w.upper() != "OR"]
    returning = parsed.returning or [ast.Returning(name, parsed.term_pos, None) for name in DEFAULT_OBJECTS]
    remaining = min(parsed.limit or MAX_RESULTS, MAX_RESULTS)
    records: list[dict] = []
    for entry in returning:
        sobject = org.schema.get(entry.sobject)
        if sobject is None:
            raise errors.InvalidType(f"sObject type '{entry.sobject}' is not supported.")
        if remaining <= 0:
            break
        ids = _matching_ids(
            org, sobject, _searched_fields(sobject, parsed.scope), words, any_word, MAX_RESULTS
        )
        if not ids:
            continue
        query = entry.query or ast.Query(items=[], sobject=sobject.name, sobject_pos=entry.pos)
        if not query.items:
            query.items = [ast.FieldItem(ast.Path(["Id"], [entry.pos]))]
        # The matches become an `Id IN (...)` filter of literals: values reach SQL only as parameters.
        match = ast.InList(
            ast.Path(["Id"], [entry.pos]), [ast.Literal("string", i, entry.pos, i) for i in ids], False
        )
        query.where = match if query.where is None else ast.Chain("AND", [match, query.where])
        query.limit = min(query.limit if query.limit is not None else remaining, remaining)
        try:
            plan = Planner(org.schema, text).build(query, include_deleted=False)
        except errors.SalesforceError as exc:
            raise errors.MalformedSearch(exc.message) from None
        engine = engine_for(org)
        rows = engine.fetch(plan.sql, engine.resolve_params(plan.params, user_id))
        shaper = Shaper(org.schema, version)
        records.extend(shaper.record(plan.node, row) for row in rows)
        remaining -= len(rows)
    return {"searchRecords": records}
