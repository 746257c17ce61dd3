"""Matching from Alcméon through the connector endpoints the inbox calls (MATCH-03 to MATCH-06, V360-01)."""

from __future__ import annotations

from urllib.parse import parse_qs

from conn_helpers import route, write

from alcsim.simulators.salesforce.running import trusting_session
from alcsim.simulators.topology.launch import wait_until

ENV, ORG = "brand", "main"


def inbox(rt, env: str = ENV):
    """The Alcméon inbox's client of the connector: the environment's application credentials."""
    session = trusting_session(rt.ca_bundle)
    session.auth = (rt.env(env).instance_id, rt.env(env).secret)
    return session


def user_url(rt, account: str, user_id: str, env: str = ENV) -> str:
    return f"{rt.connector_url}/matching/{env}/accounts/{rt.account_id(env, account)}/users/{user_id}"


def test_an_unmatched_user_shows_a_grey_cloud_and_candidates_by_the_search_fields(topology):
    """MATCH-03: search by the configured fields (Email, MobilePhone, Phone), shown with Name, Email, Phone."""
    phone = "33612345678"
    write(topology, ENV, "Brand WhatsApp", phone, "Hola")
    client = topology.org(ORG).client()
    good = client.Contact.create(
        {
            "FirstName": "Ana",
            "LastName": "Lopez",
            "MobilePhone": "+33 6 12 34 56 78",
            "Email": "ana@example.com",
            "Title": "CEO",
        }
    )["id"]
    client.Contact.create({"LastName": "Other", "MobilePhone": "+33 6 99 99 99 99"})
    url = user_url(topology, "Brand WhatsApp", phone)
    state = inbox(topology).get(url).json()
    assert state["cloud"] == "grey" and state["contact_id"] is None
    found = inbox(topology).get(f"{url}/candidates").json()  # the default term is the user's phone id
    assert [c["id"] for c in found["candidates"]] == [good]
    assert found["candidates"][0]["fields"] == {
        "Name": "Ana Lopez",
        "Email": "ana@example.com",
        "Phone": None,
    }
    by_mail = inbox(topology).get(f"{url}/candidates", params={"q": "ana@example.com"}).json()
    assert [c["id"] for c in by_mail["candidates"]] == [good]
    # LastName is not a configured search field: a name finds nobody.
    assert inbox(topology).get(f"{url}/candidates", params={"q": "Lopez"}).json()["candidates"] == []


def test_binding_a_candidate_matches_the_user_and_shows_the_profile(topology):
    """MATCH-04 (blue cloud, profile fields) and MATCH-02 from Alcméon: the user's record gets the Contact."""
    phone = "33612345679"
    message = write(topology, ENV, "Brand WhatsApp", phone, "Hola")
    route(topology, ENV, message["task_id"], "Salesforce agents")
    topology.wait_for_record(ORG, message["scoped_id"])
    contact = (
        topology.org(ORG)
        .client()
        .Contact.create({"LastName": "Garcia", "Email": "g@example.com", "MailingCity": "Lyon"})["id"]
    )
    url = user_url(topology, "Brand WhatsApp", phone)
    bound = inbox(topology).post(f"{url}/bind", json={"contact_id": contact})
    assert bound.status_code == 200, bound.text
    assert bound.json()["cloud"] == "blue"
    state = inbox(topology).get(url).json()
    assert state["cloud"] == "blue" and state["contact_id"] == contact
    assert state["profile"] == {
        "Name": "Garcia",
        "Email": "g@example.com",
        "Phone": None,
        "MailingCity": "Lyon",
    }
    topology.wait_for_record(ORG, message["scoped_id"], lambda r: r["alcmeon__Contact__c"] == contact)
    user = topology.env(ENV).ext("GET", f"/users/{message['social_user_id']}").json()
    assert user["crm_contact_id"] == contact
    # The profile fields come from the topology through Alcméon's org settings (AR 1.8).
    settings = topology.env(ENV).ext("GET", "/salesforce").json()["organizations"][0]
    assert settings["contact_profile_fields"] == ["Name", "Email", "Phone", "MailingCity"]


def test_binding_an_unknown_contact_is_refused(topology):
    write(topology, ENV, "Brand WhatsApp", "33612345670", "Hola")
    url = user_url(topology, "Brand WhatsApp", "33612345670")
    assert inbox(topology).post(f"{url}/bind", json={"contact_id": "003000000000000AAA"}).status_code == 404
    assert inbox(topology).get(url).json()["cloud"] == "grey"


