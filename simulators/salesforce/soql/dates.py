"""SOQL date literals (TODAY, LAST_N_DAYS:n, THIS_FISCAL_QUARTER, ...) as local-midnight ranges (SC 5)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alcsim.simulators.salesforce.values import format_datetime

UNITS = {
    "DAY": "day",
    "DAYS": "day",
    "WEEK": "week",
    "WEEKS": "week",
    "MONTH": "month",
    "MONTHS": "month",
    "QUARTER": "quarter",
    "QUARTERS": "quarter",
    "YEAR": "year",
    "YEARS": "year",
}
# Locales whose week starts on Sunday; the others start on Monday ("locale first day", SC 5).
SUNDAY_LOCALES = {"en_US", "en_CA", "ja_JP", "ko_KR", "pt_BR", "zh_CN", "zh_TW", "he_IL"}
FIXED = {
    "YESTERDAY": ("day", -1, 1),
    "TODAY": ("day", 0, 1),
    "TOMORROW": ("day", 1, 1),
    # LAST_90_DAYS includes today, like LAST_N_DAYS:90; NEXT_90_DAYS starts tomorrow (SC 5).
    "LAST_90_DAYS": ("day", -90, 91),
    "NEXT_90_DAYS": ("day", 1, 90),
}
RELATIVE = re.compile(r"^(THIS|LAST|NEXT)_(FISCAL_)?(WEEK|MONTH|QUARTER|YEAR)$")
COUNTED = re.compile(r"^(LAST|NEXT)_N_(FISCAL_)?(DAYS|WEEKS|MONTHS|QUARTERS|YEARS)$")
AGO = re.compile(r"^N_(FISCAL_)?(DAYS|WEEKS|MONTHS|QUARTERS|YEARS)_AGO$")
# The valid range of a Salesforce date: 1700-01-01 to 4000-12-31 (SOQL reference, "Date Formats").
EARLIEST, LATEST = date(1700, 1, 1), date(4000, 12, 31)


@dataclass(frozen=True)
class DateRange:
    """[start, end) in the running user's local dates."""

    start: date
    end: date
    zone: ZoneInfo

    def bounds(self, field_type: str) -> tuple[str, str]:
        """Stored-form bounds: ISO dates for date fields, local midnights in UTC text for datetimes."""
        if field_type == "date":
            return self.start.isoformat(), self.end.isoformat()
        return self._instant(self.start), self._instant(self.end)

    def _instant(self, day: date) -> str:
        return format_datetime(datetime.combine(day, time(0), tzinfo=self.zone))


def takes_argument(name: str) -> bool | None:
    """True for LAST_N_DAYS-style literals, False for TODAY-style ones, None for an unknown name."""
    if name in FIXED or RELATIVE.match(name):
        return False
    if COUNTED.match(name) or AGO.match(name):
        return True
    return None


def zone_of(key: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(key or "GMT")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _unit_start(day: date, unit: str, locale: str) -> date:
    if unit == "week":
        first = 6 if locale in SUNDAY_LOCALES else 0  # weekday(): Monday 0 ... Sunday 6
        return day - timedelta(days=(day.weekday() - first) % 7)
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        # The fiscal year of a new org starts in January, so fiscal periods equal calendar ones.
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return day


def _shift(day: date, unit: str, count: int) -> date:
    """`day` moved by `count` units, held to the dates an org can store: a range that reaches past them
    matches what a range ending there matches (docs/assumptions.md, "Numbers too large for SOQL")."""
    if unit in ("day", "week"):
        days = count * (7 if unit == "week" else 1)
        target = day.toordinal() + days
    else:
        months = count * {"month": 1, "quarter": 3, "year": 12}[unit]
        index = day.year * 12 + day.month - 1 + months
        if EARLIEST.year <= index // 12 <= LATEST.year:
            return day.replace(year=index // 12, month=index % 12 + 1)
        target = EARLIEST.toordinal() - 1 if months < 0 else LATEST.toordinal() + 1
    return date.fromordinal(max(EARLIEST.toordinal(), min(LATEST.toordinal(), target)))


def date_range(name: str, argument: int | None, now: datetime, zone: ZoneInfo, locale: str) -> DateRange:
    """The range of a known literal; `name` must pass `takes_argument`."""
    today = now.astimezone(zone).date()
    if name in FIXED:
        unit, offset, count = FIXED[name]
    elif match := RELATIVE.match(name):
        unit, offset, count = match.group(3).lower(), {"THIS": 0, "LAST": -1, "NEXT": 1}[match.group(1)], 1
    elif match := COUNTED.match(name):
        unit = UNITS[match.group(3)]
        n = argument or 0
        if unit == "day":
            # LAST_N_DAYS:n includes today, so it spans n + 1 days; NEXT_N_DAYS:n starts tomorrow (SC 5).
            offset, count = (-n, n + 1) if match.group(1) == "LAST" else (1, n)
        else:
            offset, count = (-n, n) if match.group(1) == "LAST" else (1, n)
    else:
        match = AGO.match(name)
        unit, offset, count = UNITS[match.group(2)], -(argument or 0), 1
    start = _shift(_unit_start(today, unit, locale), unit, offset)
    return DateRange(start, _shift(start, unit, count), zone)
