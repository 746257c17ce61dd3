"""The configuration one Alcméon environment is built from: instance, applications, channels, limits."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

# Permission names as the Settings -> Applications screen shows them where a page names them
# (AR 3.1: "Action Synchronization API", "Realtime notification API", "Custom Field"); the other
# names are ours (docs/assumptions.md, "Alcméon environment").
PERMISSIONS = (
    "Action Synchronization API",
    "Realtime notification API",
    "Custom Field",
    "User Provisioning",
    "Core API",
    "Send Answer",
    "Embed",
    "Initiate Conversation",
    "Optins",
    "Application Management",
)

# The channels a default environment has, with the locale the traffic generator writes in.
DEFAULT_SOCIAL_ACCOUNTS = (
    {"name": "Brand on X", "type": "twitter"},
    {"name": "Brand Facebook page", "type": "facebook"},
    {"name": "Brand Instagram", "type": "instagram"},
    {"name": "Brand WhatsApp", "type": "whatsapp"},
    {"name": "Brand KakaoTalk", "type": "kakaotalk"},
    {"name": "Brand web chat", "type": "inmessage"},
)

DEFAULT_TEAMS = ("Support", "Sales", "Salesforce agents")
DEFAULT_ROLES = ("Administrator", "Agent", "Supervisor")

# AR 2.1: the silence window is 96 h or 120 h "depending on the channel"; which channel has which
# is not published, so this split is our choice (docs/assumptions.md).
DEFAULT_SILENCE_WINDOW_HOURS = {"default": 96, "facebook": 120, "instagram": 120}

# AR 3.1: 15 requests per minute per route, with documented exceptions.
DEFAULT_RATE_LIMIT = 15
DOCUMENTED_RATE_LIMITS = {"POST /v1/whatsapp/send/": 3000, "POST /start-scenario": 2000}


@dataclass
class ApplicationConfig:
    name: str = "alcsim connector"
    secret: str | None = None
    permissions: list[str] = field(default_factory=lambda: list(PERMISSIONS))
    webhook_url: str | None = None
    webhook_enabled: bool = True
    notification_types: list[str] | None = None
    embed_domain: str | None = None


@dataclass
class EnvironmentConfig:
    """Everything an environment needs; unknown keys in a config file are an error, not ignored."""

    instance_id: str = "4242"
    seed: int | str | None = 0
    applications: list[ApplicationConfig] = field(default_factory=lambda: [ApplicationConfig()])
    social_accounts: list[dict] = field(default_factory=lambda: [dict(a) for a in DEFAULT_SOCIAL_ACCOUNTS])
    teams: list[str] = field(default_factory=lambda: list(DEFAULT_TEAMS))
    roles: list[str] = field(default_factory=lambda: list(DEFAULT_ROLES))
    agents: list[dict] = field(default_factory=list)
    silence_window_hours: dict = field(default_factory=lambda: dict(DEFAULT_SILENCE_WINDOW_HOURS))
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT
    rate_limits: dict = field(default_factory=lambda: dict(DOCUMENTED_RATE_LIMITS))
    rate_limits_enabled: bool = True
    # "retry" follows the real-time guide (growing delays for 24 h, then disable); "none" follows
    # the notify reference (no second delivery). AR 3.3 and open question 18.
    webhook_redelivery: str = "retry"
    webhook_timeout_seconds: float = 1.0
    webhook_ca_bundle: str | None = None
    data_dir: str | None = None
    base_url: str = "https://alcmeon.com"

    @classmethod
    def from_dict(cls, data: dict) -> EnvironmentConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown config keys: {', '.join(sorted(unknown))}")
        values = dict(data)
        if "applications" in values:
            values["applications"] = [ApplicationConfig(**a) for a in values["applications"]]
        config = cls(**values)
        if config.webhook_redelivery not in ("retry", "none"):
            raise ValueError("webhook_redelivery is 'retry' or 'none'")
        return config

    @classmethod
    def load(cls, path: str | Path) -> EnvironmentConfig:
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
        return cls.from_dict(data or {})

    def limit_for(self, route: str) -> int:
        return int(self.rate_limits.get(route, self.rate_limit_per_minute))

    def silence_window_for(self, channel: str) -> float:
        hours = self.silence_window_hours
        return float(hours.get(channel, hours.get("default", 96)))
