"""The parsed form of a SOQL query: plain dataclasses carrying each token's row and column."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Pos:
    line: int
    column: int


@dataclass
class Path:
    names: list[str]
    positions: list[Pos]

    @property
    def pos(self) -> Pos:
        return self.positions[0]

    @property
    def text(self) -> str:
        return ".".join(self.names)


@dataclass
class Function:
    """COUNT(), COUNT(Id), SUM(Amount), FIELDS(ALL): a name applied to at most one path."""

    name: str
    path: Path | None
    pos: Pos


@dataclass
class FieldItem:
    path: Path
    alias: str | None = None
    alias_pos: Pos | None = None


@dataclass
class FunctionItem:
    function: Function
    alias: str | None = None
    alias_pos: Pos | None = None


@dataclass
class SubqueryItem:
    query: Query
    pos: Pos


@dataclass
class TypeofItem:
    """TYPEOF What WHEN Account THEN Phone ELSE Name END: fields chosen by the parent's real type."""

    relationship: str
    pos: Pos
    whens: list[tuple[str, Pos, list[Path]]]
    otherwise: list[Path]


@dataclass
class Literal:
    """A value in a filter. `like` is the SQL LIKE pattern of a string (escaped wildcards kept literal)."""

    kind: str  # string, number, datetime, date, boolean, null, date_literal
    value: object
    pos: Pos
    text: str
    like: str | None = None
    argument: int | None = None
    index: int | None = None  # ordinal among the text's string literals


@dataclass
class Compare:
    operand: Path | Function
    operator: str
    value: Literal


@dataclass
class Like:
    operand: Path | Function
    value: Literal


@dataclass
class InList:
    operand: Path | Function
    values: list[Literal]
    negated: bool


@dataclass
class SemiJoin:
    operand: Path | Function
    query: Query
    negated: bool


@dataclass
class Includes:
    operand: Path | Function
    values: list[Literal]
    excludes: bool


@dataclass
class Not:
    condition: object


@dataclass
class Chain:
    operator: str  # AND or OR
    conditions: list


@dataclass
class OrderKey:
    operand: Path | Function
    descending: bool = False
    nulls_first: bool | None = None


@dataclass
class Query:
    items: list
    sobject: str
    sobject_pos: Pos
    alias: str | None = None
    where: object = None
    group_by: list[Path] = field(default_factory=list)
    having: object = None
    order_by: list[OrderKey] = field(default_factory=list)
    limit: int | None = None
    limit_pos: Pos | None = None
    offset: int | None = None
    offset_pos: Pos | None = None


@dataclass
class Returning:
    """One object of a SOSL RETURNING clause, with its own field list, filter, order and limit."""

    sobject: str
    pos: Pos
    query: Query | None


@dataclass
class Search:
    term: str
    term_pos: Pos
    scope: str
    returning: list[Returning]
    limit: int | None = None
