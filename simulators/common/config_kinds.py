"""Config value kinds: flags, numbers, strings with allowed values, lists and maps, each reporting what to write."""

# Each kind reads one value and, when it does not fit, reports the problem at the value's path with the fix a
# user can copy ("write person_accounts: true"); the reader goes on, so one pass finds every mistake.

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from alcsim.simulators.common.config_schema import Reading

MISSING = type("Missing", (), {"__repr__": lambda self: "MISSING"})()  # no value given (not even null)
INVALID = type("Invalid", (), {"__repr__": lambda self: "INVALID"})()  # a value refused after its problem
Step = str | int


def dotted(path: Iterable[Step]) -> str:
    """("orgs", 0, "name") -> "orgs[0].name"; the empty path is "(top)"."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "(top)"


def shown(value) -> str:
    """A value as one would write it in a YAML file: true, 'yes', [a, b], {port: 1}."""
    text = yaml.safe_dump(
        _plain(value), default_flow_style=True, allow_unicode=True, width=10**6, sort_keys=False
    )
    return text.strip().removesuffix("...").strip()


def _plain(value):
    """The data without its line marks (the YAML dumper knows only plain dicts and lists)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def describe(value) -> str:
    """What a message says it got: 'yes', true, a list [a, b], nothing (null)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, list):
        return f"a list {shown(value)}"
    if isinstance(value, dict):
        text = shown(value)
        return f"a mapping {text if len(text) <= 60 else text[:57] + '...'}"
    return shown(value) if isinstance(value, bool) else repr(value)


@dataclass(frozen=True)
class At:
    """Where a value sits while it is read, and the default of its key (the fix a message can offer)."""

    reading: Reading
    path: tuple[Step, ...] = ()
    default: Any = MISSING

    def child(self, step: Step, default=MISSING) -> At:
        return At(self.reading, (*self.path, step), default)

    def problem(self, message: str, *steps: Step) -> None:
        self.reading.problem((*self.path, *steps), message)

    def fix(self, value=MISSING) -> str:
        """The end of a message: "; write key: value" ("- value" in a list), else the key's default, else ""."""
        value = self.default if value is MISSING or value is None else value
        if value is MISSING or value is None or value == "" or value == []:
            return ""
        last = self.path[-1] if self.path else None
        return f"; write {last}: {shown(value)}" if isinstance(last, str) else f"; write - {shown(value)}"


class Kind:
    """What a value must be; `read` returns the value to use, or INVALID after reporting why."""

    label = "a value"

    @property
    def doc_type(self) -> str:
        return "any"

    def read(self, value, at: At):
        return value

    def empty(self):
        return None

    def nested(self) -> list[tuple[str, Kind]]:
        """Records inside this kind, with the path suffix the reference document shows them under."""
        return []


