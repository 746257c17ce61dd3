"""Field values as the org's pages show them to one user: in their locale (LocaleSidKey) and time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alcsim.simulators.salesforce.values import parse_datetime

NARROW_SPACE = "\u202f"  # CLDR's thousands separator and unit gap in French


@dataclass(frozen=True)
class Locale:
    """One LocaleSidKey's short formats. Salesforce formats with ICU (CLDR 41; help.salesforce.com
    "Supported Date and Time Formats (ICU)"), short variant on record pages and list views, years in
    four digits."""

    date: str  # strftime with %-d / %-m for unpadded day and month
    time: str  # strftime; %p is replaced by the locale's day periods
    joiner: str  # how date and time sit together in a datetime
    decimal: str
    group: str
    currency_after: bool  # "1 234,56 €" rather than "€1,234.56"
    periods: tuple[str, str] = ("AM", "PM")
    percent: str = "{}%"


# The LocaleSidKey picklist of the fake (metadata/standard.yaml, User).
LOCALES = {
    "en_US": Locale("%-m/%-d/%Y", "%-I:%M %p", "{d}, {t}", ".", ",", False),
    "en_GB": Locale("%d/%m/%Y", "%H:%M", "{d}, {t}", ".", ",", False),
    "fr_FR": Locale(
        "%d/%m/%Y", "%H:%M", "{d} {t}", ",", NARROW_SPACE, True, percent="{}" + NARROW_SPACE + "%"
    ),
    "de_DE": Locale("%d.%m.%Y", "%H:%M", "{d}, {t}", ",", ".", True, percent="{}\u00a0%"),
    "es_ES": Locale("%-d/%-m/%Y", "%-H:%M", "{d}, {t}", ",", ".", True, percent="{}\u00a0%"),
    "it_IT": Locale("%d/%m/%Y", "%H:%M", "{d}, {t}", ",", ".", True),
    "ko_KR": Locale("%Y. %-m. %-d.", "%p %-I:%M", "{d} {t}", ".", ",", False, periods=("오전", "오후")),
    "ja_JP": Locale("%Y/%m/%d", "%-H:%M", "{d} {t}", ".", ",", False),
    "pt_BR": Locale("%d/%m/%Y", "%H:%M", "{d} {t}", ",", ".", False),
    "nl_NL": Locale("%d-%m-%Y", "%H:%M", "{d} {t}", ",", ".", False),
}
DEFAULT_LOCALE = "en_US"
# A single-currency org shows amounts in the currency of its Currency Locale (Company Information); the
# fake takes Organization.DefaultLocaleSidKey for it (docs/assumptions.md, "Org pages").
CURRENCIES = {
    "en_US": ("$", 2),
    "en_GB": ("£", 2),
    "fr_FR": ("€", 2),
    "de_DE": ("€", 2),
    "es_ES": ("€", 2),
    "it_IT": ("€", 2),
    "nl_NL": ("€", 2),
    "pt_BR": ("R$", 2),
    "ja_JP": ("￥", 0),
    "ko_KR": ("₩", 0),
}


def zone_of(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "GMT")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("GMT")


class Formatter:
    """Dates, times, numbers and amounts of one user; `currency_locale` is the org's Currency Locale."""

    def __init__(self, locale: str | None, time_zone: str | None, currency_locale: str | None = None):
        self.locale = LOCALES.get(locale or "", LOCALES[DEFAULT_LOCALE])
        self.zone = zone_of(time_zone)
        self.currency = CURRENCIES.get(currency_locale or "", CURRENCIES[DEFAULT_LOCALE])

    def _strftime(self, moment: datetime | date, pattern: str) -> str:
        if "%p" in pattern:
            pattern = pattern.replace("%p", self.locale.periods[moment.hour >= 12])  # type: ignore[union-attr]
        return moment.strftime(pattern)

    def date(self, text: str) -> str:
        try:
            day = date.fromisoformat(str(text)[:10])
        except ValueError:
            return str(text)
        return self._strftime(day, self.locale.date)

    def local(self, text: str) -> datetime | None:
        try:
            return parse_datetime(text).astimezone(self.zone)
        except ValueError:
            return None

    def datetime(self, text: str) -> str:
        """A stored UTC datetime in the user's zone; Lightning shows no zone name beside it."""
        moment = self.local(text)
        if moment is None:
            return str(text)
        day, time = self._strftime(moment, self.locale.date), self._strftime(moment, self.locale.time)
        return self.locale.joiner.format(d=day, t=time)

    def number(self, value, scale: int = 0) -> str:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-scale), ROUND_HALF_UP)  # as Apex rounds
        text = f"{abs(number):,.{scale}f}"
        whole, _, fraction = text.partition(".")
        out = whole.replace(",", self.locale.group) + (self.locale.decimal + fraction if fraction else "")
        return ("-" if number < 0 else "") + out

    def amount(self, value, scale: int = 2) -> str:
        symbol, decimals = self.currency
        text = self.number(value, min(scale, decimals))
        sign, shown = ("-", text[1:]) if text.startswith("-") else ("", text)
        return f"{sign}{shown}\u00a0{symbol}" if self.locale.currency_after else f"{sign}{symbol}{shown}"

    def percent(self, value, scale: int = 2) -> str:
        return self.locale.percent.format(self.number(value, scale))
