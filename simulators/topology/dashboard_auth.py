"""Who may use the dashboard: the holder of the topology's admin token, as a Bearer header or a cookie."""

# The dashboard opens the orgs as their users and drives the fakes, so every route checks its caller.
# The CLI sends `Authorization: Bearer <admin token>`; a browser opens the printed /login?token=... once
# and gets an HttpOnly, SameSite=Strict cookie. A write with the cookie must be JSON from the same
# origin: a cross-site form cannot send application/json without a preflight, which is never answered.

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import Flask, g, jsonify, redirect, request

COOKIE = "alcsim_dashboard"
OPEN = ("dashboard_auth.login",)


def _same(given: str | None, token: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def refused(message: str, status: int = 401):
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(
            {"error": "unauthorized" if status == 401 else "forbidden", "message": message}
        ), status
    page = f"<!doctype html><meta charset=utf-8><title>alcsim dashboard</title><p role=alert>{message}</p>"
    return page, status, {"Content-Type": "text/html; charset=utf-8"}


def protect(app: Flask, token: str) -> None:
    """Check every request of `app`, its blueprints' included; add /login."""

    @app.get("/login", endpoint="dashboard_auth.login")
    def login():
        if not _same(request.args.get("token"), token):
            return refused("This link's token is not the one `alcsim simulate` printed.")
        target = request.args.get("next", "/")
        if not target.startswith("/") or target.startswith("//"):
            target = "/"  # only this dashboard's own pages
        answer = redirect(target)
        answer.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
        return answer

    @app.before_request
    def check():
        if request.endpoint in OPEN:
            return None
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer ") and _same(header[7:].strip(), token):
            return None
        if request.method == "GET" and _same(request.args.get("token"), token):
            g.dashboard_cookie = (
                True  # a printed link with its token (the demo's): the browser keeps a cookie
            )
            return None
        if not _same(request.cookies.get(COOKIE), token):
            return refused(
                "Open the dashboard through the link `alcsim simulate` printed (…/login?token=…), "
                "or send Authorization: Bearer <admin token>."
            )
        if request.method not in ("GET", "HEAD"):
            origin = request.headers.get("Origin")
            if origin and urlsplit(origin).netloc != request.host:
                return refused("A write from another site is refused.", 403)
            if not request.is_json:
                return refused("The dashboard's writes are JSON (Content-Type: application/json).", 403)
        return None

    @app.after_request
    def remember(response):
        if g.get("dashboard_cookie"):
            response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
        return response
