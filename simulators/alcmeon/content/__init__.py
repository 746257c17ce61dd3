"""Believable conversations: canned customer-service intents in each market's language, and its customers."""

# A conversation reads like a real exchange: the customer opens (turn "opening"), maybe asks again
# ("reminder"), an agent answers ("answer"), the customer follows up ("follow_up") and the agent closes
# ("close"), all in the brand's market language. Every choice is drawn from the caller's random.Random, so a seed gives the same text.
# Other engineers call message(), answer(), customer() and conversation(); the phrase tables are one
# module per language (en.py, fr.py, ...), written by hand.

from __future__ import annotations

import random
import re
import string
from types import ModuleType

from alcsim.simulators.alcmeon.content import de, en, es, fr, it, ja, ko, pt
from alcsim.simulators.alcmeon.content.people import CustomerProfile, new_faker
from alcsim.simulators.alcmeon.content.people import customer as _draw_customer

__all__ = [
    "AGENT_TURNS",
    "CUSTOMER_TURNS",
    "INTENTS",
    "INTENT_LABELS",
    "LANGUAGES",
    "MARKET_LOCALES",
    "MARKET_TIMEZONES",
    "PAIRED_INTENTS",
    "CustomerProfile",
    "answer",
    "conversation",
    "customer",
    "language_of",
    "locale_of",
    "message",
    "new_faker",
    "order_number",
    "products",
    "timezone_of",
    "topic",
    "templates",
]

INTENTS = ("order_status", "late_delivery", "refund", "product_question", "complaint", "thanks")
# What a picker shows for each intent (a dashboard or a CLI option).
INTENT_LABELS = {
    "order_status": "Order status",
    "late_delivery": "Late delivery",
    "refund": "Refund",
    "product_question": "Product question",
    "complaint": "Complaint",
    "thanks": "Thanks",
}
# "reminder": the customer writes again before anyone answered (the same for every intent).
CUSTOMER_TURNS = ("opening", "reminder", "follow_up")
AGENT_TURNS = ("answer", "close")
# Intents whose openings raise different matters (stock, warranty or returns; a damaged item, a double
# charge or a soaked parcel): the variants of every turn are written in the same order, so a `topic` (the
# index of the opening) keeps the answer, the follow-up and the close on the customer's matter.
PAIRED_INTENTS = ("product_question", "complaint")
_TABLES: dict[str, ModuleType] = {
    "en": en,
    "fr": fr,
    "de": de,
    "es": es,
    "it": it,
    "pt": pt,
    "ko": ko,
    "ja": ja,
}
LANGUAGES = tuple(_TABLES)
# The Faker locale whose people a brand of that language has as customers.
MARKET_LOCALES = {
    "en": "en_US",
    "fr": "fr_FR",
    "de": "de_DE",
    "es": "es_ES",
    "it": "it_IT",
    "pt": "pt_BR",
    "ko": "ko_KR",
    "ja": "ja_JP",
}
# The IANA time zone a brand's agents work in, by its market language (docs/assumptions.md, "Agents' time
# zones"). English has no zone of its own (the US, the UK, Australia...): its agents keep the agent config's
# default, as does a brand without a language.
MARKET_TIMEZONES = {
    "fr": "Europe/Paris",
    "de": "Europe/Berlin",
    "es": "Europe/Madrid",
    "it": "Europe/Rome",
    "pt": "America/Sao_Paulo",
    "ko": "Asia/Seoul",
    "ja": "Asia/Tokyo",
}
# Without a name, the agent addresses the customer as the language does politely ("고객님", "お客様"),
# or drops the vocative ("Hi {name}, thanks" -> "Hi, thanks").
_NAMELESS = {"ko": (("{name} 고객님", "고객님"), ("{name}님", "고객님")), "ja": (("{name}様", "お客様"),)}
_VOCATIVE = re.compile(r"[ ,]*\{name\}(?= ?[,.!;:?])")  # French sets a space before ! ? : ;


def locale_of(language: str) -> str:
    """The Faker locale of a language's market: 'fr' -> 'fr_FR'."""
    _table(language)
    return MARKET_LOCALES[language]


def timezone_of(language: str | None) -> str | None:
    """The time zone of a language's market ('ko' -> 'Asia/Seoul'); None: the agent config's default."""
    return MARKET_TIMEZONES.get(language or "")


def language_of(locale: str) -> str:
    """The language of a Faker locale, when there are phrases in it: 'en_GB' -> 'en'; else 'en'."""
    language = locale.split("_")[0].lower()
    return language if language in _TABLES else "en"