def test_creating_a_contact_from_alcmeon_links_the_user(topology):
    """MATCH-05: no Contact fits; the agent creates one from Alcméon and the user is linked to it."""
    phone = "33612345671"
    write(topology, ENV, "Brand WhatsApp", phone, "Hola", name="Lucia Fernandez")
    url = user_url(topology, "Brand WhatsApp", phone)
    created = inbox(topology).post(f"{url}/contacts", json={"fields": {"MobilePhone": "+33612345671"}})
    assert created.status_code == 201, created.text
    contact_id = created.json()["contact_id"]
    row = topology.org(ORG).client().Contact.get(contact_id)
    assert (row["FirstName"], row["LastName"], row["MobilePhone"]) == ("Lucia", "Fernandez", "+33612345671")
    assert inbox(topology).get(url).json()["cloud"] == "blue"


def test_the_360_view_lists_the_matched_contacts_tasks_and_events(topology):
    """V360-01: Tasks and Events of the matched Contact; an unmatched user has none to show."""
    phone = "33612345672"
    write(topology, ENV, "Brand WhatsApp", phone, "Hola")
    url = user_url(topology, "Brand WhatsApp", phone)
    client = topology.org(ORG).client()
    contact = client.Contact.create({"LastName": "Ruiz"})["id"]
    other = client.Contact.create({"LastName": "Someone else"})["id"]
    client.Task.create({"Subject": "Call", "WhoId": contact, "ActivityDate": "2026-11-20"})
    client.Task.create({"Subject": "Other", "WhoId": other})
    client.Event.create(
        {
            "Subject": "Meeting",
            "WhoId": contact,
            "StartDateTime": "2026-11-21T10:00:00.000+0000",
            "EndDateTime": "2026-11-21T11:00:00.000+0000",
            "DurationInMinutes": 60,
        }
    )
    empty = inbox(topology).get(f"{url}/activities").json()
    assert (empty["cloud"], empty["tasks"], empty["events"]) == ("grey", [], [])
    inbox(topology).post(f"{url}/bind", json={"contact_id": contact}).raise_for_status()
    view = inbox(topology).get(f"{url}/activities").json()
    assert [(t["subject"], t["date"]) for t in view["tasks"]] == [("Call", "2026-11-20")]
    assert [e["subject"] for e in view["events"]] == ["Meeting"]


def test_the_matching_endpoints_need_the_environments_credentials(topology):
    write(topology, ENV, "Brand WhatsApp", "33612345673", "Hola")
    url = user_url(topology, "Brand WhatsApp", "33612345673")
    assert trusting_session(topology.ca_bundle).get(url).status_code == 401
    wrong = trusting_session(topology.ca_bundle)
    wrong.auth = (topology.env(ENV).instance_id, "not-the-secret")
    assert wrong.get(url).status_code == 401


def test_person_account_mode_searches_binds_and_creates_person_accounts(topology_factory):
    """MATCH-06: in person-account mode every Contact above is a person Account; records link through
    alcmeon__Account__c, never both lookups."""
    rt = topology_factory("many-to-one")
    env, org, phone = "brand-fr", "shared", "33655500001"
    message = write(rt, env, "Marque WhatsApp", phone, "Bonjour")
    route(rt, env, message["task_id"], "Salesforce agents")
    rt.wait_for_record(org, message["scoped_id"])
    client = rt.org(org).client()
    person_type = client.query(
        "SELECT Id FROM RecordType WHERE SobjectType = 'Account' AND IsPersonType = true"
    )
    person = client.Account.create(
        {
            "RecordTypeId": person_type["records"][0]["Id"],
            "LastName": "Bernard",
            "PersonMobilePhone": "+33 6 55 50 00 01",
        }
    )["id"]
    url = user_url(rt, "Marque WhatsApp", phone, env)
    found = inbox(rt, env).get(f"{url}/candidates").json()
    assert found["object"] == "Account" and [c["id"] for c in found["candidates"]] == [person]
    inbox(rt, env).post(f"{url}/bind", json={"contact_id": person}).raise_for_status()
    record = rt.wait_for_record(org, message["scoped_id"], lambda r: r["alcmeon__Account__c"] == person)
    assert record["alcmeon__Contact__c"] is None
    person_contact = client.query(f"SELECT PersonContactId FROM Account WHERE Id = '{person}'")["records"][0]
    client.Task.create({"Subject": "Call", "WhoId": person_contact["PersonContactId"]})
    tasks = inbox(rt, env).get(f"{url}/activities").json()["tasks"]
    assert [t["subject"] for t in tasks] == ["Call"]  # V360-01
    other = write(rt, env, "Marque WhatsApp", "33655500002", "Salut", name="Claire Moreau")
    created = inbox(rt, env).post(
        user_url(rt, "Marque WhatsApp", "33655500002", env) + "/contacts",
        json={"fields": {"Email": "claire@example.com"}},
    )
    assert created.status_code == 201, created.text
    account = client.query(
        f"SELECT IsPersonAccount, PersonEmail, LastName FROM Account"
        f" WHERE Id = '{created.json()['contact_id']}'"
    )["records"][0]
    assert (account["IsPersonAccount"], account["PersonEmail"], account["LastName"]) == (
        True,
        "claire@example.com",
        "Moreau",
    )
    wait_until(
        lambda: rt.env(env).ext("GET", f"/users/{other['social_user_id']}").json()["crm_contact_id"],
        10,
        what="the match",
    )


