"""Form helpers shared by the investment pages."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ValidationError

from biopark.investment import i18n
from biopark.kit.dates import SHANGHAI
from biopark.web.forms import error_messages, parse_form
from biopark.web.templating import lang_of


def values(form: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named text fields of a posted form (files and absent fields are None)."""
    return {k: (v if isinstance(v := form.get(k), str) else None) for k in fields}


def parse(model: type[BaseModel], data: dict[str, Any], request: Request) -> Any:
    """(schema, []) or (None, readable errors in the user's language)."""
    try:
        return parse_form(model, data), []
    except ValidationError as exc:
        return None, error_messages(exc, i18n.LABELS, lang_of(request))


def end_of_day(value: str | None) -> str | None:
    """A date chosen on the page means the end of that working day in Shanghai."""
    if not value:
        return value
    try:
        return datetime.combine(
            datetime.fromisoformat(value).date(), time(18, 0), SHANGHAI
        ).isoformat()
    except ValueError:
        return value
