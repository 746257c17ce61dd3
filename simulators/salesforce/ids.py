"""Salesforce record ids: 15-character base-62 ids and their 18-character checksummed form (SC 3.5)."""

from __future__ import annotations

import re

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
ID_PATTERN = re.compile(r"^[0-9A-Za-z]{15}(?:[0-9A-Z]{3})?$")
QUERY_LOCATOR_PREFIX = "01g"


# Each id character as a bit: 1 for an upper-case letter (an id holds only base-62 characters).
_UPPER_BITS = str.maketrans({c: "1" if "A" <= c <= "Z" else "0" for c in BASE62})


def checksum(id15: str) -> str:
    """Bit k of each 5-character chunk is set when its k-th character is upper case."""
    bits = id15.translate(_UPPER_BITS)
    return (
        SUFFIX_ALPHABET[int(bits[4::-1], 2)]
        + SUFFIX_ALPHABET[int(bits[9:4:-1], 2)]
        + SUFFIX_ALPHABET[int(bits[14:9:-1], 2)]
    )


def to18(value: str) -> str | None:
    """The 18-character form of a 15- or 18-character id, or None when `value` is not an id."""
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        return None
    if len(value) == 18:
        # The suffix is case-insensitive, the body is not: normalise the suffix.
        return value if value[15:].upper() == checksum(value[:15]) else None
    return value + checksum(value)


def base62(number: int, width: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = BASE62[rest] + digits
    return digits.rjust(width, "0")


def make_id(key_prefix: str, pod: str, number: int) -> str:
    """Prefix (3) + pod (2) + reserved (1) + record number (9), then the checksum."""
    id15 = f"{key_prefix}{pod}0{base62(number, 9)}"
    return id15 + checksum(id15)


def pod_for_seed(seed: int | str | None) -> str:
    """A stable two-character pod, so the same seed gives the same ids."""
    number = sum(ord(c) * (i + 1) for i, c in enumerate(str(seed if seed is not None else "alcsim")))
    return BASE62[10 + number % 26] + BASE62[number // 26 % 10]
