"""Steps on the Salesforce side: records an admin sees, agents linking, reassigning and closing, Cases, Omni."""

from __future__ import annotations

from acc_steps_alcmeon import WHO, re
from acc_world import POLL, TIMEOUT, World
from pytest_bdd import given, then, when

from alcsim.simulators.common.waiting import wait_until

ORG = r'"(?P<org>[\w-]+)"'


# -- people in the org ------------------------------------------------------------------------------
@given(re(r'a Contact "(?P<name>[^"]+)" with e-mail "(?P<email>[^"]+)" in the ' + ORG + r" org"))
def contact_exists(world: World, name: str, email: str, org: str):
    first, _, last = name.rpartition(" ")
    values = {"FirstName": first or None, "LastName": last, "Email": email, "MailingCity": "Lyon"}
    world.contacts[name] = world.admin_client(org).Contact.create(values)["id"]
    world.contact_org[name] = org


@given(re(r'a person account "(?P<name>[^"]+)" with e-mail "(?P<email>[^"]+)" in the ' + ORG + r" org"))
def person_account_exists(world: World, name: str, email: str, org: str):
    sf = world.admin_client(org)
    types = {r["developerName"]: r["recordTypeId"] for r in sf.Account.describe()["recordTypeInfos"]}
    first, _, last = name.rpartition(" ")
    values = {
        "RecordTypeId": types["PersonAccount"],
        "FirstName": first or None,
        "LastName": last,
        "PersonEmail": email,
    }
    world.contacts[name] = sf.Account.create(values)["id"]
    world.contact_org[name] = org


@given(re(r'the Contact "(?P<name>[^"]+)" has a task "(?P<task>[^"]+)" and an event "(?P<event>[^"]+)"'))
def contact_activities(world: World, name: str, task: str, event: str):
    sf = world.admin_client(world.contact_org[name])
    who = world.contacts[name]
    sf.Task.create({"Subject": task, "WhoId": who, "Status": "Not Started", "ActivityDate": "2026-11-20"})
    sf.Event.create(
        {
            "Subject": event,
            "WhoId": who,
            "StartDateTime": "2026-11-25T09:00:00.000+0000",
            "EndDateTime": "2026-11-25T10:00:00.000+0000",
        }
    )


@given(re(r"the Salesforce agent of the " + ORG + r' org is a member of the "(?P<queue>\w+)" queue'))
def agent_in_queue(world: World, org: str, queue: str):
    sf = world.admin_client(org)
    sf.GroupMember.create(
        {"GroupId": world.queue_id(org, queue), "UserOrGroupId": world.agent_user(org)["Id"]}
    )


@given(re(r"the Salesforce agent of the " + ORG + r' org is "(?P<status>Available|Offline)" in Omni-Channel'))
@when(re(r"the Salesforce agent of the " + ORG + r' org is "(?P<status>Available|Offline)" in Omni-Channel'))
def agent_presence(world: World, org: str, status: str):
    running = world.rt.org(org)
    username = running.org.config.users[1].username
    answer = world.org_admin(org).post(
        f"{running.instance_url}/_sim/omni/presence", json={"username": username, "status": status}
    )
    assert answer.status_code == 200, answer.text


# -- agents in Salesforce ---------------------------------------------------------------------------
@when(
    re(
        r"a Salesforce agent links "
        + WHO
        + r'\'s conversation record to the (?:Contact|person account) "(?P<name>[^"]+)"'
    )
)
def agent_links_contact(world: World, customer: str, name: str):
    record = world.record(customer)
    org = world.contact_org[name]
    person = world.topology.org(org).person_accounts
    field = "alcmeon__Account__c" if person else "alcmeon__Contact__c"
    world.agent_client(org).alcmeon__Conversation__c.update(record["Id"], {field: world.contacts[name]})


@when(re(r"a Salesforce agent assigns " + WHO + r'\'s conversation record to the "(?P<queue>\w+)" queue'))
def agent_assigns_queue(world: World, customer: str, queue: str):
    org = world.record_org(customer)
    record = world.record(customer, org)
    world.agent_client(org).alcmeon__Conversation__c.update(
        record["Id"], {"OwnerId": world.queue_id(org, queue)}
    )


