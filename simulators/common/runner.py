"""Serve a WSGI app over HTTPS on a port in a background thread, and stop it cleanly.

cheroot rather than Werkzeug's development server: Werkzeug answers every request with
`Connection: close`, and clients of a real org keep their connections alive.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import re
import socket
import threading
from pathlib import Path

from cheroot import connections, wsgi
from cheroot import server as cheroot_server
from cheroot.ssl.builtin import BuiltinSSLAdapter
from cheroot.workers import threadpool

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


class PortInUse(OSError):
    """The port is held by another socket: `.port` says which, for a one-line message to the user."""

    def __init__(self, host: str, port: int):
        super().__init__(errno.EADDRINUSE, f"port {port} on {host} is already in use")
        self.host, self.port = host, port


class _Workers(threadpool.ThreadPool):
    """cheroot's worker pool, started by the serving thread (`start_workers`) rather than by `prepare`:
    each of its threads waits on the scheduler to start (tens of ms for a pool on a busy machine), which
    the caller need not wait for; connections that arrive first wait in the listen backlog.

    The serving thread starts `FIRST_WORKERS` and serves; a helper thread starts the rest of the pool
    meanwhile. cheroot's own `grow` also polls each new worker's `ready` flag in steps of 100 ms: a worker
    is handed connections through the pool's queue, which it reads once it runs, so nothing needs to wait
    for it."""

    FIRST_WORKERS = 2  # the first requests (a login, a health probe) need no more to be answered

    def __init__(self, server, **kwargs):
        super().__init__(server, **kwargs)
        self.start_lock = threading.Lock()  # a stop() while the workers start waits for them, then ends them
        self.stopping = False

    def start(self) -> None:  # what `prepare` calls: deferred to `start_workers`
        pass

    def start_workers(self) -> None:
        with self.start_lock:
            if self.stopping:
                return
            self.grow(min(self.FIRST_WORKERS, self.min))
        if self.min > len(self._threads):
            threading.Thread(target=self._start_rest, name="start-workers", daemon=True).start()

    def _start_rest(self) -> None:
        with self.start_lock:
            if not self.stopping:
                self.grow(self.min - len(self._threads))

    def grow(self, amount: int) -> None:
        """cheroot's `grow` (never above `max`), without its readiness poll."""
        for _ in range(min(amount, max(self.max - len(self._threads), 0))):
            worker = threadpool.WorkerThread(self.server)
            worker.name = f"CP Server {worker.name}"
            worker.start()
            self._threads.append(worker)

    def stop(self, timeout=5) -> None:
        with self.start_lock:
            self.stopping = True
        super().stop(timeout)


class _Connections(connections.ConnectionManager):
    """cheroot's select loop, which a stop ends at once: cheroot's own `stop` waits for the loop's next
    timeout (its expiration interval), then polls every 10 ms for the loop to end, tens of milliseconds
    each time a connector or a fake stops. Here a connection to the listening socket, made once the stop is
    asked for, wakes the loop, and the stop waits for the loop's own end."""

    def __init__(self, server):
        super().__init__(server)
        self.ended = threading.Event()

    def run(self, expiration_interval):
        try:
            super().run(expiration_interval)
        finally:
            self.ended.set()

    def stop(self):
        self._stop_requested = True
        if self._serving:
            try:
                socket.create_connection(self.server.bind_addr[:2], timeout=1).close()
            except OSError:  # then the loop ends at its next timeout
                pass
            self.ended.wait(timeout=5)
        super().stop()

    def _from_server_socket(self, server_socket):
        if self._stop_requested:  # the wake-up's connection (or a client's, too late): closed unanswered
            try:
                server_socket.accept()[0].close()
            except OSError:
                pass
            return None
        return super()._from_server_socket(server_socket)


KEEP_ALIVE_CONNECTIONS = 256  # idle keep-alive connections a server holds (cheroot's default: 10)


