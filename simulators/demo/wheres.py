"""Where a step says to look: the page, and the user who opens it (the answering agent, or the inbox agent)."""

from __future__ import annotations

from alcsim.simulators.demo.model import Where
from alcsim.simulators.demo.scene import Scene


def inbox_conversation(name: str):
    def where(scene: Scene) -> Where:
        known = scene.customer(name)
        agent = scene.alcmeon_agent(known.env)
        path = f"/inbox/conversations/{known.last['conversation_id']}"
        return Where(
            f"{name}'s conversation in the {known.env} inbox", "inbox", known.env, path, agent["email"]
        )

    return where


def inbox_team(env: str, team: str):
    def where(scene: Scene) -> Where:
        agent = scene.alcmeon_agent(env)
        path = f"/inbox/teams/{scene.rt.team_id(env, team)}"
        return Where(f"the {team} team's inbox", "inbox", env, path, agent["email"])

    return where


def _as_agent(scene: Scene, org: str, label: str, path: str) -> Where:
    return Where(label, "org", org, path, scene.sf_agent_user(org).username)


def org_record(org: str, name: str):
    def where(scene: Scene) -> Where:
        record = scene.record(org, name)
        path = f"/lightning/r/alcmeon__Conversation__c/{record['Id']}/view"
        return _as_agent(scene, org, f"{name}'s conversation record in {org}", path)

    return where


def org_case(org: str, name: str):
    def where(scene: Scene) -> Where:
        case = scene.case(org, name)
        return _as_agent(scene, org, f"{name}'s Case in {org}", f"/lightning/r/Case/{case['Id']}/view")

    return where


def org_case_memo(org: str, key: str, label: str):
    def where(scene: Scene) -> Where:
        return _as_agent(scene, org, label, f"/lightning/r/Case/{scene.memo[key]}/view")

    return where


def org_contact(contact: str):
    def where(scene: Scene) -> Where:
        org, party = scene.contacts[contact]
        sobject = "Account" if scene.rt.topology.org(org).person_accounts else "Contact"
        return _as_agent(scene, org, f"{contact} in {org}", f"/lightning/r/{sobject}/{party}/view")

    return where


def org_list(org: str, sobject: str = "alcmeon__Conversation__c", label: str = ""):
    def where(scene: Scene) -> Where:
        return _as_agent(scene, org, label or f"the list in {org}", f"/lightning/o/{sobject}/list")

    return where