@when(re(r"a Salesforce agent assigns " + WHO + r"'s conversation record to an unmapped queue"))
def agent_assigns_unmapped(world: World, customer: str):
    org = world.record_org(customer)
    mapped = {t.queue for e in world.topology.environments for t in e.teams if t.org == org}
    free = next(
        q.developer_name
        for q in world.topology.org(org).queues
        if q.developer_name not in mapped and "alcmeon__Conversation__c" in q.sobjects
    )
    agent_assigns_queue(world, customer, free)
    world.settle()


@when(re(r"a Salesforce agent moves " + WHO + r'\'s Case to the "(?P<queue>\w+)" queue'))
def agent_moves_case(world: World, customer: str, queue: str):
    org = world.record_org(customer)
    case_id = world.case_of(customer, org)
    world.agent_client(org).Case.update(case_id, {"OwnerId": world.queue_id(org, queue)})


@when(re(r"a Salesforce agent closes " + WHO + r"'s conversation record"))
def agent_closes_record(world: World, customer: str):
    org = world.record_org(customer)
    record = world.record(customer, org)
    world.agent_client(org).alcmeon__Conversation__c.update(record["Id"], {"alcmeon__Status__c": "CLOSED"})


@when(re(r"the Salesforce agent closes " + WHO + r"'s Case"))
def agent_closes_case(world: World, customer: str):
    org = world.record_org(customer)
    world.agent_client(org).Case.update(world.case_of(customer, org), {"Status": "Closed"})


# -- what the org holds -----------------------------------------------------------------------------
@given(re(WHO + r"'s conversation is synced to the " + ORG + r' org(?: with status "(?P<status>\w+)")?'))
@then(re(WHO + r"'s conversation is synced to the " + ORG + r' org(?: with status "(?P<status>\w+)")?'))
def synced_to(world: World, customer: str, org: str, status: str | None):
    world.record(customer, org, lambda r: status is None or r["alcmeon__Status__c"] == status)


@then(re(WHO + r"'s conversation record is \"(?P<status>\w+)\""))
def record_status(world: World, customer: str, status: str):
    world.record(customer, check=lambda r: r["alcmeon__Status__c"] == status)


@then(re(WHO + r"'s conversation is not synced to any org"))
def not_synced(world: World, customer: str):
    world.settle()
    scoped = world.customer(customer).scoped_ids
    for org in world.topology.orgs:
        assert not [r for r in world.conversations(org.name) if r["alcmeon__scoped_id__c"] in scoped], (
            org.name
        )


@then(re(r"the " + ORG + r" org holds (?P<count>\d+) conversation records?"))
def org_holds(world: World, org: str, count: str):
    world.settle()
    records = world.conversations(org)
    scoped = [r["alcmeon__scoped_id__c"] for r in records]
    assert len(scoped) == len(set(scoped)), f"duplicate records: {scoped}"
    assert len(records) == int(count), records


@then(re(WHO + r" has (?P<count>\d+) conversation records in the " + ORG + r' org, only the latest "OPEN"'))
def history_records(world: World, customer: str, count: str, org: str):
    latest = world.customer(customer).last["scoped_id"]
    world.record(customer, org)
    world.settle()
    ids = world.customer(customer).scoped_ids
    mine = {
        r["alcmeon__scoped_id__c"]: r["alcmeon__Status__c"]
        for r in world.conversations(org)
        if r["alcmeon__scoped_id__c"] in ids
    }
    assert len(mine) == int(count), mine
    assert mine.pop(latest) == "OPEN"
    assert set(mine.values()) == {"CLOSED"}


@then(re(WHO + r'\'s conversation record is owned by the "(?P<queue>\w+)" queue'))
def owned_by_queue(world: World, customer: str, queue: str):
    org = world.org_of_queue(queue)
    queue_id = world.queue_id(org, queue)
    world.record(
        customer, org, lambda r: r["OwnerId"] == queue_id and r["alcmeon__To_SF_Queue_Id__c"] == queue_id
    )


@then(re(WHO + r'\'s conversation record links the Contact "(?P<name>[^"]+)"'))
def record_links_contact(world: World, customer: str, name: str):
    party = world.contacts[name]
    record = world.record(customer, world.contact_org[name], lambda r: r["alcmeon__Contact__c"] == party)
    assert record["alcmeon__Account__c"] is None  # MATCH-06: never both lookups


