"""The topology's Alcméon agents work in the time zone of their brand's market; without one, Alcméon's default."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from alcsim.simulators.alcmeon import content, page_text
from alcsim.simulators.alcmeon.config import DEFAULT_AGENT_TIMEZONE
from alcsim.simulators.topology.files import load, scenario_path
from alcsim.simulators.topology.launch import environment_config


def _agent_zone(topology_name: str, env: str) -> str:
    config = environment_config(load(scenario_path(topology_name)), env, None, "", None)
    (agent,) = config.agents
    return page_text.agent_zone(config.agents, agent["email"])  # as the inbox pages read it


def test_a_korean_brands_agent_sees_seoul_time_and_a_french_brands_paris_time():
    assert _agent_zone("many-to-one", "brand-kr") == "Asia/Seoul"
    assert _agent_zone("many-to-one", "brand-fr") == "Europe/Paris"


def test_a_brand_without_a_market_language_keeps_the_agent_configs_default():
    assert _agent_zone("one-to-one", "brand") == DEFAULT_AGENT_TIMEZONE == "Europe/Paris"
    assert content.timezone_of(None) is None and content.timezone_of("en") is None


def test_every_market_language_but_english_has_a_real_iana_zone():
    assert set(content.MARKET_TIMEZONES) == set(content.LANGUAGES) - {"en"}
    for zone in content.MARKET_TIMEZONES.values():
        ZoneInfo(zone)  # raises for a name the IANA database does not know
    assert content.timezone_of("pt") == "America/Sao_Paulo" and content.timezone_of("ja") == "Asia/Tokyo"