class _Server(wsgi.Server):
    """cheroot's server with SO_REUSEADDR on every listening socket, an OS-chosen port included.

    cheroot leaves it off for port 0; then the connections that socket accepted linger in TIME_WAIT without
    it, and binding the same port again (a connector restarted on its published URL) fails with EADDRINUSE:
    Linux lets a bind share a port with TIME_WAIT sockets only when both carry SO_REUSEADDR (socket(7))."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.requests = _Workers(self, min=self.requests.min, max=self.requests.max)
        # cheroot keeps 10 idle keep-alive connections and closes every further one after its answer, so a
        # client pool larger than that pays a TLS handshake per request; a real org keeps them open.
        self.keep_alive_conn_limit = KEEP_ALIVE_CONNECTIONS

    def stop(self):
        super().stop()
        self.forget_statistics()

    def forget_statistics(self) -> None:
        """cheroot files every server's statistics in `logging.statistics` for good, and their functions
        hold the server: each stopped server, its app and whatever the app holds (an org's store, its
        schema and routes) stayed in memory, 1.3 to 2.5 million objects in a test worker by the end of the
        suite, which every full garbage collection went through again."""
        statistics = getattr(logging, "statistics", {})
        if statistics.get(f"Cheroot HTTPServer {id(self)}") is self.stats:
            del statistics[f"Cheroot HTTPServer {id(self)}"]

    def prepare(self):
        super().prepare()
        # The manager `prepare` made, replaced by one whose stop wakes the loop (its selector closed first).
        self._connections.close()
        self._connections = _Connections(self)

    @classmethod
    def prepare_socket(cls, bind_addr, family, type, proto, nodelay, ssl_adapter, reuse_port=False):  # noqa: A002
        sock = super().prepare_socket(bind_addr, family, type, proto, nodelay, ssl_adapter, reuse_port)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        return sock


SERVER_THREADS = 16  # cheroot workers a server starts with (and keeps: its pool does not grow by itself)
_ADAPTERS: dict[tuple, BuiltinSSLAdapter] = {}
_ADAPTERS_LOCK = threading.Lock()


def ssl_adapter(ca: LocalCA) -> BuiltinSSLAdapter:
    """One TLS adapter per certificate and key in a process, shared by every server that serves them.

    Making one costs a context, the chain's loading and a loopback handshake to read the certificate
    (cheroot's `_parse_cert`): about 70 ms each, five times over for a topology. The adapter keeps no
    per-connection state (`wrap` uses its context, thread-safe), so servers can share it; a CA made again
    in the same directory (a new mtime) gets a new one."""
    chain = Path(ca.cert_chain)
    key = (str(chain), ca.private_key, chain.stat().st_mtime_ns)
    with _ADAPTERS_LOCK:
        if key not in _ADAPTERS:
            _ADAPTERS[key] = BuiltinSSLAdapter(ca.cert_chain, ca.private_key)
        return _ADAPTERS[key]


class ServerThread:
    """`with ServerThread(app) as server:` serves on `server.url` until the block ends."""

    def __init__(
        self,
        app,
        host: str = "127.0.0.1",
        port: int = 0,
        ca: LocalCA | None = None,
        tls: bool = True,
        threads: int = SERVER_THREADS,
    ):
        self.app = app
        self.host = host
        self.ca = ca or (local_ca() if tls else None)
        self._server = _Server((host, port), app, numthreads=threads, server_name="alcsim")
        self._server.ConnectionClass = _Connection
        if tls:
            self._server.ssl_adapter = ssl_adapter(self.ca)
        try:
            self._server.prepare()  # binds and listens now, so a port of 0 is resolved before start()
        except OSError as exc:
            # cheroot folds the bind's error into its message ("... [Errno 98] Address already in use").
            self._server.forget_statistics()
            if exc.errno == errno.EADDRINUSE or os.strerror(errno.EADDRINUSE) in str(exc):
                raise PortInUse(host, port) from None
            raise
        self.port = self._server.bind_addr[1]
        self.scheme = "https" if tls else "http"
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def mount(self, app) -> None:
        """Serve `app` from now on: a server bound before its app exists (the connector's, whose URL the
        fakes need first) listens from the start, and requests that arrive early wait in its backlog."""
        self.app = app
        self._server.wsgi_app = app

    def start(self) -> ServerThread:
        self._thread = threading.Thread(target=self._serve, name=f"serve-{self.port}", daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        self._server.requests.start_workers()
        self._server.serve()

    def stop(self) -> None:
        self._server.stop()
        if self._thread:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        try:
            self._serve()
        finally:
            self._server.stop()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
