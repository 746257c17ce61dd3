"""Each topology file syncs to the right org(s) (TOPO-01 to TOPO-04), and the package's callouts come back."""

from __future__ import annotations

from conn_helpers import match, reply, route, write

from alcsim.simulators.topology.launch import wait_until


def test_one_to_one(topology):
    """TOPO-01."""
    message = write(topology, "brand", "Brand Facebook page", "fb-1")
    route(topology, "brand", message["task_id"], "Salesforce agents")
    assert (
        topology.wait_for_record("main", message["scoped_id"])["alcmeon__Social_media_type__c"] == "facebook"
    )


def test_one_to_many_sandbox_on_staging_and_production_on_production(topology_factory):
    """TOPO-02: each team maps to one org; a sandbox org on the staging account, production on the others."""
    rt = topology_factory("one-to-many")
    staging = write(rt, "brand", "Brand WhatsApp staging", "33600000001")
    route(rt, "brand", staging["task_id"], "Staging agents")
    live = write(rt, "brand", "Brand WhatsApp", "33600000002")
    route(rt, "brand", live["task_id"], "Salesforce agents")
    rt.wait_for_record("sandbox", staging["scoped_id"])
    rt.wait_for_record("production", live["scoped_id"])
    rt.wait_idle()
    assert [r["alcmeon__scoped_id__c"] for r in rt.conversations("sandbox")] == [staging["scoped_id"]]
    assert [r["alcmeon__scoped_id__c"] for r in rt.conversations("production")] == [live["scoped_id"]]


def test_many_to_one_each_environment_uses_its_queue_and_person_accounts(topology_factory):
    """TOPO-03 with person accounts (MATCH-06) and package 5.31 channel data (SYNC-08)."""
    rt = topology_factory("many-to-one")
    sf = rt.org("shared").client()
    record_types = {r["developerName"]: r["recordTypeId"] for r in sf.Account.describe()["recordTypeInfos"]}
    person = sf.Account.create({"RecordTypeId": record_types["PersonAccount"], "LastName": "Kim"})["id"]
    fr = write(rt, "brand-fr", "Marque WhatsApp", "33600000003")
    route(rt, "brand-fr", fr["task_id"], "Salesforce agents")
    kr = write(rt, "brand-kr", "Brand KakaoTalk", "821000000001", channel_data={"app_user_id": "k-1"})
    match(rt, "brand-kr", kr["social_user_id"], person)
    route(rt, "brand-kr", kr["task_id"], "Salesforce agents")
    rt.wait_for_record("shared", fr["scoped_id"])
    rt.wait_for_record("shared", kr["scoped_id"])
    rt.wait_idle()  # the first write may precede the routing's; read what the org holds once all settled
    fr_record, kr_record = rt.record("shared", fr["scoped_id"]), rt.record("shared", kr["scoped_id"])
    assert fr["scoped_id"].split(":")[0] != kr["scoped_id"].split(":")[0]  # told apart by their scope
    queues = {
        r["Queue"]["DeveloperName"]: r["QueueId"]
        for r in sf.query_all(
            "SELECT QueueId, Queue.DeveloperName FROM QueueSobject WHERE SobjectType = 'alcmeon__Conversation__c'"
        )["records"]
    }
    assert fr_record["OwnerId"] == queues["FR_Social"]
    assert kr_record["OwnerId"] == queues["KR_Social"]
    assert (kr_record["alcmeon__Account__c"], kr_record["alcmeon__Contact__c"]) == (person, None)
    assert "k-1" in kr_record["alcmeon__Channel_specific_user_data__c"]


def test_many_to_many(topology_factory):
    """TOPO-04: EU feeds two orgs by team, APAC feeds one in team-based mode; package 5.3 has no channel data."""
    rt = topology_factory("many-to-many")
    service = write(rt, "eu", "EU WhatsApp", "33600000004")
    route(rt, "eu", service["task_id"], "Salesforce agents")
    sales = write(rt, "eu", "EU Instagram", "insta-1", channel_data={"username": "insta_one"})
    route(rt, "eu", sales["task_id"], "Sales")
    apac = write(rt, "apac", "APAC KakaoTalk", "821000000002")
    route(rt, "apac", apac["task_id"], "Salesforce agents")
    matched_only = write(rt, "apac", "APAC KakaoTalk", "821000000003")
    contact = rt.org("service").client().Contact.create({"LastName": "Lee"})["id"]
    match(rt, "apac", matched_only["social_user_id"], contact)
    reply(rt, "apac", matched_only["task_id"])  # team-based mode: a reply after a match is not enough
    rt.wait_for_record("service", service["scoped_id"])
    rt.wait_for_record("service", apac["scoped_id"])
    rt.wait_for_record("sales", sales["scoped_id"])
    rt.wait_idle()
    assert rt.record("service", matched_only["scoped_id"]) is None
    assert {r["alcmeon__scoped_id__c"] for r in rt.conversations("sales")} == {sales["scoped_id"]}


def test_an_agent_change_in_the_org_comes_back_as_a_signed_callout_for_its_environment(topology_factory):
    """The package's callout reaches the connector endpoint of the environment the conversation came from
    (TOPO-03); the connector verifies and stores it as a job of that conversation."""
    rt = topology_factory("many-to-one")
    kr = write(rt, "brand-kr", "Brand KakaoTalk", "821000000009")
    route(rt, "brand-kr", kr["task_id"], "Salesforce agents")
    record = rt.wait_for_record("shared", kr["scoped_id"])
    rt.agent_client("shared").alcmeon__Conversation__c.update(record["Id"], {"alcmeon__Status__c": "CLOSED"})

    def callout():
        jobs = [j for j in rt.admin("GET", "/jobs").json() if j["type"] == "package.callout"]
        return jobs[0] if jobs else None

    job = wait_until(callout, 15, 0.05, "the package callout")
    assert job["payload"]["env"] == "brand-kr" and job["payload"]["org"] == "shared"
    assert job["payload"]["callout"]["scoped_id"] == kr["scoped_id"]
    assert job["payload"]["callout"]["changes"]["alcmeon__Status__c"] == {"old": "OPEN", "new": "CLOSED"}
    assert job["key"] == f"brand-kr:{kr['conversation_id']}"
