"""Small checks a story step makes: each reads the state over HTTP and says what it expected when it differs."""

from __future__ import annotations

from collections.abc import Callable

from alcsim.simulators.demo.scene import Scene

Check = Callable[[Scene], str | None]


def every(*checks: Check) -> Check:
    """All of them hold; the first that does not gives its reason."""

    def check(scene: Scene) -> str | None:
        return next((reason for c in checks if (reason := c(scene))), None)

    return check


def in_team(name: str, team: str) -> Check:
    def check(scene: Scene) -> str | None:
        known = scene.customer(name)
        found = scene.team_name(known.env, scene.conversation(name)["team_id"])
        return None if found == team else f"{name}'s conversation in the {team!r} team; it is in {found!r}"

    return check


def conversation_status(name: str, status: str) -> Check:
    def check(scene: Scene) -> str | None:
        found = scene.conversation(name)["status"]
        return None if found == status else f"{name}'s conversation {status} in Alcméon; it is {found}"

    return check


def delivered(name: str, text: str) -> Check:
    def check(scene: Scene) -> str | None:
        return None if scene.delivered(name, text) else f"{text!r} sent to {name} on the channel (not yet)"

    return check


def synced(org: str, name: str, status: str | None = None) -> Check:
    def check(scene: Scene) -> str | None:
        record = scene.record(org, name)
        if record is None:
            return f"a conversation record of {name} in the {org} org; there is none"
        if status and record["alcmeon__Status__c"] != status:
            return f"{name}'s record {status}; it is {record['alcmeon__Status__c']}"
        return None

    return check


def not_synced(name: str) -> Check:
    def check(scene: Scene) -> str | None:
        holding = scene.orgs_holding(name)
        return f"no record of {name} in any org; found one in {', '.join(holding)}" if holding else None

    return check


def record_count(org: str, count: int) -> Check:
    def check(scene: Scene) -> str | None:
        rows = scene.query(org, "SELECT alcmeon__scoped_id__c FROM alcmeon__Conversation__c")
        scoped = [r["alcmeon__scoped_id__c"] for r in rows]
        if len(scoped) != len(set(scoped)):
            return f"no duplicate record in the {org} org; found {scoped}"
        return None if len(rows) == count else f"{count} conversation record(s) in {org}; found {len(rows)}"

    return check


def history(org: str, name: str, count: int) -> Check:
    """SYNC-05: one record per conversation, all closed but the latest."""

    def check(scene: Scene) -> str | None:
        rows = {r["alcmeon__scoped_id__c"]: r["alcmeon__Status__c"] for r in scene.records(org, name)}
        latest = scene.customer(name).last["scoped_id"]
        earlier = {s for k, s in rows.items() if k != latest}
        if len(rows) != count or rows.get(latest) != "OPEN" or earlier - {"CLOSED"}:
            return f"{count} records of {name} in {org}, only the latest OPEN; found {rows}"
        return None

    return check


def record_owner_queue(org: str, name: str, queue: str) -> Check:
    def check(scene: Scene) -> str | None:
        record = scene.record(org, name)
        expected = scene.queue_id(org, queue)
        if record is None:
            return f"{name}'s record in the {queue} queue of {org}; there is no record"
        return None if record["OwnerId"] == expected else f"{name}'s record owned by the {queue} queue"

    return check


def record_links(org: str, name: str, contact: str) -> Check:
    """The record links the Contact (or the person account, MATCH-06), never both lookups."""

    def check(scene: Scene) -> str | None:
        record = scene.record(org, name)
        party = scene.contact_id(contact)
        if record is None:
            return f"{name}'s record linking {contact}; there is no record"
        person = scene.rt.topology.org(org).person_accounts
        linked, other = (
            ("alcmeon__Account__c", "alcmeon__Contact__c")
            if person
            else ("alcmeon__Contact__c", "alcmeon__Account__c")
        )
        if record[linked] != party or record[other]:
            return f"{name}'s record linking {contact} ({party}); it links {record[linked] or 'nobody'}"
        return None

    return check


def matched(name: str, contact: str) -> Check:
    def check(scene: Scene) -> str | None:
        found = (scene.crm_contact(name) or "")[:15]
        expected = scene.contact_id(contact)[:15]
        return (
            None if found == expected else f"{name} matched to {contact} in Alcméon; found {found or 'none'}"
        )

    return check


