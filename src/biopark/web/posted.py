"""Posted forms read once on the event loop, then used by sync routes in the threadpool.

Routes that touch the database must be plain `def` so that FastAPI runs them in
its threadpool: an `async def` route doing a query or parsing a spreadsheet
stalls every other request. Reading the request body is the one thing that must
be awaited, so the app-wide dependency `read_posted_form` does it before the
route runs and `form_of(request)` hands the result to the sync route.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def read_posted_form(request: Request) -> None:
    """App-wide dependency: parse a posted form (cached by Starlette) for form_of."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.headers.get(
        "content-type", ""
    ).startswith(FORM_TYPES):
        request.state.posted_form = await request.form()
    elif request.method in ("POST", "PUT", "PATCH") and request.headers.get(
        "content-type", ""
    ).startswith("application/json"):
        request.state.posted_body = await request.body()


def form_of(request: Request) -> FormData:
    """The form posted with this request (empty when none was posted)."""
    form = getattr(request.state, "posted_form", None)
    return form if isinstance(form, FormData) else FormData()


def json_of(request: Request) -> Any:
    """The JSON posted with this request by a page script; None when absent or not JSON."""
    body = getattr(request.state, "posted_body", None)
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None
