"""Salesforce ids and value formats (SC 3.4, 3.5)."""

from __future__ import annotations

import pytest

from alcsim.simulators.salesforce.ids import checksum, make_id, to18
from alcsim.simulators.salesforce.values import format_datetime, parse_datetime


@pytest.mark.parametrize(
    ("id15", "suffix"), [("001M000000qfPyS", "IAU"), ("a0RE000000IJmcN", "MAT"), ("aBcDEfgHIJKLMNO", "025")]
)
def test_published_checksum_vectors(id15, suffix):
    assert checksum(id15) == suffix
    assert to18(id15) == id15 + suffix
    assert to18(id15 + suffix.lower()) == id15 + suffix.lower() or to18(id15 + suffix.lower()) is None


@pytest.mark.parametrize("bad", ["", "abc", "001M000000qfPy!", "001M000000qfPySXXX", None, 1])
def test_not_ids(bad):
    assert to18(bad) is None


def test_made_ids_carry_prefix_and_checksum():
    made = make_id("003", "X1", 62)
    assert made[:3] == "003" and len(made) == 18 and to18(made[:15]) == made and made[6:15] == "000000010"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00.000+0000"),
        ("2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00.000+0000"),
        ("2024-05-01T10:00:00.123+0000", "2024-05-01T10:00:00.123+0000"),
        ("2024-05-01T10:00", "2024-05-01T10:00:00.000+0000"),
    ],
)
def test_datetimes_come_back_in_utc_with_milliseconds(text, expected):
    assert format_datetime(parse_datetime(text)) == expected


@pytest.mark.parametrize("bad", ["2024-05-01", "yesterday", "2024-13-01T00:00:00Z", "2024-01-01T00:00:00:"])
def test_bad_datetimes(bad):
    with pytest.raises(ValueError):
        parse_datetime(bad)
