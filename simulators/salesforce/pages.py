"""Lightning-like record pages of the org, server-rendered, entered as any user of the org.

Not a Salesforce API: real orgs render these in the browser from Lightning components. The URLs follow
Lightning's (`/lightning/r/{Object}/{Id}/view`) so links copied from demos look familiar; a session
cookie is set by the login form or by `/secur/frontdoor.jsp?sid=` as on a real org.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Blueprint, Response, g, redirect, render_template, request, url_for

from alcsim.simulators.salesforce import errors, list_views
from alcsim.simulators.salesforce.formatting import Formatter
from alcsim.simulators.salesforce.ids import to18
from alcsim.simulators.salesforce.page_fields import NO_PAGE, Cells, display_label
from alcsim.simulators.salesforce.routes.common import org
from alcsim.simulators.salesforce.schema import SObject
from alcsim.simulators.salesforce.store import quote

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
# Fields a page layout leaves out (routes/layouts.py hides the same system fields).
HIDDEN = ("Id", "IsDeleted", "SystemModstamp", "LastViewedDate", "LastReferencedDate", "MasterRecordId")
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


def _record_url(sobject_name: str, record_id: str) -> str:
    return url_for("pages.record", name=sobject_name, record_id=record_id)


def _cells() -> Cells:
    """The logged-in user's formats: their LocaleSidKey and TimeZoneSidKey, the org's Currency Locale."""
    organization = org().store.execute('SELECT "DefaultLocaleSidKey" FROM "Organization" LIMIT 1').fetchone()
    fmt = Formatter(
        g.user.get("LocaleSidKey"), g.user.get("TimeZoneSidKey"), organization[0] if organization else None
    )
    return Cells(org(), fmt, _record_url)


def _fields(sobject: SObject, row: dict, cells: Cells) -> list[dict]:
    shown = []
    # A standard layout opens with the record's name and ends with its "System Information" section.
    ordered = sorted(
        sobject.stored_fields, key=lambda f: (f.system and f.name != "OwnerId", not f.name_field)
    )
    for f in ordered:
        if f.name in HIDDEN or f.compound_of:
            continue
        item = cells.cell(f, row.get(f.name))
        shown.append({**item, "label": display_label(sobject, f), "name": f.name})
    return shown


def _related(sobject: SObject, record_id: str, cells: Cells) -> list[dict]:
    lists = []
    for relationship, columns in RELATED.get(sobject.name, []):
        child = sobject.child_relationship(relationship)
        if child is None:
            continue  # a package version without the object
        child_type = org().schema.get(child.child_sobject)
        fields = [child_type.field(c) for c in columns if child_type.field(c)]
        rows = (
            org()
            .store.execute(
                f"SELECT Id, {', '.join(quote(f.name) for f in fields)} FROM {quote(child_type.name)} "
                f"WHERE {quote(child.field)} = ? AND IsDeleted = 0 ORDER BY CreatedDate DESC, Id DESC LIMIT 50",
                (record_id,),
            )
            .fetchall()
        )
        lists.append(
            {
                "title": child_type.label_plural,
                "columns": [display_label(child_type, f) for f in fields],
                "rows": [
                    {
                        "url": _record_url(child_type.name, r["Id"]),
                        "cells": [cells.cell(f, r[f.name]) for f in fields],
                    }
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
    cells = _cells()
    name_field = sobject.name_field
    return render_template(
        "record.html",
        user=g.user,
        org_name=the_org.config.name,
        sobject=sobject,
        title=row.get(name_field.name) if name_field else full,
        record_id=full,
        owner=cells.name_of(row["OwnerId"]) if row.get("OwnerId") else None,
        owner_label=display_label(sobject, sobject.field("OwnerId")) if sobject.has_owner else None,
        owner_is_queue=(row.get("OwnerId") or "").startswith("00G"),
        fields=_fields(sobject, row, cells),
        related=_related(sobject, full, cells),
        widget_url=_widget_url(sobject, full),
    )


@bp.get("/lightning/o/<name>/list")
def object_list(name: str):
    """The object's "All" list view: sortable columns, "Search this list...", 25 records a page."""
    the_org = org()
    sobject = the_org.schema.get(name)
    if sobject is None or sobject.name in NO_PAGE:
        return render_template("missing.html", user=g.user, org_name=the_org.config.name), 404
    view, columns = list_views.view_of(sobject)
    asked = list_views.read_request(view, columns, request.args)
    found = list_views.fetch_page(the_org.store, the_org.schema, sobject, columns, asked)
    cells = _cells()

    def link(**changes) -> str:
        values = {"sort": asked.sort.name, "dir": "desc" if asked.descending else "asc", "q": asked.search}
        values.update(changes)
        values = {k: v for k, v in values.items() if v not in ("", None, 1)}
        return url_for("pages.object_list", name=sobject.name, **values)

    headers = []
    for f in columns:
        current = f.name == asked.sort.name
        toggled = "asc" if current and asked.descending else ("desc" if current else "asc")
        headers.append(
            {
                "label": display_label(sobject, f),
                "name": f.name,
                "url": link(sort=f.name, dir=toggled, page=None),
                "sorted": ("descending" if asked.descending else "ascending") if current else "none",
            }
        )
    rows = [
        {
            "id": r["Id"],
            "url": _record_url(sobject.name, r["Id"]),
            "cells": [{**cells.cell(f, r[f.name]), "name": f.name} for f in columns],
        }
        for r in found.rows
    ]
    return render_template(
        "list.html",
        user=g.user,
        org_name=the_org.config.name,
        sobject=sobject,
        view=view,
        headers=headers,
        rows=rows,
        found=found,
        asked=asked,
        sorted_by=display_label(sobject, asked.sort),
        previous_url=link(page=found.page - 1) if found.page > 1 else None,
        next_url=link(page=found.page + 1) if found.page < found.pages else None,
    )


@bp.get("/lightning/page/home")
def home():
    the_org = org()
    objects = [
        {
            "sobject": sobject,
            "count": the_org.store.execute(
                f"SELECT COUNT(*) FROM {quote(sobject.name)} WHERE IsDeleted = 0"
            ).fetchone()[0],
        }
        for sobject in (the_org.schema.get(n) for n in LIST_OBJECTS)
        if sobject
    ]
    return render_template("home.html", user=g.user, org_name=the_org.config.name, objects=objects)
