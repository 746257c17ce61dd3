"""Config schemas: records of typed keys with defaults and meanings, read from YAML with their lines."""

# One reader for every config kind (org configs, environment configs, topology files, fixture arguments), so a
# mistake reads the same everywhere: `file:line: path: what is wrong; what to write instead` (issue 10, part 3).
# The valid keys of a record come from its dataclass fields, so they are written once; a schema only adds what a
# type hint cannot say (the meaning, allowed values, ranges, nested records).

from __future__ import annotations

import dataclasses
import difflib
import sys
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from alcsim.simulators.common.config_kinds import (
    INVALID,
    MISSING,
    At,
    Flag,
    Integer,
    Kind,
    ListOf,
    MapOf,
    Number,
    Seed,
    Step,
    Text,
    describe,
    dotted,
    http_url,
    shown,
)
from alcsim.simulators.common.config_yaml import MarkedDict, MarkedList, load_yaml

__all__ = [
    "MISSING",
    "At",
    "ConfigError",
    "Flag",
    "Integer",
    "Key",
    "ListOf",
    "MapOf",
    "Number",
    "Reading",
    "Record",
    "Seed",
    "Text",
    "dotted",
    "exit_refused",
    "http_url",
    "load_yaml",
    "markdown",
    "read",
    "read_file",
    "shown",
]


