"""What a checked query compiles to: SQL with its parameters and the shape of each result record."""

from __future__ import annotations

from dataclasses import dataclass, field

from alcsim.simulators.salesforce.schema import Field, SObject


@dataclass
class Node:
    """One record level of the result: the root, a parent (`Account`) or a child subquery's record.

    `entries` keep the order of the SELECT list: (kind, key, payload) where kind is `field`
    (payload: (Field, column index)), `address` (list of (api key, Field, index)), `node` (a Node) or
    `children` (index into Plan.children).
    """

    type_name: str
    id_index: int
    polymorphic: bool = False
    entries: list = field(default_factory=list)
    nodes: dict = field(default_factory=dict)  # lower-case relationship name -> Node


@dataclass
class AggregateEntry:
    key: str
    index: int
    field: Field


@dataclass
class ChildPlan:
    """A child subquery: run once per page for all its parents, split by the foreign key."""

    key: str
    sql_head: str  # ends with `IN (`; the page's parent ids follow, then sql_tail
    sql_tail: str
    params: list
    node: Node
    limit: int | None
    offset: int


@dataclass
class Plan:
    kind: str  # records, count, aggregate
    sobject: SObject
    sql: str
    params: list
    node: Node | None = None
    aggregates: list[AggregateEntry] = field(default_factory=list)
    children: list[ChildPlan] = field(default_factory=list)
    templatable: bool = True  # False when a string literal's content shapes the SQL (INCLUDES)
    strings: int = 0  # string literals in the text the plan was checked from
