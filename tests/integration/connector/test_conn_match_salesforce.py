"""Matching from Salesforce: a Contact set on a record matches the user (UPD-01, MATCH-01, MATCH-02)."""

from __future__ import annotations

from conn_helpers import close, route, write

from alcsim.simulators.topology.launch import wait_until

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


def test_clearing_the_contact_unmatches_the_user(topology):
    """MATCH-01 the other way: the Contact removed from the record removes the match in Alcméon."""
    phone = "33670000003"
    message = write(topology, ENV, "Brand WhatsApp", phone, "Hola")
    route(topology, ENV, message["task_id"], "Salesforce agents")
    record = topology.wait_for_record(ORG, message["scoped_id"])
    agent = topology.agent_client(ORG)
    contact = agent.Contact.create({"LastName": "Roux"})["id"]
    agent.alcmeon__Conversation__c.update(record["Id"], {"alcmeon__Contact__c": contact})
    wait_until(lambda: contact_in_alcmeon(topology, "Brand WhatsApp", phone) == contact, 15, what="the match")
    agent.alcmeon__Conversation__c.update(record["Id"], {"alcmeon__Contact__c": None})
    wait_until(lambda: contact_in_alcmeon(topology, "Brand WhatsApp", phone) is None, 15, what="the unmatch")


def test_a_contact_linked_on_the_case_matches_the_user(topology_factory):
    """WF-02 with UPD-01: the agent links the Contact on the Case; the customer's automation copies it to
    the conversation record, and the package reports it to Alcméon."""
    rt = topology_factory("one-to-many")
    org, phone = "production", "33670000004"
    message = write(rt, "brand", "Brand WhatsApp", phone, "Hello")
    route(rt, "brand", message["task_id"], "Salesforce agents")
    record = rt.wait_for_record(org, message["scoped_id"])
    agent = rt.agent_client(org)
    case_id = agent.query(
        f"SELECT alcmeon__Case__c FROM alcmeon__Conversation__c WHERE Id = '{record['Id']}'"
    )["records"][0]["alcmeon__Case__c"]
    contact = agent.Contact.create({"LastName": "Blanc"})["id"]
    agent.Case.update(case_id, {"ContactId": contact})
    env = rt.env("brand")

    def matched():
        user = env.ext("GET", f"/users/{message['social_user_id']}").json()
        return user["crm_contact_id"] == contact

    wait_until(matched, 15, what="the match from the Case")


def test_each_environment_gets_its_own_matches_on_a_shared_person_account_org(topology_factory):
    """TOPO-03 and MATCH-06: a person Account set on a KakaoTalk record of brand-kr matches in brand-kr only."""
    rt = topology_factory("many-to-one")
    org = "shared"
    message = write(rt, "brand-kr", "Brand KakaoTalk", "821055500001", "안녕하세요")
    route(rt, "brand-kr", message["task_id"], "Salesforce agents")
    record = rt.wait_for_record(org, message["scoped_id"])
    agent = rt.agent_client(org)
    person_type = agent.query(
        "SELECT Id FROM RecordType WHERE SobjectType = 'Account' AND IsPersonType = true"
    )
    person = agent.Account.create({"RecordTypeId": person_type["records"][0]["Id"], "LastName": "Kim"})["id"]
    agent.alcmeon__Conversation__c.update(record["Id"], {"alcmeon__Account__c": person})

    def matched():
        user = rt.env("brand-kr").ext("GET", f"/users/{message['social_user_id']}").json()
        return user["crm_contact_id"] == person

    wait_until(matched, 15, what="the match in brand-kr")
    jobs = rt.admin("GET", "/jobs").json()
    callouts = [j for j in jobs if j["type"] == "package.callout"]
    assert callouts and all(j["payload"]["env"] == "brand-kr" for j in callouts)
