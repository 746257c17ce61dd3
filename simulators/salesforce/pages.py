"""Lightning-like record pages of the org, server-rendered, entered as any user of the org.

Not a Salesforce API: real orgs render these in the browser from Lightning components. The URLs follow
Lightning's (`/lightning/r/{Object}/{Id}/view`) so links copied from demos look familiar; a session
cookie is set by the login form or by `/secur/frontdoor.jsp?sid=` as on a real org.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, g, redirect, render_template, request, url_for

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.ids import to18
from alcsim.simulators.salesforce.routes.common import org
from alcsim.simulators.salesforce.schema import SObject
from alcsim.simulators.salesforce.store import quote
from alcsim.simulators.salesforce.values import parse_datetime

bp = Blueprint("pages", __name__, template_folder="templates")
COOKIE = "sid"
# Related lists shown on each record page: (child relationship on the parent, child fields to list).
RELATED = {
    "Contact": [
        ("alcmeon__Conversations__r", ["Name", "alcmeon__Social_media_type__c", "alcmeon__Status__c"]),
        ("Cases", ["CaseNumber", "Subject", "Status"]),
    ],
    "Account": [
        ("Contacts", ["Name", "Email"]),
        ("Cases", ["CaseNumber", "Subject", "Status"]),
        ("alcmeon__Conversations__r", ["Name", "alcmeon__Status__c"]),
    ],
    "Case": [
        ("alcmeon__Conversations__r", ["Name", "alcmeon__Social_media_type__c", "alcmeon__Status__c"]),
        ("alcmeon__Engagements__r", ["Name", "alcmeon__Status__c"]),
    ],
    "alcmeon__Conversation__c": [("alcmeon__Engagements__r", ["Name", "alcmeon__Status__c"])],
}
WIDGET_OBJECTS = ("alcmeon__Conversation__c", "Case")
LIST_OBJECTS = ("alcmeon__Conversation__c", "Case", "Contact", "Account")


@bp.before_request
def _who():
    if request.endpoint in ("pages.login", "pages.frontdoor"):
        return None
    token = request.cookies.get(COOKIE)
    try:
        session = org().sessions.check(f"Bearer {token}" if token else None)
    except errors.InvalidSessionId:
        return redirect(url_for("pages.login", startURL=request.full_path.rstrip("?")))
    g.session = session
    g.user = org().store.fetch(org().schema.get("User"), session.user_id)
    return None


def _enter(session_token: str, target: str) -> Response:
    response = redirect(
        target if target.startswith("/") and not target.startswith("//") else "/lightning/page/home"
    )
    response.set_cookie(COOKIE, session_token, secure=True, httponly=True, samesite="Lax")
    return response


@bp.route("/", methods=["GET", "POST"], endpoint="login")
def login():
    the_org = org()
    error = None
    target = request.values.get("startURL", "/lightning/page/home")
    if request.method == "POST":
        try:
            session = the_org.sessions.soap_login(
                request.form.get("username", ""), request.form.get("password", "")
            )
        except errors.InvalidLogin:
            error = "Please check your username and password. If you still can't log in, contact your Salesforce administrator."
        else:
            return _enter(session.token, target)
    return render_template(
        "login.html", org_name=the_org.config.name, error=error, target=target
    ), 401 if error else 200


@bp.get("/secur/frontdoor.jsp", endpoint="frontdoor")
def frontdoor():
    token = request.args.get("sid", "")
    try:
        org().sessions.check(f"Bearer {token}")
    except errors.InvalidSessionId:
        return redirect(url_for("pages.login"))
    return _enter(token, request.args.get("retURL", "/lightning/page/home"))


class Formatter:
    """Values as the user sees them: names for lookups, datetimes in the user's time zone."""

    def __init__(self, user: dict):
        self.zone = ZoneInfo(user.get("TimeZoneSidKey") or "GMT")
        self.names: dict[str, str] = {}

    def datetime(self, text: str) -> str:
        moment: datetime = parse_datetime(text).astimezone(self.zone)
        return moment.strftime("%Y-%m-%d %H:%M ") + (moment.tzname() or "")

    def name_of(self, record_id: str) -> str:
        if record_id not in self.names:
            target = org().sobject_of(record_id)
            row = org().store.fetch(target, record_id) if target else None
            name_field = target.name_field if target else None
            self.names[record_id] = (row.get(name_field.name) if row and name_field else None) or record_id
        return self.names[record_id]


def _fields(sobject: SObject, row: dict, fmt: Formatter) -> list[dict]:
    shown = []
    for f in sobject.stored_fields:
        if f.name in ("Id", "IsDeleted", "SystemModstamp") or f.compound_of:
            continue
        value = row.get(f.name)
        item = {"label": f.label or f.name, "name": f.name, "text": "", "link": None}
        if value is None or value == "":
            item["text"] = ""
        elif f.type == "reference":
            item["text"], item["link"] = fmt.name_of(value), _record_url(value)
        elif f.type == "datetime":
            item["text"] = fmt.datetime(value)
        elif f.type == "boolean":
            item["text"] = "✓" if value else "✗"
        else:
            item["text"] = str(value)
        shown.append(item)
    return shown


