"""Serve a WSGI app over HTTPS on a port in a background thread, and stop it cleanly.

cheroot rather than Werkzeug's development server: Werkzeug answers every request with
`Connection: close`, and clients of a real org keep their connections alive.
"""

from __future__ import annotations

import io
import re
import threading

from cheroot import server as cheroot_server
from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter

from alcsim.simulators.common.request_limits import RequestLimits, http_refusal
from alcsim.simulators.common.tls import LocalCA, local_ca

# A request-target of `//services/...` is origin-form: RFC 9112 §3.2.1 (absolute-path = 1*( "/" segment ),
# segments may be empty). cheroot reads it as an authority and refuses it; the Salesforce CLI sends it.
_LEADING_SLASHES = re.compile(rb"^([A-Z]+ )/{2,}")
# "A server MUST accept the absolute-form in requests" (RFC 9112 §3.2.2); cheroot refuses it unless it is a
# proxy, so the target is read as its path.
_ABSOLUTE_FORM = re.compile(rb"^([A-Z]+ )https?://[^/?# ]*(?=[/?# ])")


class _OriginForm:
    """The connection's reader, with the request line's target made origin-form with one leading slash."""

    def __init__(self, rfile):
        self.rfile = rfile

    def readline(self, size=-1):
        line = self.rfile.readline(size)
        absolute = _ABSOLUTE_FORM.match(line)
        if absolute:
            rest = line[absolute.end() :]
            # `GET https://host?x HTTP/1.1` asks for the path "/" (RFC 9112 §3.2.2).
            line = absolute[1] + (rest if rest.startswith(b"/") else b"/" + rest)
        return _LEADING_SLASHES.sub(rb"\1/", line, count=1)

    def __getattr__(self, name):
        return getattr(self.rfile, name)


class _Request(cheroot_server.HTTPRequest):
    """cheroot's request, reading `//path` as a path, and refusing in the app's envelope when it can."""

    def read_request_line(self):
        reader = self.rfile
        self.rfile = _OriginForm(reader)
        try:
            return super().read_request_line()
        finally:
            self.rfile = reader

    def simple_response(self, status, msg=""):
        # An app behind RequestLimits answers the server's own refusals (a malformed request line, a
        # timeout...) in its vendor's envelope, and journals them; others get cheroot's text/plain.
        limits = getattr(self.server.wsgi_app, "wsgi_app", None)
        if self.sent_headers or not isinstance(limits, RequestLimits):
            return super().simple_response(status, msg)
        code = int(str(status)[:3])
        environ = {
            "REQUEST_METHOD": (getattr(self, "method", None) or b"GET").decode("latin-1"),
            "PATH_INFO": (getattr(self, "path", None) or b"/").decode("latin-1"),
            "QUERY_STRING": (getattr(self, "qs", None) or b"").decode("latin-1"),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": self.scheme.decode("latin-1")
            if isinstance(self.scheme, bytes)
            else self.scheme,
        }
        answered: list = []
        body = b"".join(
            limits.refuse(http_refusal(code, msg), environ, lambda s, h, exc=None: answered.extend((s, h)))
        )
        head, headers = answered
        lines = [f"{self.server.protocol} {head}\r\n"]
        lines += [f"{k}: {v}\r\n" for k, v in headers if k.lower() not in ("content-length", "connection")]
        lines.append(f"Content-Length: {len(body)}\r\n")
        if code in (408, 413, 414) or code >= 500 or not getattr(self, "ready", False):
            # The request was not read to its end: the connection cannot carry another one.
            self.close_connection = True
            lines.append("Connection: close\r\n")
        try:
            self.conn.wfile.write("".join(lines).encode("latin-1") + b"\r\n" + body)
        except OSError as exc:
            if exc.args and exc.args[0] not in cheroot_server.errors.socket_errors_to_ignore:
                raise
        return None


class _Connection(cheroot_server.HTTPConnection):
    RequestHandlerClass = _Request


class ServerThread:
    """`with ServerThread(app) as server:` serves on `server.url` until the block ends."""

    def __init__(
        self,
        app,
        host: str = "127.0.0.1",
        port: int = 0,
        ca: LocalCA | None = None,
        tls: bool = True,
        threads: int = 16,
    ):
        self.app = app
        self.host = host
        self.ca = ca or (local_ca() if tls else None)
        self._server = wsgi.Server((host, port), app, numthreads=threads, server_name="alcsim")
        self._server.ConnectionClass = _Connection
        # The select loop wakes this often to notice stop(); cheroot's half second slows every test teardown.
        self._server.expiration_interval = 0.05
        if tls:
            self._server.ssl_adapter = BuiltinSSLAdapter(self.ca.cert_chain, self.ca.private_key)
        self._server.prepare()  # binds now, so a port of 0 is resolved before start()
        self.port = self._server.bind_addr[1]
        self.scheme = "https" if tls else "http"
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        self._thread = threading.Thread(target=self._server.serve, name=f"serve-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.stop()
        if self._thread:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        try:
            self._server.serve()
        finally:
            self._server.stop()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
