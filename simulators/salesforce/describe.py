"""Describe payloads from the metadata: global describe, basic info and the sObject describe (SC 4)."""

from __future__ import annotations

from flask import has_request_context, request

from alcsim.simulators.salesforce.org import MASTER_RECORD_TYPE_ID, Org
from alcsim.simulators.salesforce.schema import SObject
from alcsim.simulators.salesforce.store import quote

# Event_describe.json, OpportunityContactRole_describe.json and User's global describe entry have no list
# views nor approval layouts; Task shares Event's activity model.
WITHOUT_LIST_VIEWS = {"Event", "Task", "OpportunityContactRole", "User"}
EXTRA_URLS = {
    "Case": {
        "caseArticleSuggestions": "/suggestedArticles",
        "caseRowArticleSuggestions": "/{ID}/suggestedArticles",
    },
    "Event": {"eventSeriesUpdates": "/{ID}/fromThisEventOnwards"},
    "User": {"namedLayouts": "/describe/namedLayouts/{LayoutName}", "passwordUtilities": "/{ID}/password"},
}


def _describe_urls(sobject: SObject, base: str) -> dict:
    """The links only a full describe has; which ones follows the recorded describes."""
    if not sobject.flags["layoutable"]:
        return {}
    host = request.host_url.rstrip("/") if has_request_context() else ""
    return {
        "defaultValues": f"{base}/defaultValues?recordTypeId&fields",
        "uiDetailTemplate": f"{host}/{{ID}}",
        "uiEditTemplate": f"{host}/{{ID}}/e",
        "uiNewRecord": f"{host}/{sobject.key_prefix}/e",
    }


def _urls(sobject: SObject, version: str) -> dict:
    """The links of a global describe entry: an object with layouts also links its layouts and actions
    (Global_describe.json: Account lists eight, UserLicense and Organization three)."""
    base = f"/services/data/v{version}/sobjects/{sobject.name}"
    urls = {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"}
    if not sobject.flags["layoutable"]:
        return urls
    urls.update(
        compactLayouts=f"{base}/describe/compactLayouts",
        layouts=f"{base}/describe/layouts",
        quickActions=f"{base}/quickActions",
    )
    if sobject.name not in WITHOUT_LIST_VIEWS:
        urls.update(approvalLayouts=f"{base}/describe/approvalLayouts", listviews=f"{base}/listviews")
    urls.update({key: base + tail for key, tail in EXTRA_URLS.get(sobject.name, {}).items()})
    return urls


def summary(sobject: SObject, version: str) -> dict:
    """The keys of one entry of the global describe, also `objectDescribe` of basic info."""
    flags = sobject.flags
    return {
        "activateable": flags["activateable"],
        "associateEntityType": None,
        "associateParentEntity": None,
        "createable": sobject.createable,
        "custom": sobject.custom,
        "customSetting": False,
        "deepCloneable": flags["deepCloneable"],
        "deletable": sobject.deletable,
        "deprecatedAndHidden": False,
        "feedEnabled": flags["feedEnabled"],
        "hasSubtypes": False,
        "isInterface": False,
        "isSubtype": False,
        "keyPrefix": sobject.key_prefix,
        "label": sobject.label,
        "labelPlural": sobject.label_plural,
        "layoutable": flags["layoutable"],
        "mergeable": flags["mergeable"],
        "mruEnabled": flags["mruEnabled"],
        "name": sobject.name,
        "queryable": flags["queryable"],
        "replicateable": flags["replicateable"],
        "retrieveable": flags["retrieveable"],
        "searchable": flags["searchable"],
        "triggerable": flags["triggerable"],
        "undeletable": flags["undeletable"],
        "updateable": sobject.updateable,
        "urls": _urls(sobject, version),
    }


def global_describe(org: Org, version: str) -> dict:
    return {
        "encoding": "UTF-8",
        "maxBatchSize": 200,
        "sobjects": [summary(o, version) for o in org.schema.objects.values()],
    }


def basic_info(org: Org, sobject: SObject, version: str) -> dict:
    name_field = sobject.name_field
    columns = "Id" + (f", {quote(name_field.name)}" if name_field else "")
    rows = org.store.execute(
        f"SELECT {columns} FROM {quote(sobject.name)} WHERE IsDeleted = 0 ORDER BY LastModifiedDate DESC, Id DESC LIMIT 10"
    ).fetchall()
    recent = []
    for row in rows:
        item = {
            "attributes": {
                "type": sobject.name,
                "url": f"/services/data/v{version}/sobjects/{sobject.name}/{row[0]}",
            },
            "Id": row[0],
        }
        if name_field:
            item[name_field.name] = row[1]
        recent.append(item)
    return {"objectDescribe": summary(sobject, version), "recentItems": recent}


def _record_types(org: Org, sobject: SObject) -> list[dict]:
    master = {
        "active": True,
        "available": True,
        "defaultRecordTypeMapping": True,
        "developerName": "Master",
        "master": True,
        "name": "Master",
        "recordTypeId": MASTER_RECORD_TYPE_ID,
        "urls": {
            "layout": f"/services/data/v{org.api_version}/sobjects/{sobject.name}/describe/layouts/{MASTER_RECORD_TYPE_ID}"
        },
    }
    rows = org.store.execute(
        'SELECT Id, Name, DeveloperName, IsActive FROM "RecordType" WHERE SobjectType = ? AND IsDeleted = 0',
        (sobject.name,),
    )
    infos = [
        {
            "active": bool(r["IsActive"]),
            "available": True,
            "defaultRecordTypeMapping": False,
            "developerName": r["DeveloperName"],
            "master": False,
            "name": r["Name"],
            "recordTypeId": r["Id"],
            "urls": {
                "layout": f"/services/data/v{org.api_version}/sobjects/{sobject.name}/describe/layouts/{r['Id']}"
            },
        }
        for r in rows
    ]
    return infos + [master]


def describe(org: Org, sobject: SObject, version: str) -> dict:
    base = f"/services/data/v{version}/sobjects/{sobject.name}"
    top = summary(sobject, version)
    top.update(
        {
            "actionOverrides": [],
            "childRelationships": [c.describe() for c in sobject.child_relationships],
            "compactLayoutable": sobject.flags["compactLayoutable"],
            "defaultImplementation": None,
            "extendedBy": None,
            "extendsInterfaces": None,
            "fields": [f.describe() for f in sobject.fields.values()],
            "implementedBy": None,
            "implementsInterfaces": None,
            "listviewable": None,
            "lookupLayoutable": None,
            "namedLayoutInfos": [],
            "networkScopeFieldName": None,
            "recordTypeInfos": _record_types(org, sobject),
            "searchLayoutable": sobject.flags["searchLayoutable"],
            "sobjectDescribeOption": "FULL",
            "supportedScopes": [{"label": "All " + sobject.label_plural.lower(), "name": "everything"}]
            + (
                [{"label": "My " + sobject.label_plural.lower(), "name": "mine"}] if sobject.has_owner else []
            ),
        }
    )
    top["urls"] = {**top["urls"], **_describe_urls(sobject, base)}
    return dict(sorted(top.items()))
