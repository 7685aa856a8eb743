"""ASGI middleware: request ids, security headers and the last-resort 500.

They are plain ASGI classes rather than BaseHTTPMiddleware so that a crash in a
route becomes a clean response on a connection that stays open. The request
body cap is FastAPI's own `max_body_size` (declared and streamed bodies).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Collection
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from biopark.kit.logs import request_id_var

log = logging.getLogger("biopark.web")

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CSP = (
    "default-src 'self'; "
    # Scripts come from /static; a page that must inline one marks it with the request's nonce.
    "script-src 'self' 'nonce-{nonce}'; "
    # style="" attributes remain in templates of several domains and echarts writes inline
    # styles, so inline styles stay allowed; they cannot run code.
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)


class Admission:
    """Let at most `limit` requests into the application at once; the rest wait here.

    Sync routes run on a thread pool of the same size and each holds a pooled database
    connection from its session dependency to the end of the request. A request waiting here
    holds neither, so a burst of users queues fairly instead of exhausting the connection
    pool. Liveness and static files skip the queue.
    """

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._slots: anyio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path == "/healthz" or path.startswith("/static/"):
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = anyio.Semaphore(self.limit)
        async with self._slots:
            await self.app(scope, receive, send)


class Language:
    """Choose the interface language: ?lang=, else the lang cookie, else the default.

    A ?lang= choice is kept in the cookie for a year. Pure ASGI: a BaseHTTPMiddleware would
    stream every response through an extra task and queue.
    """

    def __init__(self, app: ASGIApp, *, default: str, languages: Collection[str]) -> None:
        self.app = app
        self.default = default
        self.languages = frozenset(languages)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        chosen = request.query_params.get("lang")
        lang = chosen or request.cookies.get("lang") or self.default
        scope.setdefault("state", {})["lang"] = lang if lang in self.languages else "zh"
        if chosen not in self.languages:
            await self.app(scope, receive, send)
            return
        cookie = Response()
        cookie.set_cookie("lang", chosen, max_age=365 * 86400, samesite="lax")
        set_cookie = [(k, v) for k, v in cookie.raw_headers if k == b"set-cookie"]

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *set_cookie]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def csp(nonce: str) -> str:
    """The Content-Security-Policy header for one response."""
    return CSP.format(nonce=nonce)


class RequestContext:
    """Give each request an id (logs, X-Request-ID, error pages) and the security headers."""

    def __init__(self, app: ASGIApp, *, hsts: bool, max_body_bytes: int) -> None:
        self.app = app
        self.hsts = hsts
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = sent if _REQUEST_ID_RE.match(sent) else secrets.token_hex(8)
        nonce = secrets.token_urlsafe(16)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["csp_nonce"] = nonce
        token = request_id_var.set(request_id)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {k.lower() for k, _ in headers}
                extra = [
                    (b"x-request-id", request_id.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"strict-origin-when-cross-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                if not scope["path"].startswith(("/docs", "/redoc")):
                    extra.append((b"content-security-policy", csp(nonce).encode()))
                if self.hsts:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                headers += [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        try:
            declared = dict(scope.get("headers") or []).get(b"content-length", b"")
            if declared.isdigit() and int(declared) > self.max_body_bytes:
                # Refused before a byte is read; FastAPI's max_body_size stops streamed ones.
                response = too_large_response(scope, self.max_body_bytes, request_id)
                await response(scope, receive, send_with_headers)
                return
            await self.app(scope, receive, send_with_headers)
        finally:
            request_id_var.reset(token)


def too_large_response(scope: Scope, max_bytes: int, request_id: str) -> Response:
    """413 in the caller's language: JSON for the API, a short page otherwise."""
    request = Request(scope)
    lang = request.query_params.get("lang") or request.cookies.get("lang") or "zh"
    mb = max_bytes // 1024 // 1024
    message = (
        f"Request body too large ({mb} MB limit)"
        if lang == "en"
        else f"请求内容过大（上限 {mb} MB）"
    )
    if scope["path"].startswith("/api/"):
        body = {"error": {"code": "HTTPError", "message": message, "request_id": request_id}}
        return JSONResponse(body, status_code=413)
    return HTMLResponse(
        f"<!doctype html><meta charset=utf-8><title>413</title><p>{message}</p><p>{request_id}</p>",
        status_code=413,
    )


class CatchAll:
    """Turn any unexpected exception into the 500 page without dropping the connection.

    Starlette's outermost handler re-raises after answering, and uvicorn then
    closes the kept-alive connection; answering here keeps it usable.
    """

    def __init__(self, app: ASGIApp, *, on_error: Callable[[Scope, Exception], Any]) -> None:
        self.app = app
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            response = await self.on_error(scope, exc)
            await response(scope, receive, send)
