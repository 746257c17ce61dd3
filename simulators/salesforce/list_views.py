"""An object's "All" list view: its columns, sorted by a column, searched, a page of 25 records at a time.

Queries are SQLite with identifiers from metadata only (store.quote) and the user's search as a bound
parameter; sort columns and directions are checked against the view's own columns, never pasted.
"""

from __future__ import annotations

from dataclasses import dataclass

from alcsim.simulators.salesforce.fields import Field
from alcsim.simulators.salesforce.schema import Schema, SObject
from alcsim.simulators.salesforce.store import quote

PAGE_SIZE = 25
MAX_SEARCH = 100  # longer text is cut, as Lightning's "Search this list..." box cuts it
SEARCHED_TYPES = ("string", "email", "phone", "picklist", "url", "textarea", "reference")


@dataclass(frozen=True)
class ListView:
    """A standard "All" list view: columns as an org's default one shows them, and its default order."""

    label: str
    columns: tuple[str, ...]
    sort: str
    descending: bool = False


# The columns of a new org's "All Cases", "All Contacts", "All Accounts" views; the package's objects
# have no published default view, so theirs list what a demo looks for (docs/assumptions.md, "Org pages").
LIST_VIEWS = {
    "Case": ListView(
        "All Cases",
        ("CaseNumber", "Subject", "Status", "Priority", "ContactId", "OwnerId", "CreatedDate"),
        "CaseNumber",
        descending=True,
    ),
    "Contact": ListView("All Contacts", ("Name", "AccountId", "Title", "Phone", "Email", "OwnerId"), "Name"),
    "Account": ListView("All Accounts", ("Name", "BillingState", "Phone", "Type", "OwnerId"), "Name"),
    "alcmeon__Conversation__c": ListView(
        "All",
        (
            "Name",
            "alcmeon__User_name__c",
            "alcmeon__Social_media_type__c",
            "alcmeon__Status__c",
            "alcmeon__Contact__c",
            "alcmeon__Account__c",
            "alcmeon__Case__c",
            "OwnerId",
            "CreatedDate",
        ),
        "Name",
        descending=True,
    ),
    "alcmeon__Engagement__c": ListView(
        "All",
        ("Name", "alcmeon__Status__c", "alcmeon__Conversation__c", "alcmeon__Case__c", "CreatedDate"),
        "Name",
        descending=True,
    ),
}


def view_of(sobject: SObject) -> tuple[ListView, list[Field]]:
    """The object's list view and the columns its installed metadata has (a package version may lack some)."""
    name = sobject.name_field.name if sobject.name_field else "Id"
    view = LIST_VIEWS.get(sobject.name) or ListView(
        f"All {sobject.label_plural}",
        tuple(n for n in (name, "OwnerId", "CreatedDate") if sobject.field(n)),
        name,
    )
    columns = [sobject.field(c) for c in view.columns if sobject.field(c) and sobject.field(c).stored]
    return view, columns


@dataclass
class ListRequest:
    sort: Field
    descending: bool
    search: str
    page: int


def read_request(view: ListView, columns: list[Field], args) -> ListRequest:
    """`sort`, `dir`, `q` and `page` of the URL; anything else than a column or a direction falls back to
    the view's own order, as Lightning ignores a sort it cannot apply."""
    by_name = {c.name.lower(): c for c in columns}
    default = by_name.get(view.sort.lower()) or columns[0]
    sort = by_name.get(str(args.get("sort", "")).lower(), default)
    direction = str(args.get("dir", "")).lower()
    if direction in ("asc", "desc"):
        descending = direction == "desc"
    else:  # a column's first click sorts it ascending; the view's own column keeps the view's order
        descending = view.descending and sort is default
    page = str(args.get("page", "1"))
    return ListRequest(
        sort=sort,
        descending=descending,
        search=str(args.get("q", "")).strip()[:MAX_SEARCH],
        page=int(page) if page.isdigit() and 0 < int(page) < 10**6 else 1,
    )


def _name_of_reference(schema: Schema, f: Field) -> str:
    """SQL for the referenced record's name (Owner: the User's or the queue's), to sort and search by it."""
    parts = []
    for target_name in f.reference_to:
        target = schema.get(target_name)
        if target is None or target.name_field is None:
            continue
        parts.append(
            f"(SELECT {quote(target.name_field.name)} FROM {quote(target.name)} "
            f"WHERE {quote('Id')} = t.{quote(f.name)})"
        )
    if not parts:
        return f"t.{quote(f.name)}"
    return parts[0] if len(parts) == 1 else f"COALESCE({', '.join(parts)})"


def _expression(schema: Schema, f: Field) -> str:
    return _name_of_reference(schema, f) if f.type == "reference" else f"t.{quote(f.name)}"


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass
class ListPage:
    rows: list[dict]
    total: int
    page: int
    pages: int

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * PAGE_SIZE, self.total)


def fetch_page(
    store, schema: Schema, sobject: SObject, columns: list[Field], request: ListRequest
) -> ListPage:
    """One page of the view's rows (raw stored values of its columns and Id), and the count of all rows."""
    where, params = f"t.{quote('IsDeleted')} = 0", []
    if request.search:
        searched = [_expression(schema, c) for c in columns if c.type in SEARCHED_TYPES]
        if searched:
            where += " AND (" + " OR ".join(f"{e} LIKE ? ESCAPE '\\'" for e in searched) + ")"
            params += [_like(request.search)] * len(searched)
        else:
            where += " AND 0"
    table = f"{quote(sobject.name)} AS t"
    total = store.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", params).fetchone()[0]
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(request.page, pages)
    direction = "DESC" if request.descending else "ASC"
    text_sort = request.sort.type not in (
        "datetime",
        "date",
        "boolean",
        "int",
        "double",
        "currency",
        "percent",
    )
    order = _expression(schema, request.sort) + (" COLLATE NOCASE" if text_sort else "")
    selected = ", ".join(f"t.{quote(c.name)}" for c in columns if c.name != "Id")
    rows = store.execute(
        f"SELECT t.{quote('Id')}{', ' + selected if selected else ''} FROM {table} WHERE {where} "
        f"ORDER BY {order} {direction}, t.{quote('Id')} {direction} LIMIT ? OFFSET ?",
        [*params, PAGE_SIZE, (page - 1) * PAGE_SIZE],
    ).fetchall()
    return ListPage(rows=[dict(r) for r in rows], total=total, page=page, pages=pages)
