"""A Bulk API 1.0 caller for the contract tests: raw HTTP as the guide's cURL examples, XML parsing."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from alcsim.simulators.common.waiting import wait_until

NS = "http://www.force.com/2009/06/asyncapi/dataload"
XML = "application/xml; charset=UTF-8"
CSV = "text/csv; charset=UTF-8"
ORDER = ["Queued", "InProgress", "Completed"]


class Bulk1:
    """Calls as the Bulk API Developer Guide's cURL examples make them: X-SFDC-Session, XML or CSV bodies."""

    def __init__(self, running, version: str = "62.0"):
        self.http = running.session()
        self.token = running.access_token()
        self.base = f"{running.instance_url}/services/async/{version}"

    def call(self, method: str, path: str, body: str | None = None, media: str | None = XML, session=None):
        headers = {"X-SFDC-Session": self.token if session is None else session}
        if media:
            headers["Content-Type"] = media
        return self.http.request(
            method, self.base + path, data=body.encode() if body else None, headers=headers
        )

    def xml(
        self, method: str, path: str, body: str | None = None, media: str | None = XML, status: int = 200
    ):
        answer = self.call(method, path, body, media)
        assert answer.status_code == status, answer.text
        return ElementTree.fromstring(answer.content)

    def job(self, operation: str, sobject: str, content: str, extra: str = "") -> str:
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><jobInfo xmlns="{NS}"><operation>{operation}</operation>'
            f"<object>{sobject}</object>{extra}<contentType>{content}</contentType></jobInfo>"
        )
        return text(self.xml("POST", "/job", body, status=201), "id")

    def batch(self, job_id: str, body: str, media: str) -> str:
        info = self.xml("POST", f"/job/{job_id}/batch", body, media, status=201)
        assert text(info, "state") == "Queued"
        return text(info, "id")

    def wait(self, job_id: str, batch_id: str) -> ElementTree.Element:
        """Poll the batch as clients do; the states it shows only ever move forward."""
        seen = []

        def done():
            info = self.xml("GET", f"/job/{job_id}/batch/{batch_id}", media=None)
            state = text(info, "state")
            if not seen or seen[-1] != state:
                seen.append(state)
            return info if state in ("Completed", "Failed", "NotProcessed") else None

        info = wait_until(done, timeout=30, what="the batch to finish")
        if text(info, "state") == "Completed":
            assert seen == [s for s in ORDER if s in seen], seen
        return info


def text(element: ElementTree.Element, name: str) -> str | None:
    found = element.find(f"{{{NS}}}{name}")
    return None if found is None else found.text


def error_of(answer) -> tuple[int, str, str]:
    root = ElementTree.fromstring(answer.content)
    assert root.tag == f"{{{NS}}}error", answer.text
    return answer.status_code, text(root, "exceptionCode"), text(root, "exceptionMessage")
