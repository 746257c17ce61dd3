"""Serve a WSGI app over HTTPS on a port in a background thread, and stop it cleanly.

cheroot rather than Werkzeug's development server: Werkzeug answers every request with
`Connection: close`, and clients of a real org keep their connections alive.
"""

from __future__ import annotations

import threading

from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter

from alcsim.simulators.common.tls import LocalCA, local_ca


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
