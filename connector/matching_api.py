"""The connector endpoints the Alcméon inbox calls to match a social user (MATCH-03 to MATCH-06, V360-01)."""

# Routes under /matching/<env>/accounts/<account id>/users/<social media user id>, the ids the inbox
# knows (AR 3.6 names users this way). They take the environment's application credentials (Basic):
# only that Alcméon environment may read its linked org through the connector. The org is the one the
# social account is linked to (AR 1.8); the match itself lives in Alcméon's user custom field.

from __future__ import annotations

import base64
import hmac
import uuid

from flask import Blueprint, jsonify, request

from alcsim.connector import matching as rules
from alcsim.connector.app import Refused
from alcsim.connector.jobs import PROPAGATE_JOB, user_key
from alcsim.connector.retry import Retryable
from alcsim.connector.rules import to_salesforce as sync_rules
from alcsim.connector.rules.to_alcmeon import match_value
from alcsim.connector.soql import is_id, soql

USER = "/matching/<env>/accounts/<int:account_id>/users/<user_id>"
MAX_CANDIDATES = 20


def blueprint(connector) -> Blueprint:
    bp = Blueprint("matching", __name__)
    fields_cache: dict[tuple[str, str], set[str]] = {}  # per connector: describe once per (org, object)

    @bp.before_request
    def _guard():
        env = (request.view_args or {}).get("env")
        endpoint = connector.environment_endpoint(env) if env else None
        if endpoint is None:
            raise Refused(404, f"no environment {env!r}")
        expected = base64.b64encode(f"{endpoint.instance_id}:{endpoint.secret}".encode()).decode()
        given = request.headers.get("Authorization", "").removeprefix("Basic ").strip()
        if not hmac.compare_digest(expected, given):
            raise Refused(401, "the environment's application credentials are required (Basic)")
        return None

    def context(env: str, account_id: int, user_id: str, current: bool = True) -> dict:
        """What a route needs of the user and the linked org; `current` False skips reading the user's
        current match (a bind overwrites it and answers with the new one, so it needs no read)."""
        gateway = connector.environment(env)
        settings = connector.settings.get(env)
        link = sync_rules.account_link(settings, account_id)
        if link is None:
            raise Refused(409, f"social account {account_id} is linked to no Salesforce org")
        org_gw = connector.org_by_id(link["org_id"])
        if org_gw is None:
            raise Refused(409, f"org {link['org_id']} is not connected to this connector")
        org = sync_rules.org_settings(settings, link["org_id"])
        person = bool(org.get("person_account_mode"))
        field_id = gateway.contact_field_id()
        sobject = rules.party_object(person)
        key = (org_gw.endpoint.name, sobject)
        if key not in fields_cache:
            fields_cache[key] = org_gw.field_names(sobject)
        known = fields_cache[key]
        match = {}
        if current:
            values = gateway.user_fields(account_id, user_id)
            match = {"contact_id": match_value(values, field_id), "known_user": values is not None}
        return {
            **match,
            "env": gateway,
            "org": org_gw,
            "person": person,
            "sobject": sobject,
            "field_id": field_id,
            "search": rules.party_fields(org.get("contact_search_fields") or [], person, known),
            "display": rules.party_fields(org.get("contact_display_fields") or ["Name"], person, known),
            "profile": rules.party_fields(
                org.get("contact_profile_fields") or list(rules.DEFAULT_PROFILE_FIELDS), person, known
            ),
        }

    def fetch(ctx: dict, record_id: str, fields: list[str]) -> dict | None:
        if not is_id(record_id):
            return None
        select = list(dict.fromkeys(["Id", *fields]))
        where = soql(" AND IsPersonAccount = true" if ctx["person"] else "")
        rows = ctx["org"].query_all(
            soql(
                "SELECT {:names} FROM {:name} WHERE Id = {:id}{:query}",
                select,
                ctx["sobject"],
                record_id,
                where,
            )
        )
        return rows[0] if rows else None

    def state(ctx: dict) -> dict:
        return {
            "cloud": rules.cloud(ctx["contact_id"]),
            "contact_id": ctx["contact_id"],
            "object": ctx["sobject"],
            "org_id": ctx["org"].organization_id,
        }

    @bp.get(USER)
    def user_state(env: str, account_id: int, user_id: str):
        """MATCH-03/04: grey or blue cloud, and the profile when matched."""
        ctx = context(env, account_id, user_id)
        body = state(ctx)
        if ctx["contact_id"]:
            record = fetch(ctx, ctx["contact_id"], ctx["profile"])
            body["profile"] = rules.display(record, ctx["profile"]) if record else None
        return jsonify(body)

    @bp.get(USER + "/candidates")
    def candidates(env: str, account_id: int, user_id: str):
        """MATCH-03: candidates by the configured search fields, shown with the configured display fields."""
        ctx = context(env, account_id, user_id)
        term = (request.args.get("q") or user_id).strip()
        if len(term) < 2:
            raise Refused(400, "a search term has at least two characters")
        select = list(dict.fromkeys(["Id", *ctx["search"], *ctx["display"]]))
        where = soql(" WHERE IsPersonAccount = true" if ctx["person"] else "")
        found: dict[str, dict] = {}
        for text in rules.search_terms(term):
            sosl = soql(
                "FIND {:term} IN ALL FIELDS RETURNING {:name}({:names}{:query})",
                text,
                ctx["sobject"],
                select,
                where,
            )
            for record in ctx["org"].search(sosl):
                found.setdefault(record["Id"], record)
        matches = [r for r in found.values() if rules.is_candidate(r, ctx["search"], term)][:MAX_CANDIDATES]
        return jsonify(
            {
                **state(ctx),
                "term": term,
                "search_fields": ctx["search"],
                "display_fields": ctx["display"],
                "candidates": [
                    {
                        "id": r["Id"],
                        "fields": rules.display(r, ctx["display"]),
                        "bound": r["Id"] == ctx["contact_id"],
                    }
                    for r in matches
                ],
            }
        )

    def bind(ctx: dict, env: str, account_id: int, user_id: str, party_id: str) -> dict:
        try:
            ctx["env"].set_user_field(account_id, user_id, ctx["field_id"], party_id)
        except Retryable:
            # A write whose answer was lost may have been applied: the follow-up reads the match back,
            # so it links the records if it was and changes nothing if it was not.
            follow_up(env, ctx["org"].endpoint.name, account_id, user_id)
            raise
        follow_up(env, ctx["org"].endpoint.name, account_id, user_id)
        return {
            "cloud": "blue",
            "contact_id": party_id,
            "object": ctx["sobject"],
            "org_id": ctx["org"].organization_id,
        }

    def follow_up(env: str, org: str, account_id: int, user_id: str) -> None:
        """MATCH-02 after a bind, as a durable job of the user's (connector/callouts.py): it finds the
        user's newest conversation and current match when it runs, so no read of Alcméon stands between
        the write and the job, and a bind whose answer failed still has its records linked."""
        if connector.store.enqueue(
            PROPAGATE_JOB,
            user_key(env, account_id, user_id),
            f"bind:{env}:{account_id}:{user_id}:{uuid.uuid4()}",  # each bind is an event of its own
            {"env": env, "org": org, "account_id": account_id, "user_id": user_id},
        ):
            connector.engine.wake()

    @bp.post(USER + "/bind")
    def bind_candidate(env: str, account_id: int, user_id: str):
        """MATCH-04: the agent binds a candidate; the user is matched (blue cloud), MATCH-02 follows."""
        ctx = context(env, account_id, user_id, current=False)
        party_id = (request.get_json(silent=True) or {}).get("contact_id")
        if fetch(ctx, party_id, []) is None:
            raise Refused(404, f"no {ctx['sobject']} {party_id!r} in the linked org")
        return jsonify(bind(ctx, env, account_id, user_id, party_id))

    @bp.post(USER + "/contacts")
    def create_party(env: str, account_id: int, user_id: str):
        """MATCH-05 (MATCH-06): a Contact, or a person Account, created from Alcméon and bound at once."""
        ctx = context(env, account_id, user_id, current=False)
        body = request.get_json(silent=True) or {}
        values = body.get("fields") or {}
        if not isinstance(values, dict):
            raise Refused(400, "fields is an object of field API name to value")
        seen = ctx["env"].latest_user_conversation(account_id, user_id)  # the inbox's name for the user
        user = seen["social_user"] if seen else None
        record = rules.new_party(values, ctx["person"], (user or {}).get("name") or user_id)
        if ctx["person"]:
            record["RecordTypeId"] = _person_record_type(ctx["org"])
        party_id = ctx["org"].create(ctx["sobject"], record)
        return jsonify(bind(ctx, env, account_id, user_id, party_id)), 201

    @bp.get(USER + "/activities")
    def activities(env: str, account_id: int, user_id: str):
        """V360-01: the matched Contact's Tasks and Events; an unmatched user has none."""
        ctx = context(env, account_id, user_id)
        body = {**state(ctx), "tasks": [], "events": []}
        if not ctx["contact_id"] or not is_id(ctx["contact_id"]):
            return jsonify(body)
        who = ctx["contact_id"]
        if ctx["person"]:
            rows = ctx["org"].query_all(soql("SELECT PersonContactId FROM Account WHERE Id = {:id}", who))
            who = rows[0]["PersonContactId"] if rows and rows[0]["PersonContactId"] else who
        tasks = ctx["org"].query_all(
            soql(
                "SELECT Id, Subject, Status, ActivityDate FROM Task"
                " WHERE WhoId = {:id} ORDER BY ActivityDate DESC NULLS LAST",
                who,
            )
        )
        events = ctx["org"].query_all(
            soql(
                "SELECT Id, Subject, StartDateTime, EndDateTime, Location FROM Event"
                " WHERE WhoId = {:id} ORDER BY StartDateTime DESC NULLS LAST",
                who,
            )
        )
        body["tasks"] = [rules.activity(r, "Task") for r in tasks]
        body["events"] = [rules.activity(r, "Event") for r in events]
        return jsonify(body)

    return bp


def _person_record_type(org_gw) -> str:
    rows = org_gw.query_all(
        soql("SELECT Id FROM RecordType WHERE SobjectType = 'Account' AND IsPersonType = true")
    )
    if not rows:
        raise Refused(409, "the org has no person account record type")
    return rows[0]["Id"]


def register(connector) -> None:
    connector.app.register_blueprint(blueprint(connector))