@then(re(WHO + r'\'s conversation record links the person account "(?P<name>[^"]+)" and no Contact'))
def record_links_person(world: World, customer: str, name: str):
    party = world.contacts[name]
    record = world.record(customer, world.contact_org[name], lambda r: r["alcmeon__Account__c"] == party)
    assert record["alcmeon__Contact__c"] is None  # MATCH-06


@then(
    re(
        r'every conversation record of (?P<customer>\w+) links the (?P<kind>Contact|person account) "(?P<name>[^"]+)"'
    )
)
def all_records_link(world: World, customer: str, kind: str, name: str):
    party, org = world.contacts[name], world.contact_org[name]
    field = "alcmeon__Account__c" if kind == "person account" else "alcmeon__Contact__c"
    ids = world.customer(customer).scoped_ids

    def linked():
        rows = [r for r in world.conversations(org) if r["alcmeon__scoped_id__c"] in ids]
        return len(rows) == len(ids) and all(r[field] == party for r in rows)

    wait_until(linked, TIMEOUT, POLL, f"every record of {customer} linked to {name}")


@then(re(WHO + r"'s conversation record carries \"(?P<text>[^\"]+)\" in its channel data"))
def channel_data(world: World, customer: str, text: str):
    record = world.record(customer)
    assert text in (record.get("alcmeon__Channel_specific_user_data__c") or "")


# -- Cases (customer automation) --------------------------------------------------------------------
@given(re(WHO + r'\'s conversation arrives as a Case in the "(?P<queue>\w+)" queue'))
@then(re(WHO + r'\'s conversation arrives as a Case in the "(?P<queue>\w+)" queue'))
def case_in_queue(world: World, customer: str, queue: str):
    org = world.org_of_queue(queue)
    queue_id = world.queue_id(org, queue)
    # The record may be made before the connector applies the team's queue (a message and a routing are
    # two jobs): the Case is owned by whoever made it until the queue reaches it (automation.py).
    wait_for_owner(world, org, world.case_of(customer, org), queue_id, f"{customer}'s Case in {queue}")


@then(re(WHO + r"'s Case is assigned to the Salesforce agent of the " + ORG + r" org"))
def case_assigned(world: World, customer: str, org: str):
    agent = world.agent_user(org)["Id"]
    wait_for_owner(world, org, world.case_of(customer, org), agent, "Omni routing")


def wait_for_owner(world: World, org: str, case_id: str, owner: str, what: str) -> None:
    wait_until(lambda: world.admin_client(org).Case.get(case_id)["OwnerId"] == owner, TIMEOUT, POLL, what)


@then(re(WHO + r'\'s Case waits in the "(?P<queue>\w+)" queue'))
def case_waits(world: World, customer: str, queue: str):
    org = world.org_of_queue(queue)
    world.settle()
    assert world.admin_client(org).Case.get(world.case_of(customer, org))["OwnerId"] == world.queue_id(
        org, queue
    )


@then(re(r"the " + ORG + r" org has no Case"))
def no_case(world: World, org: str):
    world.settle()
    assert world.admin_client(org).query("SELECT COUNT() FROM Case")["totalSize"] == 0


@then(re(WHO + r"'s Case links the Contact \"(?P<name>[^\"]+)\""))
def case_links_contact(world: World, customer: str, name: str):
    org = world.contact_org[name]
    case_id = world.case_of(customer, org)
    wait_until(
        lambda: world.admin_client(org).Case.get(case_id)["ContactId"] == world.contacts[name],
        TIMEOUT,
        POLL,
        "the Case's Contact",
    )


@then(re(r'the Contact "(?P<name>[^"]+)" lists (?P<count>\d+) conversations? in its related list'))
def related_list(world: World, name: str, count: str):
    org, party = world.contact_org[name], world.contacts[name]
    sobject = "Account" if world.topology.org(org).person_accounts else "Contact"
    soql = f"SELECT Id, (SELECT Id, alcmeon__scoped_id__c FROM alcmeon__Conversations__r) FROM {sobject} WHERE Id = '{party}'"

    def listed():
        row = world.admin_client(org).query(soql)["records"][0]
        related = row.get("alcmeon__Conversations__r") or {"records": []}
        return len(related["records"]) == int(count)

    wait_until(listed, TIMEOUT, POLL, f"{count} conversations under {name}")
