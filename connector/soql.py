"""The connector's one place that puts values into SOQL and SOSL text: ids checked, strings escaped."""

# Salesforce's REST query and search resources take the text of a query, with no bind variables, so a
# value becomes query text here and nowhere else (tests/unit/connector/test_conn_no_pasted_queries.py
# fails on a query pasted together elsewhere in connector/). A template says what each value is:
#   {:id} {:ids}      a 15- or 18-character Salesforce id, written in its 18-character form; anything else
#                     is refused (an id is never quoted text, so it cannot carry a quote or an operator)
#   {:str} {:strs}    a string literal, escaped as "Quoted String Escape Sequences" of the SOQL and SOSL
#                     reference says (\\ \' \" \n \r \t \b \f; salesforce-contract.md 5)
#   {:like} {:starts} {:contains}  a LIKE operand: the same escapes plus \% and \_ (same page), so the
#                     value matches itself, as a prefix, or anywhere
#   {:name} {:names}  API names (field, object, relationship path), checked, never quoted
#   {:int} {:bool}    numbers and true/false
#   {:term}           a SOSL search term with its braces, reserved characters escaped (salesforce-contract 1.3)
#   {:query}          a fragment that this builder made
# https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm

from __future__ import annotations

import re
from collections.abc import Iterable
from string import Formatter

SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
ID_PATTERN = re.compile(r"^[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?$")
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$")
ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
LIKE_ESCAPES = {**ESCAPES, "%": "\\%", "_": "\\_"}
# SOSL reserved characters (salesforce-contract.md 1.3): escaped with a backslash inside FIND {...}.
SOSL_RESERVED = re.compile(r'([?&|!{}\[\]()^~*:\\"\'+-])')
MAX_SOQL = 100_000  # salesforce-contract.md: a longer statement is refused by the org anyway


class UnsafeValue(ValueError):
    """A value the builder will not write into a query (not an id where an id goes, not an API name...)."""


class Query(str):
    """Text that `soql` made; `{:query}` takes only this, so a fragment cannot be pasted in."""


def to18(value) -> str | None:
    """The 18-character form of a 15- or 18-character id (the suffix is its checksum), or None."""
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        return None
    body = value[:15]
    suffix = ""
    for start in (0, 5, 10):  # bit k of each 5-character chunk is set when its k-th character is upper case
        suffix += SUFFIX_ALPHABET[
            sum(1 << k for k, c in enumerate(body[start : start + 5]) if "A" <= c <= "Z")
        ]
    if len(value) == 18 and value[15:].upper() != suffix:
        return None
    return body + suffix


def is_id(value) -> bool:
    return to18(value) is not None


def _text(value, table: dict[str, str], before: str = "", after: str = "") -> str:
    if not isinstance(value, str):
        raise UnsafeValue(f"expected text, got {type(value).__name__}")
    return "'" + before + "".join(table.get(c, c) for c in value) + after + "'"


def _id(value) -> str:
    full = to18(value)
    if full is None:
        raise UnsafeValue(f"{str(value)[:40]!r} is not a Salesforce id")
    return f"'{full}'"


def _name(value) -> str:
    if not isinstance(value, str) or not NAME_PATTERN.match(value.strip()):
        raise UnsafeValue(f"{str(value)[:40]!r} is not an API name")
    return value.strip()


def _many(values, one) -> str:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise UnsafeValue("expected a list of values")
    rendered = [one(v) for v in values]
    if not rendered:
        raise UnsafeValue("an empty list has no SOQL form")  # `IN ()` is MALFORMED_QUERY
    return "(" + ", ".join(rendered) + ")"


def _names(values) -> str:
    items = values.split(",") if isinstance(values, str) else values
    names = [_name(v) for v in items]
    if not names:
        raise UnsafeValue("an empty list of fields")
    return ", ".join(names)


def _int(value) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UnsafeValue(f"expected an integer, got {type(value).__name__}")
    return str(value)


def _bool(value) -> str:
    if not isinstance(value, bool):
        raise UnsafeValue(f"expected true or false, got {type(value).__name__}")
    return "true" if value else "false"


def _term(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UnsafeValue("a search term is non-empty text")
    return "{" + SOSL_RESERVED.sub(r"\\\1", value.strip()) + "}"


def _query(value) -> str:
    if not isinstance(value, Query):
        raise UnsafeValue("{:query} takes a fragment made by soql()")
    return value


KINDS = {
    "id": _id,
    "ids": lambda v: _many(v, _id),
    "str": lambda v: _text(v, ESCAPES),
    "strs": lambda v: _many(v, lambda s: _text(s, ESCAPES)),
    "like": lambda v: _text(v, LIKE_ESCAPES),
    "starts": lambda v: _text(v, LIKE_ESCAPES, after="%"),
    "contains": lambda v: _text(v, LIKE_ESCAPES, "%", "%"),
    "name": _name,
    "names": _names,
    "int": _int,
    "bool": _bool,
    "term": _term,
    "query": _query,
}


def soql(template: str, *values) -> Query:
    """`template` with each `{:kind}` (or `{0:kind}`) replaced by its value, written as that kind says."""
    parts: list[str] = []
    auto = 0
    for literal, field, spec, conversion in Formatter().parse(template):
        parts.append(literal)
        if field is None:
            continue
        if conversion or (field and not field.isdigit()):
            raise UnsafeValue(f"a placeholder is {{:kind}} or {{N:kind}}, not {{{field}!{conversion}}}")
        index = int(field) if field else auto
        auto += not field
        if spec not in KINDS:
            raise UnsafeValue(f"say what the value is: {{:{'|'.join(KINDS)}}}, not {{:{spec}}}")
        if index >= len(values):
            raise UnsafeValue(f"no value for placeholder {index}")
        parts.append(KINDS[spec](values[index]))
    text = "".join(parts)
    if len(text) > MAX_SOQL:
        raise UnsafeValue(f"a query is at most {MAX_SOQL} characters")
    return Query(text)
