"""sObject layouts: `describe/layouts/` and `describe/layouts/{recordTypeId}`, built from the describe (SC 4)."""

from __future__ import annotations

from alcsim.simulators.salesforce import describe as describing
from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.ids import checksum, to18
from alcsim.simulators.salesforce.routes.common import api_version, data_blueprint, org, respond

bp = data_blueprint("layouts")
# The keys of a layout, as api_rest "Get Layouts and Descriptions for a Specified Object" shows them
# (developer.salesforce.com/docs/platform/api-rest/guide/resources-sobject-layouts-get.md).
LAYOUT_KEY_PREFIX = "00h"
SECTION_KEY_PREFIX = "01B"
# Fields a page layout never shows: the system audit fields appear as a read-only "System Information"
# section in a real layout; the fake keeps one section of the fields a user edits or reads.
HIDDEN = {"IsDeleted", "SystemModstamp", "LastViewedDate", "LastReferencedDate"}


def _fake_id(prefix: str, sobject_name: str) -> str:
    """A stable id of the right key prefix for the object's one layout (and its section)."""
    number = sum(ord(c) * (i + 1) for i, c in enumerate(sobject_name)) % 10**9
    id15 = f"{prefix}{number:012d}"
    return id15 + checksum(id15)


def _item(field: dict, tab: int) -> dict:
    return {
        "editableForNew": field["createable"],
        "editableForUpdate": field["updateable"],
        "label": field["label"],
        "layoutComponents": [
            {"details": field, "displayLines": 1, "tabOrder": tab, "type": "Field", "value": field["name"]}
        ],
        "placeholder": False,
        "required": field["createable"] and not field["nillable"] and not field["defaultedOnCreate"],
    }


def _section(fields: list[dict], layout_id: str, sobject_name: str, heading: str) -> dict:
    items = [_item(f, i + 1) for i, f in enumerate(fields)]
    rows = [
        {"layoutItems": items[i : i + 2], "numItems": len(items[i : i + 2])} for i in range(0, len(items), 2)
    ]
    return {
        "collapsed": False,
        "columns": 2,
        "heading": heading,
        "layoutRows": rows,
        "layoutSectionId": _fake_id(SECTION_KEY_PREFIX, sobject_name),
        "parentLayoutId": layout_id,
        "rows": len(rows),
        "tabOrder": "TopToBottom",
        "useCollapsibleSection": False,
        "useHeading": True,
    }


def _layout(describe: dict) -> dict:
    layout_id = _fake_id(LAYOUT_KEY_PREFIX, describe["name"])
    shown = [f for f in describe["fields"] if f["name"] not in HIDDEN]
    heading = f"{describe['label']} Information"
    return {
        "buttonLayoutSection": {"detailButtons": []},
        "detailLayoutSections": [_section(shown, layout_id, describe["name"], heading)],
        "editLayoutSections": [
            _section(
                [f for f in shown if f["createable"] or f["updateable"]], layout_id, describe["name"], heading
            )
        ],
        "feedView": None,
        "highlightsPanelLayoutSection": None,
        "id": layout_id,
        "multirowEditLayoutSections": [],
        "offlineLinks": [],
        "quickActionList": {"quickActionListItems": []},
        "relatedContent": None,
        "relatedLists": [],
        "saveOptions": [],
    }


def _mapping(info: dict, layout_id: str, describe: dict) -> dict:
    picklists = [
        {"picklistName": f["name"], "picklistValues": f["picklistValues"]}
        for f in describe["fields"]
        if f["type"] in ("picklist", "multipicklist") and f["createable"]
    ]
    return {
        "active": info["active"],
        "available": info["available"],
        "defaultRecordTypeMapping": info["defaultRecordTypeMapping"],
        "developerName": info["developerName"],
        "layoutId": layout_id,
        "master": info["master"],
        "name": info["name"],
        "picklistsForRecordType": picklists,
        "recordTypeId": info["recordTypeId"],
        "urls": info["urls"],
    }


def _describe(name: str) -> dict:
    the_org = org()
    sobject = the_org.sobject(name)
    described = describing.describe(the_org, sobject, api_version())
    if not described.get("layoutable"):
        # An object without page layouts has no layouts resource (api_rest "sObject Layouts").
        raise errors.NotFound("The requested resource does not exist")
    return described


@bp.get("/sobjects/<name>/describe/layouts", strict_slashes=False)
def layouts(name: str):
    described = _describe(name)
    layout = _layout(described)
    infos = described["recordTypeInfos"]
    # "A GET request for objects that have more than one record type defined returns null for the layouts
    # section" (api_rest "Get Layouts and Descriptions for an Object With Multiple Record Types").
    several = sum(1 for i in infos if not i["master"]) > 1
    return respond(
        {
            "layouts": None if several else [layout],
            "recordTypeMappings": [_mapping(i, layout["id"], described) for i in infos],
            "recordTypeSelectorRequired": [several],
        }
    )


@bp.get("/sobjects/<name>/describe/layouts/<record_type_id>", strict_slashes=False)
def layout_for(name: str, record_type_id: str):
    described = _describe(name)
    wanted = to18(record_type_id)
    if wanted is None or all(i["recordTypeId"] != wanted for i in described["recordTypeInfos"]):
        raise errors.NotFound("The requested resource does not exist")
    return respond(_layout(described))
