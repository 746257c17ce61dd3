"""Every route of the connector with no, wrong and right credentials (issue 13, defect 2)."""

# Each route takes one kind of credentials: the admin token (/admin/*), the environment's webhook
# signature (notify), the package's callout signature, the environment's application credentials
# (matching), the widget signature (widget JSON and pages). A route of none of these kinds fails the walk,
# so a new route cannot be added without a guard.

from __future__ import annotations

import base64
import json

from test_conn_widget_backend import grant, signed, user_id

from alcsim.connector.signatures import callout_signature, webhook_signature
from alcsim.simulators.salesforce.running import trusting_session

ENV, ORG = "brand", "main"
REFUSED = (401, 403)


def kind_of(rule: str) -> str:
    if rule == "/admin/health":
        return "open"  # a load balancer's probe; it tells nothing but "ok" (docs/assumptions.md)
    if rule.startswith("/admin/"):
        return "admin"
    if rule.startswith("/alcmeon/") and rule.endswith("/notify"):
        return "webhook"
    if rule.startswith("/package/"):
        return "callout"
    if rule.startswith("/matching/"):
        return "environment"
    if rule.startswith("/widget/"):
        return "widget"
    raise AssertionError(f"route {rule} takes no known credentials: guard it and name its kind here")


def credentials(rt, kind: str, path: str, body: bytes, widget: dict) -> dict[str, dict]:
    """Request arguments for none, wrong and right credentials of `kind`."""
    handle = rt.env(ENV)
    if kind in ("admin", "open"):
        header = "Authorization"
        right, wrong = f"Bearer {rt.admin_token}", "Bearer not-the-token"
    elif kind == "webhook":
        header = "X-Alcmeon-Webhook-Signature"
        right, wrong = webhook_signature(handle.secret, path, body), "0" * 64
    elif kind == "callout":
        header = "X-Alcmeon-Package-Signature"
        right, wrong = callout_signature(rt.topology.callout_secret(ORG, ENV), body), "0" * 64
    elif kind == "environment":
        header = "Authorization"
        right = "Basic " + base64.b64encode(f"{handle.instance_id}:{handle.secret}".encode()).decode()
        wrong = "Basic " + base64.b64encode(f"{handle.instance_id}:wrong".encode()).decode()
    else:
        return {
            "none": {},
            "wrong": {"params": {**widget, "signature": "0" * 64}},
            "right": {"params": widget},
        }
    return {
        "none": {},
        "wrong": {"headers": {header: wrong}},
        "right": {"headers": {header: right}},
    }


def test_every_route_refuses_missing_and_wrong_credentials_and_takes_the_right_ones(topology):
    client = topology.org(ORG).client()
    case_id = client.Case.create({"Subject": "Walk", "Origin": "WhatsApp"})["id"]
    agent = user_id(topology, ORG)
    grant(topology, ORG, agent, "Alcmeon_Agent")
    widget = {k: str(v) for k, v in signed(topology, ORG, ENV, agent, case_id).items()}
    values = {
        "env": ENV,
        "org": ORG,
        "record_id": case_id,
        "case_id": case_id,
        "engagement_id": case_id,  # an id; no engagement of that id, so the send answers 404
        "error_id": 1,
        "account_id": topology.account_id(ENV, "Brand WhatsApp"),
        "user_id": "33690000077",
    }
    app = topology.connector.app
    urls = app.url_map.bind("")
    session = trusting_session(topology.ca_bundle)
    walked = set()
    for rule in app.url_map.iter_rules():
        kind = kind_of(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = urls.build(rule.endpoint, {k: values[k] for k in rule.arguments}, method=method)
            body = b"{}"  # signed or not, a body the route refuses as malformed only after the credentials
            for given, extra in credentials(topology, kind, path, body, widget).items():
                answer = session.request(
                    method,
                    topology.connector_url + path,
                    data=body,
                    allow_redirects=False,
                    timeout=30,
                    **extra,
                )
                what = (method, rule.rule, given, answer.status_code, answer.text[:300])
                walked.add((rule.rule, method))
                if given == "right" or kind == "open":
                    assert answer.status_code not in REFUSED and answer.status_code < 500, what
                    continue
                assert answer.status_code in REFUSED, what
                if rule.rule.startswith("/widget/") and "/page/" in rule.rule:
                    assert "text/html" in answer.headers["Content-Type"], what  # the iframe's error page
                    continue
                assert set(answer.json()) == {"error", "details"}, what
                if kind == "admin":
                    assert answer.json()["error"] == "unauthorized", what
                    assert answer.headers["WWW-Authenticate"].startswith('Bearer realm="alcsim-connector"'), (
                        what
                    )
    assert len(walked) >= 25  # every route of the app was walked, each of its methods


def test_health_tells_an_anonymous_probe_nothing_but_ok(topology):
    session = trusting_session(topology.ca_bundle)
    anonymous = session.get(f"{topology.connector_url}/admin/health")
    assert (anonymous.status_code, anonymous.json()) == (200, {"status": "ok"})
    assert "jobs" in topology.admin("GET", "/health").json()


def test_an_unknown_admin_path_is_refused_before_it_is_looked_up(topology):
    session = trusting_session(topology.ca_bundle)
    unknown = session.get(f"{topology.connector_url}/admin/nowhere")
    assert unknown.status_code == 401 and unknown.json()["error"] == "unauthorized"
    assert topology.admin("GET", "/nowhere").json()["error"] == "not-found"
    lowercase = session.get(
        f"{topology.connector_url}/admin/jobs", headers={"Authorization": f"bearer {topology.admin_token}"}
    )
    assert lowercase.status_code == 200  # the scheme is case-insensitive (RFC 7235 section 2.1)
    as_basic = session.get(
        f"{topology.connector_url}/admin/jobs", headers={"Authorization": f"Basic {topology.admin_token}"}
    )
    assert as_basic.status_code == 401


def test_the_jobs_dump_takes_a_limit_from_1_to_1000(topology):
    for bad in ("-1", "abc", "0", "1001", "1e3", "", " 5", "10000000000000000000000"):
        answer = topology.admin("GET", "/jobs", params={"limit": bad})
        assert (answer.status_code, set(answer.json())) == (400, {"error", "details"}), bad
    assert topology.admin("GET", "/jobs", params={"limit": "1000"}).status_code == 200
    rows = topology.admin("GET", "/jobs", params={"limit": "1"}).json()
    assert isinstance(rows, list) and len(rows) <= 1
    assert json.loads(topology.admin("GET", "/jobs").text) is not None
