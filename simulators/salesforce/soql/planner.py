"""The checker and compiler: a parsed query, checked against the org's metadata, becomes a Plan (SC 5)."""

from __future__ import annotations

from itertools import count

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.schema import Field, Schema, SObject
from alcsim.simulators.salesforce.soql import ast
from alcsim.simulators.salesforce.soql.aggregates import Aggregates
from alcsim.simulators.salesforce.soql.filters import Filters
from alcsim.simulators.salesforce.soql.messages import Located
from alcsim.simulators.salesforce.soql.plan import ChildPlan, Node, Plan
from alcsim.simulators.salesforce.soql.scope import NAME_ENTITY, Column, Scope
from alcsim.simulators.salesforce.store import quote

MAX_OFFSET = 2000  # SC 5, LIMIT / OFFSET
FIELDS_LIMIT = 200  # FIELDS(ALL) and FIELDS(CUSTOM) need LIMIT 200 or less (SC 5, SELECT list)
UNSORTABLE = {"textarea", "multipicklist", "address"}


class Planner:
    def __init__(self, schema: Schema, text: str):
        self.schema = schema
        self.text = text
        self.located = Located(text)
        self.aliases = count()
        self.filters = Filters(self)
        self.aggregates = Aggregates(self)
        self.plan: Plan | None = None

    # -- entry points --------------------------------------------------------------------------------
    def build(self, query: ast.Query, include_deleted: bool) -> Plan:
        sobject = self._sobject(query.sobject, query.sobject_pos)
        scope = Scope(self.schema, sobject, f"t{next(self.aliases)}", self.located, self.aliases, query.alias)
        self.plan = Plan(kind="records", sobject=sobject, sql="", params=[])
        self._check_offset(query, sobject)
        functions = [i for i in query.items if isinstance(i, ast.FunctionItem)]
        if any(i.function.name == "COUNT" and i.function.path is None for i in functions):
            return self._count(query, scope, include_deleted)
        if functions and any(i.function.name != "FIELDS" for i in functions) or query.group_by:
            return self.aggregates.build(query, scope, include_deleted)
        return self._records(query, scope, include_deleted)

    def semi_join(self, query: ast.Query, outer: Scope, params: list) -> tuple[str, str]:
        """`Id IN (SELECT AccountId FROM Contact ...)`: the inner SELECT, ending in its WHERE."""
        sobject = self._sobject(query.sobject, query.sobject_pos)
        scope = outer.child(sobject, query.alias)
        items = query.items
        if len(items) != 1 or not isinstance(items[0], ast.FieldItem):
            raise self.located.malformed(query.sobject_pos, "semi join sub-selects can only select one field")
        column = scope.resolve(items[0].path)
        if column.field.type not in ("id", "reference") or column.join is not None:
            raise self.located.invalid_field(
                items[0].path.pos,
                "semi join sub-selects are only allowed to select an Id or a reference field",
            )
        where = self.where(query.where, scope, params)
        sql = f"SELECT {column.sql} FROM {quote(sobject.name)} AS {scope.alias} {scope.join_sql()} WHERE {where}"
        return sql, column.sql

    # -- shared checks -------------------------------------------------------------------------------
    def _sobject(self, name: str, pos) -> SObject:
        found = self.schema.get(name)
        if found is None:
            raise self.located.unsupported_type(pos, name)
        return found

    def _check_offset(self, query: ast.Query, sobject: SObject) -> None:
        if query.offset is not None and query.offset > MAX_OFFSET:
            raise errors.NumberOutsideValidRange(
                f"Maximum SOQL offset allowed for apiName {sobject.name} is {MAX_OFFSET}"
            )

    def where(self, condition, scope: Scope, params: list, include_deleted: bool = False) -> str:
        clauses = [] if include_deleted else [f"{scope.alias}.{quote('IsDeleted')} = 0"]
        if condition is not None:
            clauses.append(self.filters.sql(condition, scope, params))
        return " AND ".join(clauses) or "1"

    def operand(self, operand, scope: Scope, aggregate: bool, purpose: str) -> tuple[str, Field]:
        """The SQL and field of a filter or ORDER BY operand; functions only where aggregates are."""
        if isinstance(operand, ast.Function):
            if not aggregate:
                raise self.located.malformed(operand.pos, f"unexpected token: '{operand.name}'")
            return self.aggregates.function(operand, scope)
        column = scope.resolve(operand)
        if aggregate:
            self.aggregates.require_grouped(column, operand)
        return column.sql, column.field

    def _tail(self, query: ast.Query, params: list) -> str:
        sql = ""
        if query.limit is not None or query.offset is not None:
            sql += " LIMIT ?"
            params.append(query.limit if query.limit is not None else -1)
        if query.offset is not None:
            sql += " OFFSET ?"
            params.append(query.offset)
        return sql

    def order_sql(self, query: ast.Query, scope: Scope, aggregate: bool = False) -> list[str]:
        keys = []
        for key in query.order_by:
            sql, f = self.operand(key.operand, scope, aggregate, purpose="order")
            if f.type in UNSORTABLE:
                raise self.located.invalid_field(
                    key.operand.pos, f"field '{f.name}' can not be sorted in a query call"
                )
            collate = " COLLATE NOCASE" if f.type not in ("id", "reference") and f.sql_type == "TEXT" else ""
            # Nulls sort first unless the query says otherwise (SC 5, ORDER BY; see docs/assumptions.md).
            nulls = "FIRST" if key.nulls_first is None or key.nulls_first else "LAST"
            keys.append(f"{sql}{collate} {'DESC' if key.descending else 'ASC'} NULLS {nulls}")
        return keys

    # -- COUNT() -------------------------------------------------------------------------------------
    def _count(self, query: ast.Query, scope: Scope, include_deleted: bool) -> Plan:
        function = next(i for i in query.items if isinstance(i, ast.FunctionItem)).function
        if len(query.items) > 1:
            raise self.located.malformed(function.pos, "COUNT() must be the only element in the SELECT list")
        if query.order_by or query.group_by:
            clause = "ORDER BY" if query.order_by else "GROUP BY"
            raise self.located.malformed(function.pos, f"COUNT() and {clause} may not be used together")
        params: list = []
        where = self.where(query.where, scope, params, include_deleted)
        tail = self._tail(query, params)
        inner = f"SELECT 1 FROM {quote(scope.sobject.name)} AS {scope.alias} {scope.join_sql()} WHERE {where}{tail}"
        self.plan.kind, self.plan.sql, self.plan.params = "count", f"SELECT COUNT(*) FROM ({inner})", params
        return self.plan

    # -- records -------------------------------------------------------------------------------------
    def _records(self, query: ast.Query, scope: Scope, include_deleted: bool) -> Plan:
        columns: list[str] = []
        node = Node(scope.sobject.name, self._column(columns, f"{scope.alias}.{quote('Id')}"))
        self._select(query, scope, node, columns, allow_children=True)
        params: list = []
        where = self.where(query.where, scope, params, include_deleted)
        order = self.order_sql(query, scope) + [f"{scope.alias}.rowid"]
        tail = self._tail(query, params)
        self.plan.sql = (
            f"SELECT {', '.join(columns)} FROM {quote(scope.sobject.name)} AS {scope.alias} {scope.join_sql()} "
            f"WHERE {where} ORDER BY {', '.join(order)}{tail}"
        )
        self.plan.params, self.plan.node = params, node
        return self.plan

    @staticmethod
    def _column(columns: list[str], sql: str) -> int:
        columns.append(sql)
        return len(columns) - 1

    def _select(
        self, query: ast.Query, scope: Scope, node: Node, columns: list[str], allow_children: bool
    ) -> None:
        seen: set[tuple[str, ...]] = set()
        for item in query.items:
            if isinstance(item, ast.SubqueryItem):
                if not allow_children:
                    raise self.located.malformed(item.pos, "unexpected token: 'SELECT'")
                self._child(item, scope, node)
                continue
            if isinstance(item, ast.TypeofItem):
                self._typeof(item, scope, node, columns)
                continue
            if isinstance(item, ast.FunctionItem):
                for f in self._fields_function(item.function, query, scope.sobject):
                    key = (f.name.lower(),)
                    if key not in seen:
                        seen.add(key)
                        self._add_field(
                            node, Column(f, None, [f.name], f"{scope.alias}.{quote(f.name)}"), scope, columns
                        )
                continue
            if item.alias is not None:
                raise self.located.malformed(item.alias_pos, "only aggregate expressions use field aliasing")
            column = scope.resolve(item.path)
            key = tuple(n.lower() for n in column.names)
            if key in seen:
                raise self.located.malformed(
                    item.path.pos, f"duplicate field selected: {'.'.join(column.names)}"
                )
            seen.add(key)
            self._add_field(node, column, scope, columns)

    def _fields_function(self, function: ast.Function, query: ast.Query, sobject: SObject) -> list[Field]:
        kind = function.path.text.upper() if function.path and len(function.path.names) == 1 else None
        if function.name != "FIELDS" or kind not in ("ALL", "STANDARD", "CUSTOM"):
            raise self.located.malformed(function.pos, f"unexpected token: '{function.name}'")
        if kind != "STANDARD" and (query.limit is None or query.limit > FIELDS_LIMIT):
            raise self.located.malformed(
                function.pos, "The SOQL FIELDS function must have a LIMIT of at most 200"
            )
        wanted = {"ALL": lambda f: True, "STANDARD": lambda f: not f.custom, "CUSTOM": lambda f: f.custom}[
            kind
        ]
        return [f for f in sobject.fields.values() if wanted(f)]

    def _add_field(self, root: Node, column: Column, scope: Scope, columns: list[str]) -> None:
        node = root
        if column.join is not None:
            for depth in range(1, len(column.join.key) + 1):
                key = column.join.key[:depth]
                join = scope.joins[key]
                child = node.nodes.get(key[-1])
                if child is None:
                    type_name = NAME_ENTITY if join.polymorphic else join.sobject.name
                    child = Node(type_name, self._column(columns, join.id_sql()), join.polymorphic)
                    node.nodes[key[-1]] = child
                    node.entries.append(("node", join.names[-1], child))
                node = child
        f = column.field
        if f.type == "address":
            owner = column.join.sobject if column.join else scope.sobject
            prefix = column.sql[: column.sql.rindex(".")]
            parts = [
                (key, owner.field(part), self._column(columns, f"{prefix}.{quote(part)}"))
                for part, key in f.compound_parts
            ]
            node.entries.append(("address", f.name, parts))
        else:
            node.entries.append(("field", f.name, (f, self._column(columns, column.sql))))

    # -- TYPEOF --------------------------------------------------------------------------------------
    def _typeof(self, item: ast.TypeofItem, scope: Scope, node: Node, columns: list[str]) -> None:
        """One branch per possible target; the row's real parent type picks the branch (SOQL TYPEOF)."""
        reference = scope.sobject.relationship(item.relationship)
        if reference is None:
            raise self.located.bad_relationship(item.pos, item.relationship)
        join = scope.join_for(reference)
        if not join.polymorphic:
            raise self.located.malformed(item.pos, "TYPEOF can only be used on a polymorphic relationship")
        whens = {}
        for type_name, pos, paths in item.whens:
            target = next((t for _, t in join.targets if t.name.lower() == type_name.lower()), None)
            if target is None:
                raise self.located.unsupported_type(pos, type_name)
            whens[target.name] = paths
        branches = []
        for alias, target in join.targets:
            entries = []
            for path in whens.get(target.name, item.otherwise):
                if len(path.names) != 1:
                    raise self.located.bad_relationship(path.pos, path.names[0])
                f = target.field(path.names[0])
                if f is None or not f.stored:
                    raise self.located.no_such_column(path.pos, path.names[0], target.name)
                entries.append((f.name, f, self._column(columns, f"{alias}.{quote(f.name)}")))
            branches.append((target.name, self._column(columns, f"{alias}.{quote('Id')}"), entries))
        node.entries.append(("typeof", reference.relationship_name, branches))

    # -- child subqueries ----------------------------------------------------------------------------
    def _child(self, item: ast.SubqueryItem, parent: Scope, node: Node) -> None:
        query = item.query
        relationship = parent.sobject.child_relationship(query.sobject)
        if relationship is None:
            raise self.located.invalid_type(
                query.sobject_pos,
                f"Didn't understand relationship '{query.sobject}' in FROM part of query call. If you are attempting "
                "to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please "
                "reference your WSDL or the describe call for the appropriate names.",
            )
        if (
            any(isinstance(i, ast.FunctionItem) and i.function.name != "FIELDS" for i in query.items)
            or query.group_by
        ):
            raise self.located.malformed(
                item.pos, "Aggregate functions are not allowed in a relationship subquery"
            )
        child_sobject = self.schema.get(relationship.child_sobject)
        scope = parent.child(child_sobject, query.alias)
        columns: list[str] = []
        foreign_key = f"{scope.alias}.{quote(relationship.field)}"
        self._column(columns, foreign_key)
        child_node = Node(child_sobject.name, self._column(columns, f"{scope.alias}.{quote('Id')}"))
        self._select(query, scope, child_node, columns, allow_children=False)
        params: list = []
        where = self.where(query.where, scope, params)
        order = self.order_sql(query, scope) + [f"{scope.alias}.rowid"]
        head = (
            f"SELECT {', '.join(columns)} FROM {quote(child_sobject.name)} AS {scope.alias} {scope.join_sql()} "
            f"WHERE {where} AND {foreign_key} IN ("
        )
        self.plan.children.append(
            ChildPlan(
                relationship.relationship_name,
                head,
                f") ORDER BY {', '.join(order)}",
                params,
                child_node,
                query.limit,
                query.offset or 0,
            )
        )
        node.entries.append(("children", relationship.relationship_name, len(self.plan.children) - 1))
