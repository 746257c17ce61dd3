"""WHERE and HAVING to parameterised SQL with SOQL's typing and NULL rules (SC 5, operators and NULL)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from alcsim.simulators.salesforce.ids import to18
from alcsim.simulators.salesforce.soql import ast
from alcsim.simulators.salesforce.soql.dates import takes_argument
from alcsim.simulators.salesforce.values import format_datetime, parse_datetime

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.soql.planner import Planner

STRING_TYPES = {"string", "email", "phone", "url", "picklist", "combobox", "multipicklist", "textarea"}
NUMBER_TYPES = {"int", "double", "currency", "percent"}
UNFILTERABLE = {"textarea", "address"}
# The type a filter value must have, in the words of the org's message (SC 3.3, INVALID_FIELD type).
TYPE_WORDS = {
    "boolean": "boolean",
    "int": "integer",
    "double": "double",
    "currency": "double",
    "percent": "double",
    "date": "date",
    "datetime": "dateTime",
    "id": "id",
    "reference": "reference",
}
RANGE_OPERATORS = {"<", "<=", ">", ">="}


@dataclass(frozen=True)
class DateLiteral:
    """A date literal's bound, computed when the query runs: the running user's zone and the org's clock."""

    name: str
    argument: int | None
    field_type: str
    end: bool  # False: the range's start, True: its end


@dataclass(frozen=True)
class StringParam:
    """A value from the text's `index`-th string literal, bound per run so one plan serves many texts."""

    index: int
    form: str  # plain, like or id


def _semi_join_in(condition):
    if isinstance(condition, ast.SemiJoin):
        return condition
    if isinstance(condition, ast.Not):
        return _semi_join_in(condition.condition)
    if isinstance(condition, ast.Chain):
        return next((found for c in condition.conditions if (found := _semi_join_in(c)) is not None), None)
    return None


def bound(literal: ast.Literal, form: str, value):
    return value if literal.index is None else StringParam(literal.index, form)