def _record_url(record_id: str) -> str | None:
    target = org().sobject_of(record_id)
    if target is None or target.name in ("Group", "User", "Profile", "RecordType"):
        return None
    return url_for("pages.record", name=target.name, record_id=record_id)


def _related(sobject: SObject, record_id: str, fmt: Formatter) -> list[dict]:
    lists = []
    for relationship, columns in RELATED.get(sobject.name, []):
        child = sobject.child_relationship(relationship)
        if child is None:
            continue  # a package version without the object
        child_type = org().schema.get(child.child_sobject)
        names = [c for c in columns if child_type.field(c)]
        rows = (
            org()
            .store.execute(
                f"SELECT Id, {', '.join(quote(c) for c in names)} FROM {quote(child_type.name)} "
                f"WHERE {quote(child.field)} = ? AND IsDeleted = 0 ORDER BY CreatedDate DESC, Id DESC LIMIT 50",
                (record_id,),
            )
            .fetchall()
        )
        lists.append(
            {
                "title": child_type.label_plural,
                "columns": [child_type.field(c).label or c for c in names],
                "rows": [
                    {"url": _record_url(r["Id"]), "cells": [r[c] if r[c] is not None else "" for c in names]}
                    for r in rows
                ],
                "name": relationship,
            }
        )
    return lists


def _widget_url(sobject: SObject, record_id: str) -> str | None:
    template = org().config.widget_url
    if not template or sobject.name not in WIDGET_OBJECTS:
        return None
    issued_at = int(org().clock.timestamp())
    return template.format(
        org_id=org().id,
        record_id=record_id,
        user_id=g.session.user_id,
        session_id=g.session.token,
        issued_at=issued_at,
        signature=_widget_signature(record_id, g.session.user_id, issued_at),
    )


def _widget_signature(record_id: str, user_id: str, issued_at: int) -> str:
    """What the package's Apex signs for its widget (connector/widget/backend.py): hex HMAC-SHA256, with the
    Named Credential secret of the org's callouts, of the whole org, user and record ids in their
    18-character form, and the time. The org's clock (the topology's shared one), as the connector checks
    it; empty without callouts or for a record id that is no id (nothing else is ever signed)."""
    callouts = org().config.package_callouts
    ids = [to18(org().id), to18(user_id), to18(record_id)]
    if not callouts or None in ids:
        return ""
    text = "\n".join([*ids, str(issued_at)])
    return hmac.new(callouts[0].secret.encode(), text.encode(), hashlib.sha256).hexdigest()


@bp.get("/lightning/r/<name>/<record_id>/view")
def record(name: str, record_id: str):
    the_org = org()
    sobject = the_org.schema.get(name)
    full = to18(record_id)
    row = the_org.store.fetch(sobject, full) if sobject and full and full[:3] == sobject.key_prefix else None
    if row is None or row["IsDeleted"]:
        return render_template("missing.html", user=g.user, org_name=the_org.config.name), 404
    fmt = Formatter(g.user)
    name_field = sobject.name_field
    return render_template(
        "record.html",
        user=g.user,
        org_name=the_org.config.name,
        sobject=sobject,
        title=row.get(name_field.name) if name_field else full,
        record_id=full,
        owner=fmt.name_of(row["OwnerId"]) if row.get("OwnerId") else None,
        owner_is_queue=(row.get("OwnerId") or "").startswith("00G"),
        fields=_fields(sobject, row, fmt),
        related=_related(sobject, full, fmt),
        widget_url=_widget_url(sobject, full),
    )


@bp.get("/lightning/o/<name>/list")
def object_list(name: str):
    the_org = org()
    sobject = the_org.schema.get(name)
    if sobject is None:
        return render_template("missing.html", user=g.user, org_name=the_org.config.name), 404
    name_field = sobject.name_field
    column = quote(name_field.name) if name_field else "Id"
    rows = the_org.store.execute(
        f"SELECT Id, {column} AS title FROM {quote(sobject.name)} WHERE IsDeleted = 0 ORDER BY LastModifiedDate DESC, Id DESC LIMIT 100"
    ).fetchall()
    items = [{"url": _record_url(r["Id"]), "title": r["title"] or r["Id"]} for r in rows]
    return render_template(
        "list.html", user=g.user, org_name=the_org.config.name, sobject=sobject, items=items
    )


@bp.get("/lightning/page/home")
def home():
    the_org = org()
    objects = [the_org.schema.get(n) for n in LIST_OBJECTS if the_org.schema.get(n)]
    return render_template("home.html", user=g.user, org_name=the_org.config.name, objects=objects)
