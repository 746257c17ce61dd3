"""What a Salesforce agent of `alcsim simulate` does to an open Conversation record of its org."""

# The agent works records the traffic started only (a story's or a person's are theirs to work), and its
# changes go through the org's REST API as the agent user, so the package reports them to the connector.

from __future__ import annotations

from simple_salesforce import Salesforce, format_soql


def work_a_record(sim, org: str, admin: Salesforce, agent: Salesforce) -> None:
    """Link a Contact (or person Account), move the record to another mapped queue, or close it; the
    choice and the record are drawn from `sim.random`, so a seed plays the same agents."""
    records = admin.query(
        "SELECT Id, Name, OwnerId, alcmeon__Contact__c, alcmeon__Account__c, alcmeon__scoped_id__c"
        " FROM alcmeon__Conversation__c WHERE alcmeon__Status__c = 'OPEN' ORDER BY CreatedDate DESC LIMIT 20"
    )["records"]
    # Only conversations the traffic started: a story's or a person's are theirs to work.
    records = [
        r
        for r in records
        if any(g.owns_scoped_id(r["alcmeon__scoped_id__c"]) for g in sim.generators.values())
    ]
    if not records:
        return
    record = sim.random.choice(records)
    person = sim.rt.topology.org(org).person_accounts
    mapped = [t.queue for e in sim.rt.topology.environments for t in e.teams if t.org == org]
    choice = sim.random.random()
    if choice < 0.4 and not (record["alcmeon__Contact__c"] or record["alcmeon__Account__c"]):
        field = "alcmeon__Account__c" if person else "alcmeon__Contact__c"
        agent.alcmeon__Conversation__c.update(record["Id"], {field: sim.random.choice(sim.contacts[org])})
        sim.observed.event(org, f"A Salesforce agent linked Conversation {record['Name']} to a customer")
    elif choice < 0.75 and len(set(mapped)) > 1:
        queue = sim.random.choice(sorted(set(mapped)))
        queue_id = admin.query(format_soql("SELECT Id FROM Group WHERE DeveloperName = {}", queue))[
            "records"
        ][0]["Id"]
        if queue_id != record["OwnerId"]:
            agent.alcmeon__Conversation__c.update(record["Id"], {"OwnerId": queue_id})
            sim.observed.event(
                org, f"A Salesforce agent moved Conversation {record['Name']} to queue {queue}"
            )
    else:
        agent.alcmeon__Conversation__c.update(record["Id"], {"alcmeon__Status__c": "CLOSED"})
        sim.observed.event(org, f"A Salesforce agent closed Conversation {record['Name']}")
