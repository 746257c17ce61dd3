"""Serve a WSGI app over HTTPS on a port in a background thread, and stop it cleanly."""

from __future__ import annotations

import logging
import threading

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .tls import LocalCA, local_ca


class QuietHandler(WSGIRequestHandler):
    """HTTP/1.1 keep-alive; no access log on stderr (the journal keeps one)."""

    protocol_version = "HTTP/1.1"

    def log_request(self, *args, **kwargs) -> None:
        pass

    def log(self, type: str, message: str, *args) -> None:
        if type == "error":
            logging.getLogger("alcsim.server").debug(message, *args)


class ServerThread:
    """`with ServerThread(app) as server:` serves on `server.url` until the block ends."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, ca: LocalCA | None = None, tls: bool = True):
        self.app = app
        self.host = host
        self.ca = ca or (local_ca() if tls else None)
        context = self.ca.server_context() if tls else None
        self._server: BaseWSGIServer = make_server(
            host, port, app, threaded=True, request_handler=QuietHandler, ssl_context=context
        )
        self._server.daemon_threads = True
        self.port = self._server.server_port
        self.scheme = "https" if tls else "http"
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        # A short poll interval lets stop() return at once instead of after werkzeug's default half second.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"serve-{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