def cloud(name: str, colour: str) -> Check:
    def check(scene: Scene) -> str | None:
        answer = scene.matching(name, "GET")
        found = answer.json().get("cloud") if answer.ok else f"HTTP {answer.status_code}"
        return None if found == colour else f"a {colour} cloud beside {name}; it is {found}"

    return check


def case_owner(org: str, name: str, queue: str | None = None) -> Check:
    """The Case of the customer's record is in `queue`, or with the answering agent when queue is None."""

    def check(scene: Scene) -> str | None:
        case = scene.case(org, name)
        if case is None:
            return f"a Case for {name}'s conversation in {org}; there is none"
        expected = scene.queue_id(org, queue) if queue else scene.sf_agent_id(org)
        whose = f"the {queue} queue" if queue else scene.sf_agent_user(org).username
        return None if case["OwnerId"] == expected else f"{name}'s Case owned by {whose}"

    return check


def case_contact(org: str, name: str, contact: str) -> Check:
    def check(scene: Scene) -> str | None:
        case = scene.case(org, name)
        expected = scene.contact_id(contact)
        if case is None or case.get("ContactId") != expected:
            return f"{name}'s Case linking the Contact {contact}"
        return None

    return check


def contact_exists(contact: str) -> Check:
    def check(scene: Scene) -> str | None:
        org, party = scene.contacts[contact]
        sobject = "Account" if scene.rt.topology.org(org).person_accounts else "Contact"
        rows = scene.query(org, f"SELECT Name FROM {sobject} WHERE Id = {{}}", party)  # sobject: ours
        return None if [r["Name"] for r in rows] == [contact] else f"the {sobject} {contact} in {org}"

    return check


def related_conversations(contact: str, count: int) -> Check:
    def check(scene: Scene) -> str | None:
        org, party = scene.contacts[contact]
        rows = scene.query(
            org, "SELECT Id FROM alcmeon__Conversation__c WHERE alcmeon__Contact__c = {}", party
        )
        return None if len(rows) == count else f"{count} conversation(s) under {contact}; found {len(rows)}"

    return check


def activities(name: str, task: str, event: str) -> Check:
    def check(scene: Scene) -> str | None:
        answer = scene.matching(name, "GET", "/activities")
        if not answer.ok:
            return f"{name}'s Salesforce activities; the connector answered {answer.status_code}"
        seen = answer.json()
        tasks = [t["subject"] for t in seen["tasks"]]
        events = [e["subject"] for e in seen["events"]]
        if tasks != [task] or events != [event]:
            return f"the task {task!r} and the event {event!r}; found {tasks} and {events}"
        return None

    return check


def widget_mode(org: str, case_key: str, mode: str) -> Check:
    def check(scene: Scene) -> str | None:
        answer = scene.widget(org, scene.memo[case_key])
        found = answer.json().get("mode") if answer.ok else f"HTTP {answer.status_code}"
        return None if found == mode else f"the widget in {mode} mode; it shows {found}"

    return check


def engagement_sent(org: str, key: str) -> Check:
    def check(scene: Scene) -> str | None:
        row = scene.admin(org).alcmeon__Engagement__c.get(scene.memo[key])
        status = row["alcmeon__Status__c"]
        if status != "Sent" or not row["alcmeon__Sent_Date__c"]:
            return f"the engagement Sent with its sending date; it is {status} ({scene.memo.get(key + ':answer')})"
        return None

    return check


def template_delivered(name: str) -> Check:
    def check(scene: Scene) -> str | None:
        known = scene.customer(name)
        sends = scene.ext(known.env, "GET", "/template-sends")
        rows = sends if isinstance(sends, list) else sends.get("data", [])
        ok = any(s["to_user"] == known.user_id and s["status"] == "delivered" for s in rows)
        return None if ok else f"the template message delivered to {name} ({known.user_id})"

    return check


def answered_ok(key: str) -> Check:
    """What the widget answered to the agent's act, kept by the act under memo[key]."""

    def check(scene: Scene) -> str | None:
        status, text = scene.memo.get(key, (None, "no answer"))
        return None if status == 200 else f"the widget to accept; it answered {status}: {text[:150]}"

    return check
