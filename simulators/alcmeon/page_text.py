"""Words of the screens: the embed page in English and French, channel names, times in the reader's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alcsim.simulators.alcmeon.config import DEFAULT_AGENT_TIMEZONE

# The channels (OAS core-api.yaml Account.type) as their products spell themselves.
CHANNEL_NAMES = {
    "whatsapp": "WhatsApp",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "twitter": "X",
    "kakaotalk": "KakaoTalk",
    "line": "LINE",
    "wechat": "WeChat",
    "gmb": "Google Business Profile",
    "inmessage": "InMessage",
    "linkedin": "LinkedIn",
    "tiktok": "TikTok",
    "trustpilot": "Trustpilot",
    "rcs": "RCS",
    "bzc": "Bazaarvoice",
}
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


def agent_zone(config_agents: list[dict], email: str) -> str:
    """The time zone of an agent's inbox: theirs in the environment config, else Alcméon's default."""
    for agent in config_agents or ():
        if str(agent.get("email", "")).lower() == email.lower() and agent.get("timezone"):
            return agent["timezone"]
    return DEFAULT_AGENT_TIMEZONE


def inbox_time(timestamp: float | None, zone_name: str) -> str:
    """Inbox times (the agents' own screens) in the agent's zone, with its abbreviation: 2026-12-02 14:05 CET."""
    if timestamp is None:
        return ""
    local = datetime.fromtimestamp(float(timestamp), UTC).astimezone(zone(zone_name))
    return f"{local.strftime('%Y-%m-%d %H:%M')} {local.tzname()}"


def channel_name(channel: str | None) -> str:
    return CHANNEL_NAMES.get(channel or "", channel or "")
