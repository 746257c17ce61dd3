"""Aggregate queries: COUNT(field), COUNT_DISTINCT, SUM, AVG, MIN, MAX, GROUP BY and HAVING (SC 5, 3.2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alcsim.simulators.salesforce.schema import Field
from alcsim.simulators.salesforce.soql import ast
from alcsim.simulators.salesforce.soql.filters import NUMBER_TYPES
from alcsim.simulators.salesforce.soql.plan import AggregateEntry
from alcsim.simulators.salesforce.soql.scope import Column, Scope
from alcsim.simulators.salesforce.store import quote

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.soql.planner import Planner

FUNCTIONS = {"COUNT", "COUNT_DISTINCT", "SUM", "AVG", "MIN", "MAX"}
UNGROUPABLE = {"textarea", "double", "currency", "percent", "datetime", "address", "multipicklist"}
COUNT_FIELD = Field(name="expr", type="int")
AVG_FIELD = Field(name="expr", type="double")
# Aggregate queries answer at most 2000 rows and never page (SC 5, GROUP BY / HAVING): more is an error.
MAX_AGGREGATE_ROWS = 2000


class Aggregates:
    def __init__(self, planner: Planner):
        self.planner = planner
        self.located = planner.located
        self.grouped: set[tuple[str, ...]] = set()

    def build(self, query: ast.Query, scope: Scope, include_deleted: bool):
        plan = self.planner.plan
        plan.kind = "aggregate"
        group_sql = []
        for path in query.group_by:
            column = scope.resolve(path)
            if column.field.type in UNGROUPABLE:
                raise self.located.invalid_field(
                    path.pos, f"field '{column.field.name}' can not be grouped in a query call"
                )
            self.grouped.add(self._key(column))
            group_sql.append(column.sql)
        columns, unnamed = [], 0
        for item in query.items:
            if isinstance(item, ast.SubqueryItem):
                raise self.located.malformed(
                    item.pos, "Aggregate queries do not support relationship subqueries"
                )
            if isinstance(item, ast.FunctionItem):
                sql, f = self.function(item.function, scope)
                key = item.alias
                if key is None:
                    key, unnamed = f"expr{unnamed}", unnamed + 1
            else:
                column = scope.resolve(item.path)
                self.require_grouped(column, item.path)
                sql, f, key = column.sql, column.field, item.alias or column.names[-1]
            if any(entry.key.lower() == key.lower() for entry in plan.aggregates):
                pos = item.alias_pos or (
                    item.function.pos if isinstance(item, ast.FunctionItem) else item.path.pos
                )
                raise self.located.malformed(pos, f"duplicate alias: {key}")
            columns.append(sql)
            plan.aggregates.append(AggregateEntry(key, len(columns) - 1, f))
        params: list = []
        where = self.planner.where(query.where, scope, params, include_deleted)
        sql = f"SELECT {', '.join(columns)} FROM {quote(scope.sobject.name)} AS {scope.alias} {scope.join_sql()} WHERE {where}"
        if group_sql:
            sql += f" GROUP BY {', '.join(group_sql)}"
        if query.having is not None:
            sql += f" HAVING {self.planner.filters.sql(query.having, scope, params, aggregate=True)}"
        order = self.planner.order_sql(query, scope, aggregate=True) or group_sql
        if order:
            sql += f" ORDER BY {', '.join(order)}"
        # One row past the cap tells the engine the result would need a second page.
        limit = query.limit if query.limit is not None else MAX_AGGREGATE_ROWS + 1
        sql += " LIMIT ?"
        params.append(min(limit, MAX_AGGREGATE_ROWS + 1))
        if query.offset is not None:
            sql += " OFFSET ?"
            params.append(query.offset)
        plan.sql, plan.params = sql, params
        return plan

    @staticmethod
    def _key(column: Column) -> tuple[str, ...]:
        return tuple(n.lower() for n in column.names)

    def require_grouped(self, column: Column, path: ast.Path) -> None:
        if self._key(column) not in self.grouped:
            raise self.located.malformed(
                path.pos, f"Field must be grouped or aggregated: {column.field.name}"
            )

    def function(self, function: ast.Function, scope: Scope) -> tuple[str, Field]:
        name = function.name
        if name not in FUNCTIONS or function.path is None:
            raise self.located.malformed(function.pos, f"unexpected token: '{name}'")
        column = scope.resolve(function.path)
        f = column.field
        if (
            f.type in ("textarea", "address")
            or (name in ("SUM", "AVG") and f.type not in NUMBER_TYPES)
            or (name in ("MIN", "MAX") and f.type in ("boolean", "multipicklist"))
        ):
            raise self.located.malformed(
                function.path.pos, f"field {f.name} does not support aggregate operator {name}"
            )
        nocase = " COLLATE NOCASE" if f.sql_type == "TEXT" and f.type not in ("id", "reference") else ""
        if name == "COUNT":
            return f"COUNT({column.sql})", COUNT_FIELD
        if name == "COUNT_DISTINCT":
            return f"COUNT(DISTINCT {column.sql}{nocase})", COUNT_FIELD
        if name == "AVG":
            return f"AVG({column.sql})", AVG_FIELD
        return f"{name}({column.sql}{nocase if name != 'SUM' else ''})", f