def _number_text(value):
    """9000 for "9000", 2 for 2.0: the number someone meant, or None."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


class Flag(Kind):
    label = doc_type = "true or false"

    def read(self, value, at):
        if isinstance(value, bool):
            return value
        meant = str(value).strip().lower() not in {"no", "n", "false", "off", "0", "", "none"}
        at.problem(f"expected true or false, got {describe(value)}{at.fix(meant)}")
        return INVALID

    def empty(self):
        return False


class Integer(Kind):
    def __init__(self, minimum: int | None = None, maximum: int | None = None, label: str | None = None):
        self.minimum, self.maximum = minimum, maximum
        bounds = f" from {minimum}" if minimum is not None else ""
        bounds += f" to {maximum}" if maximum is not None else ""
        self.label = label or f"a whole number{bounds}"

    @property
    def doc_type(self) -> str:
        return self.label.removeprefix("a ").removeprefix("an ")

    def read(self, value, at):
        if not isinstance(value, int) or isinstance(value, bool):
            at.problem(f"expected {self.label}, got {describe(value)}{at.fix(_number_text(value))}")
            return INVALID
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            at.problem(f"{value} is out of range: expected {self.label}{at.fix()}")
            return INVALID
        return value

    def empty(self):
        return self.minimum or 0


class Number(Kind):
    def __init__(self, above: float | None = None):
        self.above = above
        self.label = "a number" + (f" above {above:g}" if above is not None else "")

    @property
    def doc_type(self) -> str:
        return self.label.removeprefix("a ")

    def read(self, value, at):
        if not isinstance(value, int | float) or isinstance(value, bool):
            at.problem(f"expected {self.label}, got {describe(value)}{at.fix(_number_text(value))}")
            return INVALID
        if self.above is not None and value <= self.above:
            at.problem(f"{value} is out of range: expected {self.label}{at.fix()}")
            return INVALID
        return float(value)

    def empty(self):
        return 0.0


class Text(Kind):
    """A string (a number is taken as its text); `choices` (or a function giving them) limits it."""

    def __init__(
        self,
        choices: Iterable[str] | Callable[[], Iterable[str]] | None = None,
        noun: str | None = None,
        label: str = "a string",
        check: Callable[[str], str | None] | None = None,
    ):
        self._choices = choices
        self.noun = noun
        self.label = label
        self.check = check

    @property
    def choices(self) -> tuple[str, ...] | None:
        if self._choices is None:
            return None
        return tuple(self._choices() if callable(self._choices) else self._choices)

    @property
    def doc_type(self) -> str:
        if self.choices is None:
            return self.label.removeprefix("a ")
        return "one of: " + ", ".join(f"`{c}`" for c in self.choices)

    def read(self, value, at):
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            first = value[0] if isinstance(value, list) and value and isinstance(value[0], str) else MISSING
            at.problem(f"expected {self.label}, got {describe(value)}{at.fix(first)}")
            return INVALID
        choices = self.choices
        if choices is not None and value not in choices:
            lowered = {c.lower(): c for c in choices}
            close = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.75)
            meant = f"did you mean {lowered[close[0]]}? " if close else ""
            noun = self.noun or "a valid value"
            at.problem(f"{shown(value)} is not {noun}; {meant}write one of: {', '.join(choices)}")
            return INVALID
        reason = self.check(value) if self.check else None
        if reason:
            at.problem(reason)
            return INVALID
        return value

    def empty(self):
        return ""


class Seed(Kind):
    label = "a number or a string"
    doc_type = "number or string"

    def read(self, value, at):
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        at.problem(f"expected {self.label}, got {describe(value)}{at.fix()}")
        return INVALID

    def empty(self):
        return 0


class ListOf(Kind):
    def __init__(self, item: Kind, at_least: int = 0, noun: str = "item"):
        self.item, self.at_least, self.noun = item, at_least, noun
        self.label = "a list"

    @property
    def doc_type(self) -> str:
        return "list of " + ("mappings" if self.item.doc_type == "mapping" else self.item.doc_type)

    def read(self, value, at):
        if value is None:
            value = []
        if not isinstance(value, list):
            wrapped = [value] if isinstance(value, str | int | float) else MISSING
            at.problem(f"expected a list, got {describe(value)}{at.fix(wrapped)}")
            return INVALID
        items = [self.item.read(item, at.child(index)) for index, item in enumerate(value)]
        if len(value) < self.at_least:
            at.problem(f"at least {'one' if self.at_least == 1 else self.at_least} {self.noun} is needed")
        return [item for item in items if item is not INVALID]

    def empty(self):
        return []

    def nested(self):
        return [(f"[]{suffix}", record) for suffix, record in self.item.nested()]


class MapOf(Kind):
    """A mapping of names (org names, channels, routes) to values of one kind."""

    def __init__(self, value: Kind, key: Kind | None = None, key_name: str = "name"):
        self.value, self.key, self.key_name = value, key or Text(), key_name
        self.label = f"a mapping of {key_name} to {value.label}"

    @property
    def doc_type(self) -> str:
        return f"mapping of {self.key_name} to {self.value.doc_type}"

    def read(self, value, at):
        if value is None:
            value = {}
        if not isinstance(value, dict):
            at.problem(f"expected {self.label}, got {describe(value)}")
            return INVALID
        out = {}
        for name, item in value.items():
            key = self.key.read(name, at.child(str(name)))
            item = self.value.read(item, at.child(str(name)))
            if key is not INVALID and item is not INVALID:
                out[key] = item
        return out

    def empty(self):
        return {}

    def nested(self):
        return [(f".<{self.key_name}>{suffix}", record) for suffix, record in self.value.nested()]


def http_url(value: str) -> str | None:
    """A Text check: the value is an http(s) URL."""
    if value.startswith(("http://", "https://")) and len(value) > len("https://"):
        return None
    return f"{shown(value)} is not an http(s) URL; write e.g. https://127.0.0.1:9443/path"