class Filters:
    """Compiles one condition tree; `params` collects the values in the order of their placeholders."""

    def __init__(self, planner: Planner):
        self.planner = planner
        self.located = planner.located

    def sql(self, condition, scope, params: list, aggregate: bool = False) -> str:
        if isinstance(condition, ast.Chain):
            semi_join = _semi_join_in(condition) if condition.operator == "OR" else None
            if semi_join is not None:
                raise self.located.malformed(
                    semi_join.operand.pos, "Semi join sub-selects are not allowed with the 'OR' operator"
                )
            joiner = f" {condition.operator} "
            return (
                "(" + joiner.join(self.sql(c, scope, params, aggregate) for c in condition.conditions) + ")"
            )
        if isinstance(condition, ast.Not):
            negations = 0
            while isinstance(condition, ast.Not):  # with two-valued logic NOT NOT x is x
                condition, negations = condition.condition, negations + 1
            inner = self.sql(condition, scope, params, aggregate)
            # SOQL has two-valued logic: NOT of a comparison that met a NULL is true.
            return f"(NOT COALESCE({inner}, 0))" if negations % 2 else inner
        column_sql, f = self.planner.operand(condition.operand, scope, aggregate, purpose="filter")
        nocase = " COLLATE NOCASE" if f.type in STRING_TYPES and not f.case_sensitive else ""
        if isinstance(condition, ast.Compare):
            return self._compare(condition, column_sql, f, nocase, params)
        if isinstance(condition, ast.Like):
            return self._like(condition, column_sql, f, params)
        if isinstance(condition, ast.InList):
            return self._in(condition, column_sql, f, nocase, params)
        if isinstance(condition, ast.SemiJoin):
            return self._semi_join(condition, column_sql, f, scope, params)
        return self._includes(condition, column_sql, f, params)

    # -- values --------------------------------------------------------------------------------------
    def value(self, literal: ast.Literal, f) -> object:
        """The stored form of a literal for field `f`, a (start, end) pair for a date literal, or None."""
        kind, ftype = literal.kind, f.type
        if kind == "null":
            return None
        if ftype in ("id", "reference"):
            if kind != "string":
                raise self._wrong_type(literal, f)
            full = to18(literal.value)
            if full is None:
                raise self.located.invalid_operator(literal.pos, f"invalid ID field: {literal.value}")
            return bound(literal, "id", full)
        if ftype in STRING_TYPES:
            if kind != "string":
                raise self._wrong_type(literal, f)
            return bound(literal, "plain", literal.value)
        if ftype == "boolean":
            if kind != "boolean":
                raise self._wrong_type(literal, f)
            return int(literal.value)
        if ftype in NUMBER_TYPES:
            if kind != "number":
                raise self._wrong_type(literal, f)
            return literal.value
        if ftype in ("date", "datetime"):
            if kind == "date_literal":
                return self._date_literal(literal, ftype)
            if kind == "date" and ftype == "date":
                return literal.value
            if kind == "datetime" and ftype == "datetime":
                return format_datetime(parse_datetime(literal.value))
        raise self._wrong_type(literal, f)

    def _wrong_type(self, literal: ast.Literal, f):
        if literal.kind == "date_literal" and takes_argument(literal.value) is None:
            return self.located.malformed(literal.pos, f"unexpected token: '{literal.text}'")
        word = TYPE_WORDS.get(f.type, "string")
        quoted = (
            "should be enclosed in quotes"
            if word in ("string", "id", "reference")
            else "should not be enclosed in quotes"
        )
        return self.located.invalid_field(
            literal.pos, f"value of filter criterion for field '{f.name}' must be of type {word} and {quoted}"
        )

    def _date_literal(self, literal: ast.Literal, field_type: str) -> tuple:
        needs = takes_argument(literal.value)
        if needs is None:
            raise self.located.malformed(literal.pos, f"unexpected token: '{literal.text}'")
        if needs != (literal.argument is not None):
            raise self.located.malformed(literal.pos, f"unexpected token: '{literal.text}'")
        return (
            DateLiteral(literal.value, literal.argument, field_type, False),
            DateLiteral(literal.value, literal.argument, field_type, True),
        )

    # -- operators -----------------------------------------------------------------------------------
    def _check_filterable(self, condition, f) -> None:
        if f.type in UNFILTERABLE:
            raise self.located.invalid_field(
                condition.operand.pos, f"field '{f.name}' can not be filtered in a query call"
            )

    def _compare(self, condition: ast.Compare, col: str, f, nocase: str, params: list) -> str:
        self._check_filterable(condition, f)
        operator = "!=" if condition.operator == "<>" else condition.operator
        value = self.value(condition.value, f)
        if value is None:
            if operator in RANGE_OPERATORS:
                return "0"  # `<` and `>` never match null (SC 5, NULL)
            if f.type == "boolean":  # on a boolean, `= null` means `= false` (SC 5, NULL)
                return f"(COALESCE({col}, 0) = {'0' if operator == '=' else '1'})"
            return f"({col} IS {'NOT ' if operator == '!=' else ''}NULL)"
        if operator in RANGE_OPERATORS and f.type in ("boolean", "multipicklist"):
            raise self.located.invalid_operator(condition.value.pos, f"invalid operator on {f.type} field")
        if isinstance(value, tuple):
            start, end = value
            params.extend(
                {"=": [start, end], "!=": [start, end], "<": [start], "<=": [end], ">": [end], ">=": [start]}[
                    operator
                ]
            )
            return {
                "=": f"({col} >= ? AND {col} < ?)",
                "!=": f"({col} IS NULL OR {col} < ? OR {col} >= ?)",
                "<": f"({col} < ?)",
                "<=": f"({col} < ?)",
                ">": f"({col} >= ?)",
                ">=": f"({col} >= ?)",
            }[operator]
        params.append(value)
        if operator == "!=":
            # SOQL's `!=` also returns the rows where the field is null (SC 5, NULL).
            return f"({col} IS NULL OR {col} <> ?{nocase})"
        return f"({col} {operator} ?{nocase})"

    def _like(self, condition: ast.Like, col: str, f, params: list) -> str:
        self._check_filterable(condition, f)
        if f.type not in STRING_TYPES or f.type == "multipicklist":
            raise self.located.invalid_operator(condition.value.pos, f"invalid operator on {f.type} field")
        literal = condition.value
        if literal.kind == "null":
            return "0"
        if literal.kind != "string":
            raise self._wrong_type(literal, f)
        params.append(bound(literal, "like", literal.like))
        # SQLite's LIKE ignores ASCII case, as SOQL's LIKE ignores case (SC 5, string compare).
        return f"({col} LIKE ? ESCAPE '\\')"

    def _in(self, condition: ast.InList, col: str, f, nocase: str, params: list) -> str:
        self._check_filterable(condition, f)
        values = [self.value(v, f) for v in condition.values]
        has_null = any(v is None for v in values)
        ranges = [v for v in values if isinstance(v, tuple)]
        plain = [v for v in values if v is not None and not isinstance(v, tuple)]
        parts = []
        if plain:
            parts.append(
                f"{col}{nocase} {'NOT IN' if condition.negated else 'IN'} ({', '.join('?' for _ in plain)})"
            )
            params.extend(plain)
        for start, end in ranges:
            params.extend([start, end])
            parts.append(f"({col} < ? OR {col} >= ?)" if condition.negated else f"({col} >= ? AND {col} < ?)")
        if condition.negated:
            body = " AND ".join(parts) if parts else "1"
            # NOT IN keeps the rows where the field is null, like `!=` (SC 5, NULL); a null in the list drops them.
            return f"({col} IS NOT NULL AND {body})" if has_null else f"({col} IS NULL OR ({body}))"
        if has_null:
            parts.append(f"{col} IS NULL")
        return "(" + " OR ".join(parts) + ")" if parts else "0"

    def _includes(self, condition: ast.Includes, col: str, f, params: list) -> str:
        if f.type != "multipicklist":
            raise self.located.invalid_operator(
                condition.operand.pos, "includes or excludes operator only valid on multipicklist field"
            )
        # The number of items in a value shapes the SQL, so this plan is kept for its exact text only.
        self.planner.plan.templatable = False
        alternatives = []
        for literal in condition.values:
            if literal.kind != "string":
                raise self._wrong_type(literal, f)
            items = [item.strip() for item in literal.value.split(";") if item.strip()]
            checks = []
            for item in items:
                escaped = item.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                params.append(f"%;{escaped};%")
                checks.append(f"(';' || {col} || ';') LIKE ? ESCAPE '\\'")
            alternatives.append("(" + " AND ".join(checks) + ")" if checks else "0")
        found = "(" + " OR ".join(alternatives) + ")" if alternatives else "0"
        return f"({col} IS NULL OR NOT {found})" if condition.excludes else f"({col} IS NOT NULL AND {found})"

    def _semi_join(self, condition: ast.SemiJoin, col: str, f, scope, params: list) -> str:
        if f.type not in ("id", "reference"):
            raise self.located.invalid_field(
                condition.operand.pos,
                "Filtering on a semi join sub-selects requires an Id or a reference field",
            )
        inner_sql, inner_column = self.planner.semi_join(condition.query, scope, params)
        if not condition.negated:
            return f"({col} IN ({inner_sql}))"
        return f"({col} IS NULL OR {col} NOT IN ({inner_sql} AND {inner_column} IS NOT NULL))"
