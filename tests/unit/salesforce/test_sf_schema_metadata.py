"""The generated metadata is what generate.py writes, and the schema reads it back as a real org answers."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from alcsim.simulators.salesforce.metadata import generate
from alcsim.simulators.salesforce.schema import OBJECT_FLAGS, Schema, field_from_spec

METADATA = Path(generate.__file__).parent


def test_the_committed_metadata_is_what_the_generator_writes(tmp_path):
    generate.generate(generate.REFERENCE, tmp_path)
    for name in ("standard.yaml", "standard.json", "person_account.yaml"):
        assert (tmp_path / name).read_text() == (METADATA / name).read_text(), f"regenerate {name}"
    # The org loads the JSON twin; the YAML is the one to review: both say the same.
    reviewed = yaml.safe_load((METADATA / "standard.yaml").read_text())
    assert json.loads((METADATA / "standard.json").read_text()) == reviewed


def test_a_picklist_value_keeps_its_label_where_it_differs():
    f = field_from_spec(
        {
            "name": "CleanStatus",
            "type": "picklist",
            "values": [{"value": "Matched", "label": "In Sync"}, "Different"],
        },
        False,
    )
    assert f.values == ["Matched", "Different"]
    described = f.describe()["picklistValues"]
    assert [(v["value"], v["label"]) for v in described] == [
        ("Matched", "In Sync"),
        ("Different", "Different"),
    ]


def test_each_describe_is_a_fresh_dict():
    f = field_from_spec({"name": "Title", "type": "string", "length": 128}, False)
    first = f.describe()
    first["label"] = "changed by a caller"
    assert f.describe()["label"] == "Title" and f.describe()["length"] == 128


def test_every_object_answers_every_object_flag():
    schema = Schema()
    for sobject in schema.objects.values():
        assert set(sobject.flags) == set(OBJECT_FLAGS), sobject.name
    assert schema.get("Organization").flags["layoutable"] is False
    assert schema.get("Case").flags["mergeable"] is False and schema.get("Lead").flags["mergeable"] is True
    assert schema.get("alcmeon__Conversation__c").flags["feedEnabled"] is False


def test_only_the_computed_fields_run_on_save():
    task = Schema().get("Task")
    assert dict(task.formula_fields) == {"IsHighPriority": "task_high_priority", "IsClosed": "task_closed"}
