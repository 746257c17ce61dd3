"""docs/configuration.md is what the schemas render: a key added, renamed or re-documented shows up here."""

from __future__ import annotations

from alcsim.simulators.alcmeon.config import ENVIRONMENT_CONFIG
from alcsim.simulators.salesforce.config import ORG_CONFIG
from alcsim.simulators.topology.config_reference import DOC, render
from alcsim.simulators.topology.files import TOPOLOGY


def test_the_reference_document_matches_the_schemas():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/configuration.md is stale: run `python -m alcsim.simulators.topology.config_reference`"
    )


def test_every_key_of_every_config_kind_is_in_the_document():
    text = DOC.read_text(encoding="utf-8")
    for schema in (TOPOLOGY, ORG_CONFIG, ENVIRONMENT_CONFIG):
        for name, key in schema.keys.items():
            assert f"| `{name}` |" in text and key.meaning in text
