"""The Contacts simulate seeds in an org are customers of the markets of the brands sharing it (content.customer),
drawn in turn, the same for the same seed."""

from __future__ import annotations

import random

from alcsim.simulators.alcmeon import content
from alcsim.simulators.topology.files import load, scenario_path
from alcsim.simulators.topology.observe import Observed
from alcsim.simulators.topology.seeding import CONTACTS_PER_ORG, contact_markets
from alcsim.simulators.topology.simulate import Simulation


def test_an_orgs_markets_are_those_of_the_brands_sharing_it_french_without_a_language():
    assert contact_markets(load(scenario_path("many-to-one")), "shared") == ["fr", "ko"]
    assert contact_markets(load(scenario_path("one-to-one")), "main") == ["fr"]  # the brand has no language


def test_the_shared_orgs_person_accounts_are_french_and_korean_customers_drawn_from_the_seed(
    topology_factory,
):
    rt = topology_factory("many-to-one")
    Simulation(rt, 7, Observed(), rate=0).seed_all()
    rows = (
        rt.org("shared")
        .client()
        .query_all(
            "SELECT FirstName, LastName, PersonEmail, PersonMobilePhone FROM Account"
            " WHERE IsPersonAccount = true ORDER BY CreatedDate, Id"
        )["records"]
    )
    rng = random.Random("7:shared:contacts")  # what the seed draws, market by market in turn
    expected = [content.customer(["fr", "ko"][i % 2], rng) for i in range(CONTACTS_PER_ORG)]
    assert [(r["FirstName"], r["LastName"], r["PersonEmail"], r["PersonMobilePhone"]) for r in rows] == [
        (p.first_name, p.last_name, p.email, p.phone) for p in expected
    ]
    assert expected[0].locale == "fr_FR" and expected[1].locale == "ko_KR"
    assert any("\uac00" <= ch <= "\ud7a3" for ch in rows[1]["LastName"])  # Hangul, a Korean customer
