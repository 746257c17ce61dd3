"""Versions, the resources of a version, recently viewed items, and limits (SC 1.3, 7)."""

from __future__ import annotations

from flask import Blueprint, request

from alcsim.simulators.salesforce import describe as describing
from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.config import CURRENT_API_VERSION, OLDEST_API_VERSION
from alcsim.simulators.salesforce.routes.common import api_version, data_blueprint, org, respond

versions_bp = Blueprint("versions", __name__)
bp = data_blueprint("misc")

# The release of each API version: v31.0 was Summer '14, one version per release, three releases a year
# (api_rest "List Available REST API Versions", developer.salesforce.com/docs/platform/api-rest/guide/
# dome-versions.md). A real org writes v42.0's label with a typographic apostrophe ("Spring ’18").
RELEASES = ("Summer", "Winter", "Spring")
TYPOGRAPHIC = {42}
# Every resource the version root advertises is served by a route of this package (test_sf_version_root).
RESOURCES = ("sobjects", "query", "queryAll", "search", "composite", "limits", "recent", "jobs")
# "the maximum number of entries in RecentlyViewed, which is 200 records in total" (api_rest "Recently
# Viewed Items", developer.salesforce.com/docs/platform/api-rest/guide/resources-recent-items.md).
RECENT_MAX = 200


def label(major: int) -> str:
    steps = major - 31
    year = 14 + (steps + 2) // 3
    apostrophe = "’" if major in TYPOGRAPHIC else "'"
    return f"{RELEASES[steps % 3]} {apostrophe}{year:02d}"


@versions_bp.get("/services/data", strict_slashes=False)
def versions():
    latest = int(float(CURRENT_API_VERSION))
    return respond(
        [
            {"label": label(m), "url": f"/services/data/v{m}.0", "version": f"{m}.0"}
            for m in range(OLDEST_API_VERSION, latest + 1)
        ]
    )


@bp.get("/", strict_slashes=False)
def resources():
    base = f"/services/data/v{api_version()}"
    return respond({name: f"{base}/{name}" for name in RESOURCES})


@bp.get("/recent", strict_slashes=False)
def recent():
    """The fake has no user interface to view records in; like each object's `recentItems` (basic info),
    the records last modified stand for the ones the user saw, at most RECENT_MAX in all."""
    text = request.args.get("limit")
    try:
        limit = RECENT_MAX if text is None else int(text)
    except ValueError:
        raise errors.JsonParserError(
            f"Cannot deserialize instance of int from VALUE_STRING value {text}"
        ) from None
    the_org = org()
    items: list[dict] = []
    for sobject in the_org.schema.objects.values():
        if len(items) >= min(limit, RECENT_MAX):
            break
        if sobject.name_field is not None:
            items += describing.basic_info(the_org, sobject, api_version())["recentItems"]
    return respond(items[: max(0, min(limit, RECENT_MAX))])


@bp.get("/limits", strict_slashes=False)
def limits():
    return respond(org().api_usage.limits())
