"""Queues configured to push their conversations to a team of another org (TOPO-07), kept by the connector."""

# The environment's team/queue mapping holds one (org, queue) per team: where a team's conversations go.
# A queue of a first org that sends conversations on to a second org's team is a second mapping for that
# team, which Alcméon's settings (and the fake's) cannot hold; the connector keeps these queue routes in
# its own store and serves them on its admin API (docs/assumptions.md, "Queue routes").

from __future__ import annotations

from flask import Blueprint, jsonify, request

from alcsim.connector.app import Refused
from alcsim.connector.rules.to_alcmeon import QueueRoute
from alcsim.connector.soql import to18

SCHEMA = """CREATE TABLE IF NOT EXISTS queue_routes (
    env TEXT NOT NULL, org_id TEXT NOT NULL, queue_id TEXT NOT NULL, team_id INTEGER NOT NULL,
    PRIMARY KEY (env, org_id, queue_id))"""


def create_table(store) -> None:
    with store.transaction() as db:
        db.execute(SCHEMA)


def routes(store, env: str | None = None) -> list[QueueRoute]:
    """The queue routes kept by the connector, of one environment or of all."""
    rows = store.all("SELECT env, org_id, queue_id, team_id FROM queue_routes ORDER BY env, org_id, queue_id")
    found = [QueueRoute(r["env"], r["org_id"], r["queue_id"], r["team_id"]) for r in rows]
    return [r for r in found if env is None or r.env == env]


def blueprint(connector) -> Blueprint:
    bp = Blueprint("queue_routes", __name__)

    @bp.get("/admin/queue-routes")
    def list_routes():
        return jsonify([r.__dict__ for r in routes(connector.store)])

    @bp.put("/admin/queue-routes")
    def put_route():
        """{env, org, queue, team}: org by name, queue by DeveloperName or id, team by name or id."""
        body = request.get_json(silent=True) or {}
        env, org, queue, team = (body.get(k) for k in ("env", "org", "queue", "team"))
        if env not in connector.environments() or org not in connector.orgs():
            raise Refused(404, f"unknown environment {env!r} or org {org!r}")
        org_gw = connector.org(org)
        queues = org_gw.queues()
        # By DeveloperName, or by id in either form; a prefix of an id names no queue.
        queue_id = queues.get(queue) or next((q for q in queues.values() if to18(q) == to18(queue)), None)
        if queue_id is None:
            raise Refused(404, f"org {org!r} has no queue {queue!r} for alcmeon__Conversation__c")
        teams = connector.environment(env).teams()
        team_id = teams.get(team) if isinstance(team, str) else team
        if team_id not in teams.values():
            raise Refused(404, f"environment {env!r} has no team {team!r}")
        with connector.store.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO queue_routes (env, org_id, queue_id, team_id) VALUES (?, ?, ?, ?)",
                (env, org_gw.organization_id, queue_id, team_id),
            )
        return jsonify(QueueRoute(env, org_gw.organization_id, queue_id, team_id).__dict__)

    return bp


def register(connector) -> None:
    create_table(connector.store)
    connector.app.register_blueprint(blueprint(connector))
