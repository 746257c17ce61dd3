"""What a record page or list view shows of one field: its Lightning label, and its value as a cell."""

from __future__ import annotations

from alcsim.simulators.salesforce.fields import Field
from alcsim.simulators.salesforce.formatting import Formatter
from alcsim.simulators.salesforce.schema import SObject

# Objects without a record page of their own in the fake: their names show as plain text.
NO_PAGE = ("Group", "User", "Profile", "RecordType", "PermissionSet", "Organization")
# Lightning's page-layout labels where they differ from the describe's field labels (a standard Case
# layout shows "Date/Time Opened" for CreatedDate, "Web Email" for SuppliedEmail).
LAYOUT_LABELS = {
    ("Case", "CreatedDate"): "Date/Time Opened",
    ("Case", "ClosedDate"): "Date/Time Closed",
    ("Case", "SuppliedName"): "Web Name",
    ("Case", "SuppliedEmail"): "Web Email",
    ("Case", "SuppliedPhone"): "Web Phone",
    ("Case", "SuppliedCompany"): "Web Company",
}
# Lookups to these objects are "<Object> Name" on standard layouts (Case: Contact Name, Account Name).
NAMED_LOOKUPS = ("Contact", "Account")


def display_label(sobject: SObject, f: Field) -> str:
    """The label a standard page layout gives a field: lookups lose the describe's " ID" (Parent Case ID ->
    Parent Case), the owner is "<Object> Owner", the audit lookups "Created By" and "Last Modified By"."""
    if (sobject.name, f.name) in LAYOUT_LABELS:
        return LAYOUT_LABELS[(sobject.name, f.name)]
    label = f.label or f.name
    if f.type != "reference" or not label.endswith(" ID"):
        return label
    if f.name == "OwnerId":
        return "Owner" if sobject.custom else f"{sobject.label} Owner"
    stem = label[: -len(" ID")]
    if f.reference_to and f.reference_to[0] in NAMED_LOOKUPS and stem == f.reference_to[0]:
        return f"{stem} Name"
    return stem


def scale_of(f: Field) -> int:
    """Decimal places as the describe gives them (fields.py: 2 for numbers unless recorded otherwise)."""
    if f.type == "int":
        return 0
    return int((f.overrides or {}).get("scale", 2))


class Cells:
    """Cells of one page: values through the user's Formatter, lookups as the referenced record's name."""

    def __init__(self, org, fmt: Formatter, record_url):
        self.org, self.fmt, self.record_url = org, fmt, record_url
        self.names: dict[str, str] = {}

    def name_of(self, record_id: str) -> str:
        if record_id not in self.names:
            target = self.org.sobject_of(record_id)
            row = self.org.store.fetch(target, record_id) if target else None
            name_field = target.name_field if target else None
            self.names[record_id] = (row.get(name_field.name) if row and name_field else None) or record_id
        return self.names[record_id]

    def link_of(self, record_id: str) -> str | None:
        target = self.org.sobject_of(record_id)
        if target is None or target.name in NO_PAGE:
            return None
        return self.record_url(target.name, record_id)

    def cell(self, f: Field, value) -> dict:
        """{text, link, checked, iso, kind}: `checked` for checkboxes, `iso` the raw datetime for <time>."""
        item = {"text": "", "link": None, "checked": None, "iso": None, "kind": f.type}
        if f.type == "boolean":
            item["checked"] = bool(value)
            item["text"] = "☑" if value else "☐"  # Lightning draws a checked or empty box, never ✓/✗
            return item
        if value is None or value == "":
            return item
        if f.type == "reference":
            item["text"], item["link"] = self.name_of(value), self.link_of(value)
        elif f.type == "datetime":
            item["text"], item["iso"] = self.fmt.datetime(value), value
        elif f.type == "date":
            item["text"] = self.fmt.date(value)
        elif f.type == "currency":
            item["text"] = self.fmt.amount(value, scale_of(f))
        elif f.type == "percent":
            item["text"] = self.fmt.percent(value, scale_of(f))
        elif f.type in ("double", "int"):
            item["text"] = self.fmt.number(value, scale_of(f))
        elif f.type == "email":
            item["text"], item["link"] = str(value), f"mailto:{value}"
        elif f.type == "phone":
            item["text"], item["link"] = str(value), f"tel:{value}"
        elif f.type == "url":
            text = str(value)
            item["text"] = text
            item["link"] = text if text.startswith(("https://", "http://")) else None
        else:
            item["text"] = str(value)
        return item