def env_journal(rt, since: int = 0, env: str = ENV) -> list[dict]:
    handle = rt.env(env)
    return handle.session.get(f"{handle.url}/_sim/journal", params={"since": since}).json()["entries"]


def test_a_bind_and_its_propagation_take_few_calls_to_alcmeon(topology):
    """A bind reads the match field's id and writes the user's field; MATCH-02's follow-up finds the
    user's newest conversation in a short page of the account's list, however many conversations the
    account holds (the agent binds from a conversation open in the inbox), reads the user's
    conversations and syncs them again."""
    for other in range(40):  # the account's list grows; a bind reads no more of it
        write(topology, ENV, "Brand WhatsApp", f"336130000{other:02d}", "Hola")
    phone = "33612345674"
    message = write(topology, ENV, "Brand WhatsApp", phone, "Hola")
    contact = topology.org(ORG).client().Contact.create({"LastName": "Moreno"})["id"]
    url = user_url(topology, "Brand WhatsApp", phone)
    topology.wait_idle()
    since = max((e["seq"] for e in env_journal(topology)), default=0)
    inbox(topology).post(f"{url}/bind", json={"contact_id": contact}).raise_for_status()
    topology.wait_idle()
    harness = ("/_sim/journal", "/_sim/ext/notifications/stats")  # this test's and wait_idle's polls
    calls = [e for e in env_journal(topology, since) if not e["path"].startswith(harness)]
    shown = [(e["method"], e["path"], e["query"]) for e in calls]
    assert all(e["status"] < 400 for e in calls), shown
    # The bind: the match field's id, the field write. MATCH-02's job: one page of 25 of the account's
    # list, the user's conversations, and the sync again (the conversation, its actions), with the
    # org-linking settings when their cache has expired (connector/sync.py).
    assert len(calls) <= 8, shown
    listed = [
        parse_qs(e["query"])
        for e in calls
        if e["path"] == "/_sim/ext/conversations" and "social_user_id" not in e["query"]
    ]
    assert [q.get("limit") for q in listed] == [["25"]], shown
    matched = topology.env(ENV).ext("GET", f"/users/{message['social_user_id']}").json()
    assert matched["crm_contact_id"] == contact


def test_a_bind_links_the_records_though_alcmeon_fails_right_after_the_write(topology):
    """MATCH-02 follows a bind as a durable job: Alcméon answering 502 to the reads after the match was
    written (the chaos run's case) delays the records' link, never loses it; the bind itself answers."""
    phone = "33612345675"
    message = write(topology, ENV, "Brand WhatsApp", phone, "Hola")
    route(topology, ENV, message["task_id"], "Salesforce agents")
    topology.wait_for_record(ORG, message["scoped_id"])
    contact = topology.org(ORG).client().Contact.create({"LastName": "Navarro"})["id"]
    handle = topology.env(ENV)
    fault = {"kind": "error", "path": r"^/_sim/ext/conversations$", "status": 502, "times": 4}
    handle.session.post(f"{handle.url}/_sim/faults", json=fault).raise_for_status()
    since = max((e["seq"] for e in env_journal(topology)), default=0)
    bound = inbox(topology).post(
        f"{user_url(topology, 'Brand WhatsApp', phone)}/bind", json={"contact_id": contact}
    )
    assert bound.status_code == 200, bound.text
    topology.wait_for_record(ORG, message["scoped_id"], lambda r: r["alcmeon__Contact__c"] == contact)
    listed = [e["status"] for e in env_journal(topology, since) if e["path"] == "/_sim/ext/conversations"]
    assert listed[:5] == [502, 502, 502, 502, 200]
    topology.wait_idle()
    assert topology.admin("GET", "/sync-errors").json() == []


def test_a_rebind_links_the_users_records_to_the_last_party(topology):
    """Two binds in a row: the follow-ups read the match when they run, so the records end on the
    second party, as Alcméon does."""
    phone = "33612345676"
    message = write(topology, ENV, "Brand WhatsApp", phone, "Hola")
    route(topology, ENV, message["task_id"], "Salesforce agents")
    topology.wait_for_record(ORG, message["scoped_id"])
    client = topology.org(ORG).client()
    first, second = (client.Contact.create({"LastName": name})["id"] for name in ("Vidal", "Serra"))
    url = user_url(topology, "Brand WhatsApp", phone)
    for party in (first, second):
        inbox(topology).post(f"{url}/bind", json={"contact_id": party}).raise_for_status()
    topology.wait_idle()
    record = topology.wait_for_record(ORG, message["scoped_id"], lambda r: r["alcmeon__Contact__c"] == second)
    assert record["alcmeon__Contact__c"] == second
    assert (
        topology.env(ENV).ext("GET", f"/users/{message['social_user_id']}").json()["crm_contact_id"] == second
    )
