"""Words of the embed page in English and French, and times in the viewer's zone (`lang`, `tz` of its URL)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Languages without a catalog fall back to English.
EMBED_TEXT = {
    "en": {
        "conversation_with": "Conversation with {name}",
        "open": "Open",
        "closed": "Closed",
        "expired": "Expired",
        "customer": "Customer",
        "agent": "Agent",
        "no_messages": "No messages yet.",
        "not_found": "This conversation no longer exists.",
        "read_only": "Read only",
    },
    "fr": {
        "conversation_with": "Conversation avec {name}",
        "open": "Ouverte",
        "closed": "Fermée",
        "expired": "Expirée",
        "customer": "Client",
        "agent": "Agent",
        "no_messages": "Aucun message pour l'instant.",
        "not_found": "Cette conversation n'existe plus.",
        "read_only": "Lecture seule",
    },
}
FORMATS = {"en": "%b %d, %I:%M %p", "fr": "%d/%m %H:%M"}


def language(tag: str | None) -> str:
    base = (tag or "en").replace("_", "-").split("-", 1)[0].lower()
    return base if base in EMBED_TEXT else "en"


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def when(timestamp: float | None, zone_name: str | None, tag: str | None) -> str:
    """A Unix time in the viewer's zone and language, with the zone's abbreviation (JST, CET, EST)."""
    if timestamp is None:
        return ""
    local = datetime.fromtimestamp(float(timestamp), UTC).astimezone(zone(zone_name))
    return f"{local.strftime(FORMATS[language(tag)])} {local.tzname()}"


def utc(timestamp: float | None) -> str:
    """Inbox times (the agents' own screens): UTC, ISO-like."""
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(float(timestamp), UTC).strftime("%Y-%m-%d %H:%M UTC")
