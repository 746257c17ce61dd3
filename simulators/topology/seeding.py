"""The Contacts (or person Accounts) `alcsim simulate` seeds in each org, for its agents to match customers to."""

# Drawn from a string seed per org, so the same seed gives the same people in every run; in the market
# languages of the brands sharing the org, in turn (docs/assumptions.md, "Seeded Contacts by market").

from __future__ import annotations

import random

from alcsim.simulators.alcmeon import content
from alcsim.simulators.topology import bootstrap

CONTACTS_PER_ORG = 8


def contact_markets(topology, org: str) -> list[str]:
    """The market languages of the brands whose environments share `org`, in file order; French for a brand
    without one, as the fake org's agents are (docs/assumptions.md, "Seeded Contacts by market")."""
    languages = [e.language or "fr" for e in topology.environments if org in e.org_names()]
    return list(dict.fromkeys(languages)) or ["fr"]


def seed_contacts(rt, seed: int, observed) -> dict[str, list[str]]:
    """CONTACTS_PER_ORG customers created in each org over its REST API, their ids by org; the org's agents
    may answer (and, with Omni-Channel routing, are on duty)."""
    fakers: dict[str, object] = {}  # one Faker per market: building one costs tens of milliseconds
    contacts: dict[str, list[str]] = {}
    for name, running in rt.orgs.items():
        org = rt.topology.org(name)
        sf = running.client()
        rng = random.Random(f"{seed}:{name}:contacts")  # str seeds are stable across runs
        markets = contact_markets(rt.topology, name)
        record_type = None
        if org.person_accounts:  # the org's one person-account record type, read once for all its customers
            record_type = sf.query(
                "SELECT Id FROM RecordType WHERE SobjectType = 'Account' AND IsPersonType = true"
            )["records"][0]["Id"]
        ids = []
        for index in range(CONTACTS_PER_ORG):
            language = markets[index % len(markets)]  # the brands sharing the org, in turn
            if language not in fakers:
                fakers[language] = content.new_faker(content.locale_of(language))
            person = content.customer(language, rng, fakers[language])
            first, last, email, phone = person.first_name, person.last_name, person.email, person.phone
            if record_type:
                values = {
                    "RecordTypeId": record_type,
                    "FirstName": first,
                    "LastName": last,
                    "PersonEmail": email,
                    "PersonMobilePhone": phone,
                }
                ids.append(sf.Account.create(values)["id"])
            else:
                ids.append(
                    sf.Contact.create(
                        {"FirstName": first, "LastName": last, "Email": email, "MobilePhone": phone}
                    )["id"]
                )
        contacts[name] = ids
        bootstrap.grant_answering(running)
        if org.omni_routing:
            bootstrap.agent_on_duty(running)
        kind = "person accounts" if org.person_accounts else "Contacts"
        observed.event(name, f"{len(ids)} {kind} are ready in org {name} for matching")
    return contacts
