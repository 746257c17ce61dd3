"""Matching from Salesforce over running fakes: a Contact set on a record matches the user (UPD-01, MATCH-01/02)."""

from __future__ import annotations

from conftest import close, route, write

from connector.launch import wait_until

ENV, ORG = "brand", "main"


def contact_in_alcmeon(rt, account: str, user_id: str) -> str | None:
    """The match as Alcméon's public custom-field API shows it (field "Salesforce Contact Id")."""
    env = rt.env(ENV)
    fields = env.session.get(f"{env.url}/custom-field/users/fields").json()
    field_id = next(f["id"] for f in fields if f["label"] == "Salesforce Contact Id")
    answer = env.session.get(f"{env.url}/custom-field/accounts/{rt.account_id(ENV, account)}/users/{user_id}")
    answer.raise_for_status()
    return next((v["field_value"] for v in answer.json() if v["field_id"] == field_id), None)


def test_a_contact_linked_in_salesforce_matches_the_user_and_links_every_conversation(topology):
    """UPD-01, MATCH-01, MATCH-02: an agent sets the Contact on the newest record; Alcméon matches the
    user, the earlier record gets the Contact too, and the user's next conversation arrives linked."""
    phone = "33670000001"
    first = write(topology, ENV, "Brand WhatsApp", phone, "Premier")
    route(topology, ENV, first["task_id"], "Salesforce agents")
    topology.wait_for_record(ORG, first["scoped_id"])
    close(topology, ENV, first["conversation_id"])
    second = write(topology, ENV, "Brand WhatsApp", phone, "Second")
    route(topology, ENV, second["task_id"], "Salesforce agents")
    record = topology.wait_for_record(ORG, second["scoped_id"])
    topology.wait_idle()

    agent = topology.agent_client(ORG)
    contact = agent.Contact.create({"LastName": "Martin", "MobilePhone": "+33 6 70 00 00 01"})["id"]
    agent.alcmeon__Conversation__c.update(record["Id"], {"alcmeon__Contact__c": contact})

    wait_until(lambda: contact_in_alcmeon(topology, "Brand WhatsApp", phone) == contact, 15, what="the match")
    topology.wait_for_record(ORG, first["scoped_id"], lambda r: r["alcmeon__Contact__c"] == contact)
    topology.wait_idle()
    assert all(r["alcmeon__Account__c"] is None for r in topology.conversations(ORG))  # MATCH-06

    close(topology, ENV, second["conversation_id"])
    third = write(topology, ENV, "Brand WhatsApp", phone, "Troisième")
    route(topology, ENV, third["task_id"], "Salesforce agents")
    topology.wait_for_record(ORG, third["scoped_id"], lambda r: r["alcmeon__Contact__c"] == contact)


def test_history_is_pushed_when_the_user_is_matched_from_salesforce(topology):
    """MATCH-02 with SYNC-05: an earlier conversation never pushed arrives CLOSED and linked after the match."""
    phone = "33670000002"
    old = write(topology, ENV, "Brand WhatsApp", phone, "Jamais routé")
    close(topology, ENV, old["conversation_id"])
    new = write(topology, ENV, "Brand WhatsApp", phone, "Routé")
    route(topology, ENV, new["task_id"], "Salesforce agents")
    topology.wait_for_record(ORG, new["scoped_id"])
    topology.wait_idle()
    record = topology.record(ORG, new["scoped_id"])
    assert (
        topology.record(ORG, old["scoped_id"])["alcmeon__Contact__c"] is None
    )  # pushed as history, unlinked

    agent = topology.agent_client(ORG)
    contact = agent.Contact.create({"LastName": "Petit"})["id"]
    agent.alcmeon__Conversation__c.update(record["Id"], {"alcmeon__Contact__c": contact})
    earlier = topology.wait_for_record(ORG, old["scoped_id"], lambda r: r["alcmeon__Contact__c"] == contact)
    assert earlier["alcmeon__Status__c"] == "CLOSED"