def order_number(rng: random.Random) -> str:
    return str(rng.randint(100_000, 999_999))


def customer(locale: str, rng: random.Random, faker=None) -> CustomerProfile:
    """A customer of the market of `locale` ('fr_FR', or a language: 'fr'): name, phone, e-mail, handle."""
    return _draw_customer(MARKET_LOCALES.get(locale, locale), rng, faker)


def message(
    language: str,
    intent: str,
    rng: random.Random,
    turn: str = "opening",
    *,
    customer: CustomerProfile | None = None,
    order: str | None = None,
    product: str | None = None,
    topic: int | None = None,
) -> str:
    """What a customer writes for `intent` at `turn` (CUSTOMER_TURNS); `customer` lends phone and e-mail,
    `topic` (see PAIRED_INTENTS) the matter of the conversation, drawn when None."""
    if turn not in CUSTOMER_TURNS:
        raise ValueError(f"a customer's turn is one of {', '.join(CUSTOMER_TURNS)}, not {turn!r}")
    values = {"phone": customer.phone, "email": customer.email} if customer else {}
    return _render(language, intent, turn, rng, values, order, product, topic)


def answer(
    language: str,
    intent: str,
    rng: random.Random,
    turn: str = "answer",
    *,
    name: str | None = None,
    order: str | None = None,
    product: str | None = None,
    topic: int | None = None,
) -> str:
    """What an agent answers for `intent` at `turn` (answer or close); `name` is how they address the customer,
    `topic` the opening's matter (PAIRED_INTENTS)."""
    if turn not in AGENT_TURNS:
        raise ValueError(f"an agent's turn is one of {', '.join(AGENT_TURNS)}, not {turn!r}")
    return _render(language, intent, turn, rng, {"name": name} if name else {}, order, product, topic)


def conversation(
    language: str, intent: str, rng: random.Random, customer: CustomerProfile | None = None
) -> list[tuple[str, str]]:
    """A whole exchange about one matter, order and product: [("customer", text), ("agent", text), ...]."""
    details = {
        "order": order_number(rng),
        "product": rng.choice(products(language)),
        "topic": topic(language, intent, rng),
    }
    name = customer.address if customer else None
    return [
        ("customer", message(language, intent, rng, "opening", customer=customer, **details)),
        ("agent", answer(language, intent, rng, "answer", name=name, **details)),
        ("customer", message(language, intent, rng, "follow_up", customer=customer, **details)),
        ("agent", answer(language, intent, rng, "close", name=name, **details)),
    ]


def topic(language: str, intent: str, rng: random.Random) -> int:
    """The matter of a new conversation: which opening the customer writes."""
    return rng.randrange(len(templates(language, intent, "opening")))


def templates(language: str, intent: str, turn: str) -> tuple[str, ...]:
    """The hand-written variants of one intent and turn in one language."""
    if intent not in INTENTS:
        raise ValueError(f"unknown intent {intent!r}; one of: {', '.join(INTENTS)}")
    table = _table(language)
    return tuple(table.REMINDERS if turn == "reminder" else table.PHRASES[intent][turn])


def products(language: str) -> tuple[str, ...]:
    return tuple(_table(language).PRODUCTS)


def _table(language: str) -> ModuleType:
    if language not in _TABLES:
        raise ValueError(f"no phrases in {language!r}; one of: {', '.join(LANGUAGES)}")
    return _TABLES[language]


def _render(language, intent, turn, rng, values, order, product, topic) -> str:
    # Draw every value first, so the number of draws (and the next text) does not depend on the template.
    variants = templates(language, intent, turn)
    drawn = rng.randrange(len(variants))
    filled = {
        "order": order or order_number(rng),
        "product": product or rng.choice(products(language)),
        "days": str(rng.randint(2, 5)),
        **values,
    }
    # The opening is the topic itself; the other turns follow it where the intent pairs its variants.
    if topic is not None and (turn == "opening" or (intent in PAIRED_INTENTS and turn != "reminder")):
        drawn = topic % len(variants)
    template = variants[drawn]
    if not _fields(template) <= set(filled) | {"name"}:  # a phone or an e-mail the caller does not know
        usable = [t for t in variants if _fields(t) <= set(filled) | {"name"}]
        template = usable[drawn % len(usable)]
    if "name" not in filled:
        template = _without_name(language, template)
    return template.format(**filled)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _without_name(language: str, template: str) -> str:
    for placeholder, polite in _NAMELESS.get(language, ()):
        template = template.replace(placeholder, polite)
    return _VOCATIVE.sub("", template)
