"""ASGI middleware: request ids, body size cap, security headers and the last-resort 500.

They are plain ASGI classes rather than BaseHTTPMiddleware so that they see the
raw body stream (to cap uploads without a Content-Length) and so that a crash
in a route becomes a clean response on a connection that stays open.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from biopark.errors import BioparkError
from biopark.kit.logs import request_id_var

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("biopark.web")

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CSP = (
    "default-src 'self'; "
    # The chart pages keep small inline scripts next to their data.
    "script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)


class BodyTooLarge(BioparkError):
    status = 413


def _too_large(limit: int) -> BodyTooLarge:
    mb = limit / 1024 / 1024
    return BodyTooLarge(
        f"请求内容过大（上限 {mb:g} MB）", en=f"Request body too large ({mb:g} MB limit)"
    )


class RequestContext:
    """Give each request an id (logs, X-Request-ID, error pages) and the security headers."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = sent if _REQUEST_ID_RE.match(sent) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
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
                    extra.append((b"content-security-policy", CSP.encode()))
                if self.hsts:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                headers += [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            request_id_var.reset(token)


class BodyLimit:
    """Refuse request bodies over the limit, declared or streamed, before they are buffered."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        # A declared size over the limit is refused at the first read, before any byte
        # is buffered; a body streamed without one is counted as it arrives. Raising
        # from receive lets the app's own error handlers render the 413.
        seen = int(declared) if declared.isdigit() else 0

        async def counting_receive() -> Message:
            nonlocal seen
            if seen > self.max_bytes:
                raise _too_large(self.max_bytes)
            message = await receive()
            if message["type"] == "http.request" and not declared.isdigit():
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _too_large(self.max_bytes)
            return message

        await self.app(scope, counting_receive, send)


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
