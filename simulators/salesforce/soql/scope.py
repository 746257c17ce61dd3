"""Name resolution: SOQL paths to canonical fields and the LEFT JOINs of their parents (SC 5, relationships)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from alcsim.simulators.salesforce.schema import Field, Schema, SObject
from alcsim.simulators.salesforce.soql.ast import Path
from alcsim.simulators.salesforce.soql.messages import Located
from alcsim.simulators.salesforce.store import quote

MAX_PARENT_LEVELS = 5  # child-to-parent relationships in one path (SC 5, SELECT list)
# A polymorphic relationship (Owner, Who, What) points at the "Name" entity: its type is `Name`
# in results (SC 3.2) and `Type` is the real object of the row.
NAME_ENTITY = "Name"
TYPE_FIELD = Field(name="Type", type="string", createable=False, updateable=False)
# Who (Contact or Lead) and What (any object with activities) are polymorphic on every real org, even when
# the fake's metadata lists one target for them (SC 6, activities).
ALWAYS_POLYMORPHIC = {"WhoId", "WhatId"}


@dataclass
class Join:
    """One relationship step: the reference field on the level below and the table(s) it points at."""

    key: tuple[str, ...]
    names: list[str]
    field: Field
    below: str  # SQL alias of the level holding the reference field
    targets: list[tuple[str, SObject]]

    @property
    def polymorphic(self) -> bool:
        return self.field.polymorphic or self.field.name in ALWAYS_POLYMORPHIC

    @property
    def sobject(self) -> SObject | None:
        return None if self.polymorphic else self.targets[0][1]

    def id_sql(self) -> str:
        ids = [f"{alias}.{quote('Id')}" for alias, _ in self.targets]
        return ids[0] if len(ids) == 1 else f"COALESCE({', '.join(ids)})"

    def sql(self) -> str:
        on = f"{quote(self.field.name)}"
        return " ".join(
            f"LEFT JOIN {quote(target.name)} AS {alias} ON {alias}.{quote('Id')} = {self.below}.{on}"
            for alias, target in self.targets
        )


@dataclass
class Column:
    """A resolved field path: the field, the join it sits behind (None at the root) and its SQL."""

    field: Field
    join: Join | None
    names: list[str]
    sql: str

    @property
    def text_nocase(self) -> bool:
        return self.field.type not in ("id", "reference") and not self.field.case_sensitive


@dataclass
class Scope:
    """One FROM clause: its object, SQL alias and the joins its paths need."""

    schema: Schema
    sobject: SObject
    alias: str
    located: Located
    aliases: count
    query_alias: str | None = None
    joins: dict[tuple[str, ...], Join] = field(default_factory=dict)

    def child(self, sobject: SObject, query_alias: str | None = None) -> Scope:
        return Scope(self.schema, sobject, f"t{next(self.aliases)}", self.located, self.aliases, query_alias)

    def _strip_prefix(self, path: Path) -> tuple[list[str], list]:
        names, positions = list(path.names), list(path.positions)
        if len(names) > 1 and self.sobject.relationship(names[0]) is None:
            # `SELECT Contact.Name FROM Contact` and `SELECT c.Name FROM Contact c` name the root itself.
            first = names[0].lower()
            if first == self.sobject.name.lower() or (self.query_alias and first == self.query_alias.lower()):
                return names[1:], positions[1:]
        return names, positions

    def resolve(self, path: Path) -> Column:
        names, positions = self._strip_prefix(path)
        join: Join | None = None
        current: SObject | None = self.sobject
        canonical: list[str] = []
        for depth, (name, pos) in enumerate(zip(names[:-1], positions[:-1], strict=True)):
            if join is not None and join.polymorphic:
                raise self.located.bad_relationship(pos, name)  # only TYPEOF goes past a polymorphic parent
            reference = current.relationship(name)
            if reference is None:
                raise self.located.bad_relationship(pos, name)
            if depth >= MAX_PARENT_LEVELS:
                raise self.located.malformed(
                    pos, "A driving SObject type can only be related to 5 levels of parent relationships"
                )
            canonical.append(reference.relationship_name)
            join = self._join(tuple(n.lower() for n in canonical), list(canonical), reference, join)
            current = join.sobject
        last, pos = names[-1], positions[-1]
        if join is not None and join.polymorphic:
            return self._polymorphic_column(join, last, pos, canonical)
        found = current.field(last)
        if found is None:
            raise self.located.no_such_column(pos, last, current.name)
        below = join.targets[0][0] if join else self.alias
        return Column(found, join, canonical + [found.name], f"{below}.{quote(found.name)}")

    def join_for(self, reference: Field) -> Join:
        """The root-level join of one reference field (TYPEOF reads its targets directly)."""
        return self._join(
            (reference.relationship_name.lower(),), [reference.relationship_name], reference, None
        )

    def _join(self, key: tuple[str, ...], names: list[str], reference: Field, below: Join | None) -> Join:
        if key not in self.joins:
            below_alias = below.targets[0][0] if below else self.alias
            targets = [(f"t{next(self.aliases)}", self.schema.get(name)) for name in reference.reference_to]
            targets = [(alias, target) for alias, target in targets if target is not None]
            self.joins[key] = Join(key, names, reference, below_alias, targets)
        return self.joins[key]

    def _polymorphic_column(self, join: Join, name: str, pos, canonical: list[str]) -> Column:
        if name.lower() == "type":
            cases = " ".join(
                f"WHEN {alias}.{quote('Id')} IS NOT NULL THEN '{target.name}'"
                for alias, target in join.targets
            )
            return Column(TYPE_FIELD, join, canonical + ["Type"], f"(CASE {cases} END)")
        having = [
            (alias, target.field(name)) for alias, target in join.targets if target.field(name) is not None
        ]
        if not having or not having[0][1].stored:
            raise self.located.no_such_column(pos, name, NAME_ENTITY)
        found = having[0][1]
        parts = [f"{alias}.{quote(f.name)}" for alias, f in having]
        sql = parts[0] if len(parts) == 1 else f"COALESCE({', '.join(parts)})"
        return Column(found, join, canonical + [found.name], sql)

    def join_sql(self) -> str:
        return " ".join(join.sql() for join in self.joins.values())
