"""The products' own spellings in what people read: one channel-name map, the dashboard's drawing, the pages' text."""

from __future__ import annotations

import re
from pathlib import Path

from alcsim.simulators.alcmeon import page_text
from alcsim.simulators.topology import sentences
from alcsim.simulators.topology.dashboard_layout import layout
from alcsim.simulators.topology.files import load, scenario_path

SIMULATORS = Path(__file__).resolve().parents[3] / "simulators"
MISSPELT = re.compile(r"\b(Alcmeon|Whatsapp|Kakaotalk|Kakao Talk|SalesForce|Sales Force)\b")


def test_the_event_stream_and_the_pages_share_one_channel_name_map():
    assert sentences.CHANNEL_NAMES is page_text.CHANNEL_NAMES
    assert sentences.channel_name("kakaotalk") == "KakaoTalk" and sentences.channel_name("twitter") == "X"


def test_the_drawing_names_channels_and_the_alcmeon_team_as_the_products_do():
    drawing = layout(load(scenario_path("wf-mixed")))
    (brand,) = [b for b in drawing["boxes"] if b.key == "env:brand"]
    labels = [r.label for r in brand.rows]
    assert "Alcméon agents" in labels
    assert "Brand on X (X)" in labels and "Brand WhatsApp (WhatsApp)" in labels


def test_no_template_shows_a_product_misspelt():
    """Text a reader sees: Jinja expressions, tags and their attributes (ids, classes, URLs) taken out."""
    found = []
    for template in sorted(SIMULATORS.glob("*/templates/**/*.html")):
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", template.read_text(), flags=re.S)
        text = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]*>", " ", text, flags=re.S)
        found += [f"{template.relative_to(SIMULATORS)}: {m.group(0)}" for m in MISSPELT.finditer(text)]
    assert found == []
    assert list(SIMULATORS.glob("*/templates/**/*.html"))  # the glob found the templates
