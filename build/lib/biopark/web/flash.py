"""One-shot messages shown on the next page: the confirmation after a save, the reason after a refusal.

Kept in the signed session cookie, so they survive the POST -> 303 -> GET redirect.
"""

from __future__ import annotations

from typing import Literal

from fastapi import Request

from biopark.web.i18n import translate

Level = Literal["success", "error", "info"]
_KEY = "_flash"


def flash(request: Request, message: str, level: Level = "success") -> None:
    """Queue a message (Chinese source text; translated when shown)."""
    queued = list(request.session.get(_KEY, []))
    queued.append({"level": level, "message": message})
    request.session[_KEY] = queued[-5:]


def pop_flashes(request: Request) -> list[dict[str, str]]:
    """The queued messages in the request's language, removed from the session."""
    if "session" not in request.scope:
        return []
    queued = request.session.pop(_KEY, [])
    lang = str(getattr(request.state, "lang", "zh"))
    return [
        {"level": str(m.get("level", "info")), "message": translate(str(m["message"]), lang)}
        for m in queued
        if isinstance(m, dict) and m.get("message")
    ]
