"""The scoped-id layout, read in one place (docs/assumptions.md, "Scoped id"; TOPO-03)."""

from __future__ import annotations

import pytest

from alcsim.connector.scoped_ids import conversation_id_of, environment_of, scope_of, scope_of_instance
from alcsim.simulators.alcmeon.inbox import scoped_id


@pytest.mark.parametrize("instance", ["4242", "5151", "1", "999999999", "acme-prod"])
def test_the_connector_reads_the_layout_the_environment_writes(instance):
    written = scoped_id(instance, 3, 4, 123456)
    assert scope_of(written) == scope_of_instance(instance)
    assert environment_of(written, {scope_of_instance(instance): "brand"}) == "brand"
    assert conversation_id_of(written) == 123456


def test_an_unknown_scope_or_an_empty_id_belongs_to_no_environment():
    assert environment_of("zzz:1:2:3", {"39y": "brand"}) is None
    assert environment_of(None, {"39y": "brand"}) is None
    with pytest.raises(ValueError):
        conversation_id_of("39y:1:2:not-base-36")
