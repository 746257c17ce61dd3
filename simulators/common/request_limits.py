"""WSGI middleware that collapses doubled slashes and refuses over-long URIs, headers, bodies and deep JSON."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from itertools import accumulate

# A JSON string, so that brackets inside strings are not counted as nesting.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_OPENING = frozenset(b"[{")
_SLASHES = re.compile(r"/{2,}")
# The codes of the refusals a server makes itself, in the words of app.py's HTTPException handler; 413 and
# 414 as check_head/check_body name them, 5xx as Salesforce does (api_rest "Status Codes and Error Responses").
_SERVER_CODES = {
    413: "EXCEEDED_MAX_SIZE_REQUEST",
    414: "URI_TOO_LONG",
    500: "UNKNOWN_EXCEPTION",
    503: "SERVER_UNAVAILABLE",
}


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused; the vendor's app turns it into its own envelope."""

    status: int
    code: str
    message: str


@dataclass(frozen=True)
class Limits:
    """Sizes in bytes; a limit of None is not checked."""

    max_uri: int | None = None
    max_uri_and_headers: int | None = None
    max_body: int | None = None
    max_json_depth: int | None = None
    # Routes that read their body as a stream, with their own size limit: (method, path pattern, bytes).
    # A request with a Content-Length is checked against it and left unread; one sent chunked is not.
    streamed: tuple[tuple[str, str, int], ...] = ()


def http_refusal(status: int, message: str) -> Refusal:
    """A refusal the HTTP server made below the app (a malformed request line, a timeout)."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Bad Request"
    code = _SERVER_CODES.get(status, reason.upper().replace(" ", "_").replace("-", "_"))
    return Refusal(status, code, message or reason)


def collapse_slashes(environ: dict) -> None:
    """`//services//data/...` is served as `/services/data/...`: the Salesforce CLI keeps the instance URL
    with a trailing slash and joins paths to it, and a real org serves what it sends."""
    for key in ("PATH_INFO", "REQUEST_URI", "RAW_URI"):
        value = environ.get(key)
        if value and "//" in value:
            path, sep, query = value.partition("?")
            environ[key] = _SLASHES.sub("/", path) + sep + query


def json_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in `raw`, strings left out; linear, no recursion."""
    if b"[" not in raw and b"{" not in raw:
        return 0
    bare = _JSON_STRING.sub(b'""', raw) if b'"' in raw else raw
    steps = (1 if m[0][0] in _OPENING else -1 for m in _BRACKETS.finditer(bare))
    return max(accumulate(steps, initial=0))


def looks_like_json(environ: dict, raw: bytes) -> bool:
    kind = (environ.get("CONTENT_TYPE") or "").lower()
    return "json" in kind or raw.lstrip()[:1] in (b"{", b"[")


def _drain(stream, remaining: int, chunk: int = 1 << 20) -> None:
    """Discard `remaining` bytes of the body (all of it when negative, for chunked bodies)."""
    while remaining != 0:
        data = stream.read(chunk if remaining < 0 else min(chunk, remaining))
        if not data:
            return
        remaining -= len(data) if remaining > 0 else 0


class RequestLimits:
    """`app.wsgi_app = RequestLimits(app.wsgi_app, limits, refuse)`.

    `refuse(refusal, environ, start_response)` answers in the vendor's envelope; the server runner calls it
    too for the refusals it makes itself (runner.py). Doubled slashes are collapsed first, so no layer below
    reads `//host/...` as an absolute URI. The body is read once, at most max_body + 1 bytes, and handed
    on to the app as a fresh stream."""

    def __init__(self, app: Callable, limits: Limits, refuse: Callable):
        self.app = app
        self.limits = limits
        self.refuse = refuse

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        collapse_slashes(environ)
        refusal = self.check_head(environ)
        if refusal is None:
            refusal = self.check_body(environ)
        if refusal is not None:
            return self.refuse(refusal, environ, start_response)
        return self.app(environ, start_response)

    def check_head(self, environ: dict) -> Refusal | None:
        limits = self.limits
        uri = len(environ.get("PATH_INFO", "").encode("latin-1", "replace")) + len(
            environ.get("QUERY_STRING", "").encode("latin-1", "replace")
        )
        if limits.max_uri is not None and uri > limits.max_uri:
            return Refusal(414, "URI_TOO_LONG", "URI Too Long")
        if limits.max_uri_and_headers is not None:
            headers = sum(
                len(key) + len(str(value))
                for key, value in environ.items()
                if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")
            )
            if uri + headers > limits.max_uri_and_headers:
                return Refusal(431, "REQUEST_HEADER_FIELDS_TOO_LARGE", "Request Header Fields Too Large")
        return None

    def check_body(self, environ: dict) -> Refusal | None:
        limits = self.limits
        if limits.max_body is None and limits.max_json_depth is None:
            return None
        try:
            declared = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        streamed = self.streamed_limit(environ) if declared > 0 else None
        if streamed is not None:
            if declared > streamed:
                _drain(environ["wsgi.input"], declared)
                return Refusal(413, "EXCEEDED_MAX_SIZE_REQUEST", f"Request body exceeds {streamed} bytes")
            return None
        if limits.max_body is not None and declared > limits.max_body:
            # Read the rest away, so the client sees the answer rather than a connection cut mid-send.
            _drain(environ["wsgi.input"], declared)
            return self._too_large()
        chunked = "chunked" in (environ.get("HTTP_TRANSFER_ENCODING") or "").lower()
        if declared <= 0 and not chunked:
            return None
        stream = environ["wsgi.input"]
        wanted = (limits.max_body + 1) if limits.max_body is not None else -1
        raw = stream.read(min(declared, wanted) if declared > 0 and wanted > 0 else wanted)
        if limits.max_body is not None and len(raw) > limits.max_body:
            _drain(stream, declared - len(raw) if declared > 0 else -1)
            return self._too_large()
        environ["wsgi.input"] = io.BytesIO(raw)
        environ["CONTENT_LENGTH"] = str(len(raw))
        if limits.max_json_depth is not None and looks_like_json(environ, raw):
            depth = json_depth(raw)
            if depth > limits.max_json_depth:
                return Refusal(
                    400,
                    "JSON_PARSER_ERROR",
                    f"Document nesting depth ({depth}) exceeds the maximum allowed ({limits.max_json_depth})",
                )
        return None

    def streamed_limit(self, environ: dict) -> int | None:
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        for wanted, pattern, size in self.limits.streamed:
            if method == wanted and re.fullmatch(pattern, path):
                return size
        return None

    def _too_large(self) -> Refusal:
        return Refusal(413, "EXCEEDED_MAX_SIZE_REQUEST", f"Request body exceeds {self.limits.max_body} bytes")
