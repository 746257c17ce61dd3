"""Versions, the resources of a version, and limits (SC 1.3, 7)."""

from __future__ import annotations

from flask import Blueprint

from alcsim.simulators.salesforce.config import CURRENT_API_VERSION, OLDEST_API_VERSION
from alcsim.simulators.salesforce.routes.common import api_version, data_blueprint, org, respond

versions_bp = Blueprint("versions", __name__)
bp = data_blueprint("misc")

RELEASES = ["Spring", "Summer", "Winter"]


def _label(major: int) -> str:
    # v50.0 was Winter '21; three releases a year since.
    steps = major - 50
    season = RELEASES[(steps + 2) % 3]
    year = 21 + (steps + 2) // 3 - (1 if season == "Winter" else 0)
    return f"{season} '{year:02d}"


@versions_bp.get("/services/data", strict_slashes=False)
def versions():
    latest = int(float(CURRENT_API_VERSION))
    return respond(
        [
            {"label": _label(m), "url": f"/services/data/v{m}.0", "version": f"{m}.0"}
            for m in range(OLDEST_API_VERSION, latest + 1)
        ]
    )


@bp.get("/", strict_slashes=False)
def resources():
    base = f"/services/data/v{api_version()}"
    names = ["sobjects", "query", "queryAll", "search", "composite", "limits", "recent"]
    return respond({name: f"{base}/{name}" for name in names})


@bp.get("/limits", strict_slashes=False)
def limits():
    return respond(org().api_usage.limits())
