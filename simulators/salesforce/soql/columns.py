"""The columns of a SOQL query, as `query?columns=true` answers them (what `sf data query` reads)."""

from __future__ import annotations

from alcsim.simulators.salesforce.schema import Field, Schema, SObject
from alcsim.simulators.salesforce.soql import ast
from alcsim.simulators.salesforce.soql.parser import parse_query
from alcsim.simulators.salesforce.soql.scope import NAME_ENTITY

# The Apex type of each field type, as Apex's Schema.DisplayType maps them (apexcode "Primitive Data Types").
APEX_TYPES = {
    "id": "Id",
    "reference": "Id",
    "boolean": "Boolean",
    "int": "Integer",
    "long": "Long",
    "double": "Double",
    "currency": "Double",
    "percent": "Double",
    "date": "Date",
    "datetime": "Datetime",
    "time": "Time",
    "base64": "Blob",
    "address": "Address",
    "location": "Location",
}
NUMBER_TYPES = {"int", "long", "double", "currency", "percent"}
TEXT_TYPES = {
    "string",
    "textarea",
    "picklist",
    "multipicklist",
    "combobox",
    "email",
    "phone",
    "url",
    "encryptedstring",
}
COUNTS = {"COUNT", "COUNT_DISTINCT"}


def _column(name: str, display: str, apex: str | None, **flags) -> dict:
    """One entry of `columnMetadata`, with every key a real answer has, in its order."""
    return {
        "aggregate": flags.get("aggregate", False),
        "apexType": apex,
        "booleanType": flags.get("boolean", False),
        "columnName": name,
        "custom": flags.get("custom", False),
        "displayName": display,
        "foreignKeyName": None,
        "insertable": flags.get("insertable", False),
        "joinColumns": flags.get("joins", []),
        "numberType": flags.get("number", False),
        "textType": flags.get("text", False),
        "updatable": flags.get("updatable", False),
    }


def _field_column(f: Field, display: str) -> dict:
    return _column(
        f.name,
        display,
        APEX_TYPES.get(f.type, "String"),
        boolean=f.type == "boolean",
        custom=f.custom,
        insertable=f.createable,
        number=f.type in NUMBER_TYPES,
        text=f.type in TEXT_TYPES,
        updatable=f.updateable,
    )


class Columns:
    """Walks the parsed query against the schema; the engine has checked the query before."""

    def __init__(self, schema: Schema):
        self.schema = schema

    def _parent(self, f: Field) -> SObject | None:
        # A polymorphic reference reads its parent's fields through the Name entity (SC 5, TYPEOF).
        target = f.reference_to[0] if len(f.reference_to) == 1 else NAME_ENTITY
        return self.schema.get(target)

    def _path(self, sobject: SObject, names: list[str], prefix: str) -> dict | None:
        """`Account.Owner.Name`: a relationship column whose joinColumns hold the rest of the path."""
        if len(names) == 1:
            f = sobject.field(names[0])
            return _field_column(f, prefix + f.name) if f is not None else None
        reference = sobject.relationship(names[0])
        parent = self._parent(reference) if reference is not None else None
        if parent is None:
            return None
        name = reference.relationship_name
        inner = self._path(parent, names[1:], f"{prefix}{name}.")
        apex = parent.name if not reference.polymorphic else NAME_ENTITY
        return _column(name, prefix + name, apex, joins=[inner] if inner else [])

    @staticmethod
    def _names(path: ast.Path, query: ast.Query) -> list[str]:
        """The path without a leading object name or alias (`c.Name FROM Contact c`)."""
        names = list(path.names)
        first = names[0].lower()
        if len(names) > 1 and first in {query.sobject.lower(), (query.alias or "").lower()}:
            names = names[1:]
        return names

    def _merge(self, columns: list[dict], column: dict) -> None:
        """Two paths through one relationship share its column (`Account.Name, Account.Industry`)."""
        same = next(
            (
                c
                for c in columns
                if c["joinColumns"] and not c["aggregate"] and c["columnName"] == column["columnName"]
            ),
            None,
        )
        if same is None or not column["joinColumns"]:
            columns.append(column)
            return
        for inner in column["joinColumns"]:
            self._merge(same["joinColumns"], inner)

    def _function(self, item: ast.FunctionItem, sobject: SObject, query: ast.Query, expr: list[int]) -> dict:
        function = item.function
        inner = self._names(function.path, query) if function.path else []
        display = f"{function.name}({'.'.join(inner)})"
        if item.alias:
            name = item.alias
        else:
            name = f"expr{expr[0]}"
            expr[0] += 1
        target = self._leaf(sobject, inner) if inner else None
        if function.name in COUNTS:
            return _column(name, display, "Integer", aggregate=True, number=True)
        if function.name in ("SUM", "AVG") or target is None:
            return _column(name, display, "Double", aggregate=True, number=True)
        column = _field_column(target, display)
        column.update({"aggregate": True, "columnName": name, "insertable": False, "updatable": False})
        return column

    def _leaf(self, sobject: SObject, names: list[str]) -> Field | None:
        for name in names[:-1]:
            reference = sobject.relationship(name)
            sobject = self._parent(reference) if reference is not None else None
            if sobject is None:
                return None
        return sobject.field(names[-1])

    def items(self, query: ast.Query, sobject: SObject) -> list[dict]:
        columns: list[dict] = []
        expr = [0]
        for item in query.items:
            if isinstance(item, ast.FieldItem):
                column = self._path(sobject, self._names(item.path, query), "")
                if column is not None:
                    self._merge(columns, column)
            elif isinstance(item, ast.FunctionItem) and item.function.name == "FIELDS":
                kind = item.function.path.text.upper() if item.function.path else "ALL"
                for f in sobject.fields.values():
                    if f.stored and (kind == "ALL" or (kind == "CUSTOM") == f.custom):
                        columns.append(_field_column(f, f.name))
            elif isinstance(item, ast.FunctionItem):
                columns.append(self._function(item, sobject, query, expr))
            elif isinstance(item, ast.SubqueryItem):
                columns.append(self._subquery(item.query, sobject))
            elif isinstance(item, ast.TypeofItem):
                columns.append(_column(item.relationship, item.relationship, NAME_ENTITY))
        return columns

    def _subquery(self, query: ast.Query, parent: SObject) -> dict:
        """A child relationship's subquery: an aggregate column whose joinColumns are its fields."""
        relationship = parent.child_relationship(query.sobject)
        child = self.schema.get(relationship.child_sobject) if relationship is not None else None
        name = relationship.relationship_name if relationship is not None else query.sobject
        joins = self.items(query, child) if child is not None else []
        return _column(name, name, child.name if child else None, aggregate=True, joins=joins)

    def metadata(self, text: str) -> dict:
        query = parse_query(text)
        sobject = self.schema.get(query.sobject)
        aggregate = bool(query.group_by) or any(
            isinstance(i, ast.FunctionItem) and i.function.name != "FIELDS" for i in query.items
        )
        counting = any(
            isinstance(i, ast.FunctionItem) and i.function.name == "COUNT" and i.function.path is None
            for i in query.items
        )
        return {
            "columnMetadata": [] if counting else self.items(query, sobject),
            "entityName": sobject.name,
            "groupBy": bool(query.group_by),
            "idSelect": not aggregate,
            "keyPrefix": sobject.key_prefix,
        }
