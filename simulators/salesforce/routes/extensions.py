"""Simulator extensions of the org, outside Salesforce's routes: the package's callout queue and agent presence."""

from __future__ import annotations

from flask import Blueprint, request

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.routes.common import json_body, org, respond

bp = Blueprint("sim_extensions", __name__, url_prefix="/_sim")
PRESENCE = ("Available", "Offline")


def _package():
    the_org = org()
    if the_org.package is None:
        raise errors.NotFound("The package is not installed in this org")
    return the_org.package


@bp.get("/package/callouts")
def callouts():
    return respond({"callouts": _package().callouts(request.args.get("state"))})


@bp.post("/package/callouts/run")
def run_due():
    return respond({"delivered": _package().run_due()})


@bp.post("/omni/presence")
def presence():
    """An agent goes Available or Offline; queued Cases are handed out at once (WF-03)."""
    body = json_body()
    the_org = org()
    if not isinstance(body, dict) or body.get("status") not in PRESENCE:
        raise errors.InvalidField(f"status must be one of {', '.join(PRESENCE)}", ["status"])
    user_id = the_org.user_id(str(body.get("username", "")))
    if user_id is None:
        raise errors.InvalidCrossReferenceKey(f"no user named {body.get('username')!r}", ["username"])
    if not the_org.config.automations.omni_routing:
        raise errors.InvalidOperation("omni_routing is not switched on for this org")
    with the_org.store.transaction():
        the_org.automation.set_presence(user_id, body["status"])
    return respond({"username": body["username"], "status": body["status"]})
