"""Customers of a market from Faker's locale: name, mobile number, e-mail address and social handle."""

# Everything is drawn from a Faker instance seeded from the caller's random.Random, so the same seed
# gives the same people. E-mail addresses use Faker's reserved example domains (RFC 2606), never a real
# provider's.

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faker import Faker

# The country calling code of each market, for the international form of its numbers (AR 2.3).
COUNTRY_CODES = {
    "en_US": "1",
    "en_GB": "44",
    "fr_FR": "33",
    "de_DE": "49",
    "es_ES": "34",
    "it_IT": "39",
    "pt_BR": "55",
    "ko_KR": "82",
    "ja_JP": "81",
}
# A mobile number of the market, as national significant digits; with the market's own writing of one,
# used when Faker's formats give no mobile in MOBILE_DRAWS draws (de_DE's formats are mostly landlines).
MOBILES = {
    "en_US": (r"[2-9]\d{9}", "(%##) %##-####"),
    "en_GB": (r"7\d{9}", "07### ######"),
    "fr_FR": (r"[67]\d{8}", "06 ## ## ## ##"),
    "de_DE": (r"1[5-7]\d{8,9}", "0151 ########"),
    "es_ES": (r"[67]\d{8}", "6## ### ###"),
    "it_IT": (r"3\d{8,9}", "3## #######"),
    "pt_BR": (r"[1-9]{2}9\d{8}", "(%#) 9####-####"),
    "ko_KR": (r"10\d{8}", "010-####-####"),
    "ja_JP": (r"[789]0\d{8}", "090-####-####"),
}
MOBILE_DRAWS = 300
# Italy keeps the leading 0 of a landline in the international form; the others drop their trunk 0.
KEEPS_TRUNK_ZERO = {"it_IT"}
# How names are written and how an agent addresses a customer, where it differs from "First Last" / first name.
FAMILY_NAME_FIRST = {"ko_KR": "", "ja_JP": " "}


@dataclass(frozen=True)
class CustomerProfile:
    locale: str
    first_name: str
    last_name: str
    name: str  # as the market writes it: "Camille Martin", "김민준", "渡辺 七夏"
    address: (
        str  # what an agent calls them: first name; full name in Korean (+님); family name in Japanese (+様)
    )
    phone: str  # a mobile number as the market writes it
    phone_digits: str  # the same number, international and without '+' (WhatsApp and KakaoTalk ids, AR 2.3)
    email: str
    handle: str  # a user name for Instagram or X


def supported(locale: str) -> bool:
    return locale in COUNTRY_CODES


def new_faker(locale: str) -> Faker:
    """A Faker of `locale`; building one costs tens of milliseconds, so callers keep theirs."""
    from faker import Faker  # here, so that reading a config (content.LANGUAGES) does not load Faker

    if not supported(locale):
        raise ValueError(f"no customers for locale {locale!r}; one of: {', '.join(COUNTRY_CODES)}")
    return Faker(locale)


def customer(locale: str, rng: random.Random, faker: Faker | None = None) -> CustomerProfile:
    """A customer of the `locale` market, drawn from `rng` (pass `faker`, from new_faker, to save its cost)."""
    fake = faker or new_faker(locale)
    fake.seed_instance(rng.getrandbits(64))
    if locale == "ja_JP":  # kanji with their romanized reading, so the e-mail address matches the name
        (first, _, latin_first), (last, _, latin_last) = fake.first_name_pair(), fake.last_name_pair()
        latin_first, latin_last = latin_first.lower(), latin_last.lower()
    else:
        first, last = fake.first_name(), fake.last_name()
        latin_first, latin_last = ascii_name(first), ascii_name(last)
    if locale in FAMILY_NAME_FIRST:
        name = f"{last}{FAMILY_NAME_FIRST[locale]}{first}"
        address = name if locale == "ko_KR" else last
    else:
        name, address = f"{first} {last}", first
    if latin_first and latin_last:
        user = f"{latin_first}.{latin_last}"
        handle = f"{latin_first}{latin_last[:1]}{fake.numerify('##')}"
    else:  # Hangul has no ASCII folding: Faker's romanized user names
        user = handle = fake.user_name()
    phone = mobile(locale, fake)
    return CustomerProfile(
        locale=locale,
        first_name=first,
        last_name=last,
        name=name,
        address=address,
        phone=phone,
        phone_digits=international(locale, phone),
        email=f"{user}@{fake.safe_domain_name()}",
        handle=handle,
    )


def ascii_name(text: str) -> str:
    """'Frédéric Müller-Lüdenscheidt' -> 'fredericmuller-ludenscheidt'; '' for scripts that do not fold."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z-]", "", folded.lower())


def mobile(locale: str, fake: Faker) -> str:
    """A mobile number from Faker's formats of the market (the first draw that is one), as it is written there."""
    pattern, fallback = MOBILES[locale]
    for _ in range(MOBILE_DRAWS):
        number = fake.phone_number()
        if "x" not in number and re.fullmatch(pattern, national(locale, number)):
            return number
    return fake.numerify(fallback)


def national(locale: str, number: str) -> str:
    """The national significant digits of a number written in any of Faker's forms for the market."""
    text = number.replace("(0)", "").strip()
    digits = re.sub(r"\D", "", text)
    code = COUNTRY_CODES[locale]
    if text.startswith("+") or text.startswith("00"):
        digits = digits.removeprefix("00").removeprefix(code)
        return digits
    if locale in KEEPS_TRUNK_ZERO:
        return digits
    return digits.removeprefix("0")


def international(locale: str, number: str) -> str:
    """The number as WhatsApp and KakaoTalk ids carry it: country code and digits, no '+' (AR 2.3)."""
    return COUNTRY_CODES[locale] + national(locale, number)
