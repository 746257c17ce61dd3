"""String literals of a SOQL text: decoding with SOQL's escapes, and the text's template for the plan cache.

Two texts that differ only inside their string literals parse to the same tree, so a checked plan is
kept per template (`'...'` replaced by `''`) and each run binds the literals of its own text (SC 5, lexing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alcsim.simulators.salesforce.soql.ast import Pos
from alcsim.simulators.salesforce.soql.messages import Located

STRING = re.compile(r"'(?:[^'\\]|\\.)*'", re.S)
# Escapes a SOQL string may hold (SC 5, lexing); LIKE keeps \% and \_ as literal wildcards.
ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


class BadEscape(ValueError):
    pass


def decode(body: str) -> tuple[str, str]:
    """A string's value, and its LIKE pattern with `\\` as the escape character."""
    if "\\" not in body:
        return body, body
    plain, like, index = [], [], 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            plain.append(char)
            like.append(char)
            index += 1
            continue
        escaped = body[index + 1 : index + 2]
        if escaped in ESCAPES:
            plain.append(ESCAPES[escaped])
            like.append("\\\\" if escaped == "\\" else ESCAPES[escaped])
        elif escaped in ("%", "_"):
            plain.append(escaped)
            like.append("\\" + escaped)
        else:
            raise BadEscape(escaped)
        index += 2
    return "".join(plain), "".join(like)


def bad_escape_message(body: str, escaped: str) -> str:
    return f"Invalid string literal '{body}'. Illegal character sequence '\\{escaped}' in string literal."


def template(text: str) -> str:
    return STRING.sub("''", text)


@dataclass(frozen=True)
class StringLiteral:
    plain: str
    like: str
    pos: Pos


def _pos_of(text: str, offset: int) -> Pos:
    line = text.count("\n", 0, offset) + 1
    return Pos(line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def string_literals(text: str) -> list[StringLiteral]:
    """Every string literal of `text` in order, decoded; a bad escape is MALFORMED_QUERY at its string."""
    found = []
    for match in STRING.finditer(text):
        body = match.group()[1:-1]
        try:
            plain, like = decode(body)
        except BadEscape as exc:
            raise Located(text).malformed(
                _pos_of(text, match.start()), bad_escape_message(body, str(exc))
            ) from None
        found.append(StringLiteral(plain, like, _pos_of(text, match.start())))
    return found


def string_offsets(text: str) -> dict[int, int]:
    """Start offset of each string literal -> its ordinal, to number the parser's literals."""
    return {match.start(): i for i, match in enumerate(STRING.finditer(text))}
