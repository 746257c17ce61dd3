"""YAML read with line marks: mappings and lists that know the line of each key and item."""

# A config problem names the line to fix, so the loader keeps the start mark of every key and item
# (yaml.SafeLoader otherwise drops them). Duplicate keys are an error here: PyYAML keeps the last one silently.

from __future__ import annotations

from pathlib import Path

import yaml


class MarkedDict(dict):
    """A mapping read from YAML: `line` is where it starts, `key_lines` where each key is."""

    line: int | None = None
    key_lines: dict

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines = {}


class MarkedList(list):
    """A list read from YAML: `line` is where it starts, `item_lines` where each item is."""

    line: int | None = None
    item_lines: list[int]

    def __init__(self, *args):
        super().__init__(*args)
        self.item_lines = []


class _MarkedLoader(yaml.SafeLoader):
    pass


def _mapping(loader: _MarkedLoader, node: yaml.MappingNode):
    data = MarkedDict()
    data.line = node.start_mark.line + 1
    yield data
    seen = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node)
        if not isinstance(key, str | int | float | bool):
            continue  # an unhashable key: construct_mapping reports it with its line
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"found duplicate key {key!r}",
                key_node.start_mark,
            )
        seen.add(key)
    data.update(loader.construct_mapping(node))  # flattens `<<` merges into node.value first
    for key_node, _ in node.value:
        data.key_lines.setdefault(loader.construct_object(key_node), key_node.start_mark.line + 1)


def _sequence(loader: _MarkedLoader, node: yaml.SequenceNode):
    data = MarkedList()
    data.line = node.start_mark.line + 1
    data.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_sequence(node))


_MarkedLoader.add_constructor("tag:yaml.org,2002:map", _mapping)
_MarkedLoader.add_constructor("tag:yaml.org,2002:seq", _sequence)


def parse_yaml(text: str):
    """The data of one YAML (or JSON) document, its mappings and lists marked with their lines."""
    return yaml.load(text, Loader=_MarkedLoader)  # a SafeLoader subclass: plain data only


def load_yaml(path: str | Path, error: type[ValueError]):
    """Read a file; an unreadable file or broken YAML raises `error` with the file and the line."""
    __tracebackhide__ = True
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise error([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError as exc:
        raise error([f"{path}: cannot read: not UTF-8 text ({exc.reason})"]) from None
    try:
        return parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        column = f" (column {mark.column + 1})" if mark else ""
        kind = "JSON" if str(path).endswith(".json") else "YAML"
        problem = getattr(exc, "problem", None) or str(exc)
        raise error([f"{where}: not valid {kind}: {problem}{column}"]) from None