class ConfigError(ValueError):
    """Every problem of one config; `problems` lists `source[:line]: path: message` lines."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


class Reading:
    """One config being read: where it comes from (a file, or a fixture's argument), its data and its problems."""

    def __init__(self, source: str, data=None):
        self.source = source
        self.data = data
        self.problems: list[str] = []

    def line(self, path: tuple[Step, ...]) -> int | None:
        """The line of the deepest part of `path` the file has (a missing key: the mapping that lacks it)."""
        node, line = self.data, getattr(self.data, "line", None)
        for step in path:
            if isinstance(node, MarkedDict) and step in node:
                line, node = node.key_lines.get(step, line), node[step]
            elif isinstance(node, MarkedList) and isinstance(step, int) and 0 <= step < len(node):
                line, node = node.item_lines[step], node[step]
            else:
                break
        return line

    def problem(self, path: tuple[Step, ...], message: str) -> None:
        line = self.line(path)
        where = f"{self.source}:{line}" if line else self.source
        text = f"{where}: {dotted(path)}: {message}"
        if text not in self.problems:
            self.problems.append(text)

    def finish(self, error: type[ConfigError] = ConfigError) -> None:
        __tracebackhide__ = True
        if self.problems:
            raise error(self.problems)


@dataclass(frozen=True)
class Key:
    """One key of a record: what it means, and what a type hint cannot say (kind, default shown, required)."""

    meaning: str
    kind: Kind | None = None
    default: Any = MISSING
    required: bool | None = None  # None: required when the dataclass field has no default
    nullable: bool = False
    shown: str | None = None  # the default as the reference document shows it, where the value is long


def _kind_for(hint) -> tuple[Kind, bool]:
    """The kind a type hint asks for, and whether null is allowed."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        rest = tuple(a for a in args if a is not type(None))
        nullable = _allows_none(hint)
        if set(rest) == {int, str}:
            return Seed(), nullable
        if len(rest) == 1:
            return _kind_for(rest[0])[0], nullable
    simple = {bool: Flag, int: Integer, float: Number, str: Text}
    if hint in simple:
        return simple[hint](), False
    if typing.get_origin(hint) is list and args and args[0] in simple:
        return ListOf(simple[args[0]]()), False
    raise TypeError(f"no kind for {hint!r}: give the Key a kind")


class Record(Kind):
    """A mapping with known keys, built into `cls` (a dataclass whose fields are the keys) or a dict."""

    def __init__(
        self,
        title: str,
        keys: dict[str, Key],
        cls: type | None = None,
        *,
        exclude: Iterable[str] = (),
        shorthand: str | None = None,
        checks: Iterable[Callable[[Any, At], None]] = (),
        build: Callable[[dict], Any] | None = None,
    ):
        self.title, self.cls, self.shorthand, self.checks = title, cls, shorthand, tuple(checks)
        # A dataclass is built from the keys read; a dict-shaped record keeps the keys given.
        self._build = build or ((lambda values: cls(**values)) if cls else dict)
        self.keys = _derived_keys(cls, keys, set(exclude)) if cls else dict(keys)
        for name, key in self.keys.items():
            if key.kind is None:
                raise TypeError(f"{title}.{name}: a key without a dataclass field needs a kind")
        # Dataclass fields without a default must be passed even when a file leaves them out.
        self.needed = {
            f.name
            for f in (dataclasses.fields(cls) if cls else ())
            if f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
            and f.name in self.keys
        }
        self.label = f"a mapping with the keys {', '.join(self.keys)}"

    doc_type = "mapping"

    def read(self, value, at):
        if self.shorthand and isinstance(value, str | int | float) and not isinstance(value, bool):
            value = {self.shorthand: value}
        if value is None and not any(key.required for key in self.keys.values()):
            value = {}
        if not isinstance(value, dict):
            at.problem(f"expected {self.label}, got {describe(value)}")
            return self.empty()  # its keys are not missing one by one: the whole value is wrong
        for name in value:
            if name not in self.keys:
                close = difflib.get_close_matches(str(name), list(self.keys), n=1)
                meant = f"did you mean {close[0]}? " if close else ""
                at.problem(f"unknown key; {meant}valid keys: {', '.join(self.keys)}", str(name))
        values = {name: self._value(name, key, value, at) for name, key in self.keys.items()}
        values = {name: v for name, v in values.items() if v is not INVALID}
        result = self._build(values)
        for check in self.checks:
            check(result, at)
        return result

    def _value(self, name: str, key: Key, data: dict, at: At):
        where = at.child(name, key.default)
        if name not in data:
            if key.required:
                where.problem(f"missing; every {self.title} needs {name} ({key.meaning})")
            if name not in self.needed:
                return INVALID
            return _copy(key.default) if key.default is not MISSING else key.kind.empty()
        value = data[name]
        if value is None and key.nullable:
            return None
        read = key.kind.read(value, where)
        if read is INVALID and name in self.needed:
            return key.kind.empty()
        return read

    def empty(self):
        return self._build({name: self.keys[name].kind.empty() for name in self.needed})

    def nested(self):
        return [("", self)]


def _copy(value):
    return list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value


def _derived_keys(cls: type, keys: dict[str, Key], exclude: set[str]) -> dict[str, Key]:
    """The dataclass's fields as keys, completed from their type hints and defaults."""
    fields = [f for f in dataclasses.fields(cls) if f.name not in exclude]
    names = [f.name for f in fields]
    if set(keys) != set(names):
        raise TypeError(
            f"schema of {cls.__name__}: no meaning for {sorted(set(names) - set(keys))}, "
            f"not a field: {sorted(set(keys) - set(names))}"
        )
    hints = typing.get_type_hints(cls)
    derived = {}
    for f in fields:
        key = keys[f.name]
        if key.default is not MISSING:
            default = key.default
        elif f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = MISSING
        hint = hints[f.name]
        kind, nullable = _kind_for(hint) if key.kind is None else (key.kind, _allows_none(hint))
        required = key.required if key.required is not None else default is MISSING
        derived[f.name] = dataclasses.replace(
            key, kind=kind, default=default, required=required, nullable=nullable or key.nullable
        )
    return derived


def _allows_none(hint) -> bool:
    args = typing.get_args(hint)
    return typing.get_origin(hint) in (types.UnionType, typing.Union) and type(None) in args


def read(schema: Kind, data, source: str, error: type[ConfigError] = ConfigError):
    """Read plain data (a fixture's argument, a loaded file) against `schema`; raise every problem at once."""
    __tracebackhide__ = True
    reading = Reading(source, data)
    result = schema.read(data, At(reading))
    reading.finish(error)
    return result


def read_file(schema: Kind, path: str | Path, error: type[ConfigError] = ConfigError):
    """Read a YAML (or JSON) file against `schema`; problems name the file and the line."""
    __tracebackhide__ = True
    return read(schema, load_yaml(path, error), str(path), error)


def markdown(record: Record, title: str, level: int = 2) -> str:
    """The keys of `record`, and of each record inside it, as Markdown tables: key, type, default, meaning."""
    sections: list[str] = []

    def section(inner: Record, path: str) -> None:
        heading = f"{'#' * level} {title}" if not path else f"{'#' * (level + 1)} `{path}`"
        rows = ["| key | type | default | meaning |", "|---|---|---|---|"]
        for name, key in inner.keys.items():
            kind = key.kind.doc_type + (" or null" if key.nullable else "")
            rows.append(f"| `{name}` | {_cell(kind)} | {_cell(_default_text(key))} | {_cell(key.meaning)} |")
        sections.append(f"{heading}\n\n" + "\n".join(rows))
        for name, key in inner.keys.items():
            for suffix, nested in key.kind.nested():
                section(nested, f"{path}.{name}{suffix}" if path else f"{name}{suffix}")

    section(record, "")
    return "\n\n".join(sections) + "\n"


def _default_text(key: Key) -> str:
    if key.required:
        return "required"
    if key.shown is not None:
        return key.shown
    if key.default is MISSING:
        return "—"
    if dataclasses.is_dataclass(key.default):
        return "the defaults below"
    if key.default in ("", [], {}):
        return "empty"
    return f"`{shown(key.default)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def exit_refused(error: ConfigError) -> NoReturn:
    """For a command: every problem on stderr, then exit status 2 (a usage error), no traceback."""
    print("\n".join(error.problems), file=sys.stderr)
    raise SystemExit(2)
