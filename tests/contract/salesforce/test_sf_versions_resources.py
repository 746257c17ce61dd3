"""Versions 31.0 to the current one, the version root's resources, recent items and layouts."""

from __future__ import annotations

import pytest
from simple_salesforce.exceptions import SalesforceResourceNotFound

from alcsim.simulators.salesforce.config import CURRENT_API_VERSION

# api_rest "List Available REST API Versions" (developer.salesforce.com/docs/platform/api-rest/guide/
# dome-versions.md) and a real org's `/services/data` answer.
KNOWN_LABELS = {
    "31.0": "Summer '14",
    "32.0": "Winter '15",
    "33.0": "Spring '15",
    "42.0": "Spring ’18",
    "46.0": "Summer '19",
    "47.0": "Winter '20",
    "50.0": "Winter '21",
    "57.0": "Spring '23",
    "61.0": "Summer '24",
    "62.0": "Winter '25",
}


@pytest.mark.fake_only(reason="lists up to the fake's current version; real orgs serve later ones")
def test_versions_are_listed_without_a_session(sf_org):
    answer = sf_org.session().get(f"{sf_org.instance_url}/services/data/")
    assert answer.status_code == 200
    versions = answer.json()
    assert [v["version"] for v in versions] == [
        f"{m}.0" for m in range(31, int(float(CURRENT_API_VERSION)) + 1)
    ]
    labels = {v["version"]: v["label"] for v in versions}
    assert {k: labels[k] for k in KNOWN_LABELS} == KNOWN_LABELS
    assert all(v["url"] == f"/services/data/v{v['version']}" for v in versions)


@pytest.mark.parametrize("version", ["31.0", "45.0", "50.0", CURRENT_API_VERSION])
def test_every_listed_version_is_served(sf_org, version):
    sf = sf_org.client(version=version)
    assert sf.Account.metadata()["objectDescribe"]["name"] == "Account"
    created = sf.Account.create({"Name": f"v{version}"})
    assert sf.query(f"SELECT Name FROM Account WHERE Id = '{created['id']}'")["totalSize"] == 1


@pytest.mark.parametrize(
    "version",
    [
        "30.0",
        # Spring '25 brought 63.0: only an org pinned at the fake's current version refuses it.
        pytest.param("63.0", marks=pytest.mark.fake_only(reason="real orgs serve 63.0 and later")),
        "62.5",
        "sixty",
    ],
)
def test_a_version_outside_the_range_is_not_found(sf_org, version):
    token = sf_org.access_token()
    answer = sf_org.session().get(
        f"{sf_org.instance_url}/services/data/v{version}/sobjects",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 404
    assert answer.json() == [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]


@pytest.mark.alcmeon_package
def test_upsert_before_v46_answers_as_it_did(sf_org):
    # Before v46.0: 201 without `created` on insert, 204 on update (api_rest "Upsert a Record Using an
    # External ID").
    sf = sf_org.client(version="45.0")
    ext = "alcmeon__scoped_id__c"
    first = sf.alcmeon__Conversation__c.upsert(
        f"{ext}/old:1", {"alcmeon__User_name__c": "jo"}, raw_response=True
    )
    assert first.status_code == 201 and set(first.json()) == {"id", "success", "errors"}
    second = sf.alcmeon__Conversation__c.upsert(
        f"{ext}/old:1", {"alcmeon__Status__c": "CLOSED"}, raw_response=True
    )
    assert second.status_code == 204 and not second.content


def test_every_resource_the_version_root_advertises_is_served(sf_org):
    sf = sf_org.client()
    resources = sf.restful("")
    assert {"sobjects", "query", "recent", "limits"} <= set(resources)
    session, token = sf_org.session(), sf_org.access_token()
    for name, url in resources.items():
        answer = session.get(sf_org.instance_url + url, headers={"Authorization": f"Bearer {token}"})
        # query/search without a `q` are refused as a real org refuses them, never as an unknown route.
        assert answer.status_code != 404, (name, answer.text[:200])
        assert answer.status_code < 500 and answer.headers["Content-Type"].startswith("application/json")


def test_recent_items(sf_org):
    sf = sf_org.client()
    created = sf.Account.create({"Name": "Recently"})
    recent = sf.restful("recent")
    assert isinstance(recent, list)
    item = next(r for r in recent if r["Id"] == created["id"])
    assert item == {
        "attributes": {
            "type": "Account",
            "url": f"/services/data/v{CURRENT_API_VERSION}/sobjects/Account/{created['id']}",
        },
        "Id": created["id"],
        "Name": "Recently",
    }
    assert len(sf.restful("recent", params={"limit": 1})) == 1
    assert any(r["Id"] == created["id"] for r in sf.Account.metadata()["recentItems"])


def test_describe_layouts(sf_org):
    sf = sf_org.client()
    layouts = sf.restful("sobjects/Contact/describe/layouts")
    assert set(layouts) == {"layouts", "recordTypeMappings", "recordTypeSelectorRequired"}
    layout = layouts["layouts"][0]
    assert layout["id"].startswith("00h") and len(layout["id"]) == 18
    fields = {
        c["value"]
        for s in layout["detailLayoutSections"]
        for row in s["layoutRows"]
        for item in row["layoutItems"]
        for c in item["layoutComponents"]
    }
    assert {"LastName", "Email", "AccountId"} <= fields
    master = next(m for m in layouts["recordTypeMappings"] if m["master"])
    assert master["layoutId"] == layout["id"]
    assert sf.Contact.describe_layout(master["recordTypeId"]) == layout


def test_layouts_are_never_misrouted_to_the_external_id_route(sf_org):
    sf = sf_org.client()
    with pytest.raises(SalesforceResourceNotFound) as refused:
        sf.Contact.describe_layout("012000000000001AAA")
    assert refused.value.content == [
        {"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}
    ]
    with pytest.raises(SalesforceResourceNotFound) as unknown:
        sf.restful("sobjects/NoSuchThing__c/describe/layouts")
    assert unknown.value.content[0]["errorCode"] == "NOT_FOUND"
