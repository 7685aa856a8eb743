"""Control characters kept out of stored text.

A vertical tab in an enterprise name broke every export, and NUL cannot be
stored by PostgreSQL at all. Rather than trusting each schema to remember, every
string written through the ORM is cleaned just before the flush, whatever wrote
it (a form, the JSON API, an import, the CLI). `CleanText` is the same rule as a
pydantic type for schemas that want to refuse-or-clean at the edge.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator
from sqlalchemy import String, event
from sqlalchemy.orm import Session, UOWTransaction

# C0 controls except tab, newline and carriage return; DEL; and the lone surrogates
# that neither UTF-8 nor XML can carry.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(value: Any) -> Any:
    """The value with control characters removed (non-strings and lists of them unchanged)."""
    if isinstance(value, str):
        return CONTROL_RE.sub("", value) if CONTROL_RE.search(value) else value
    if isinstance(value, list) and any(isinstance(v, str) for v in value):
        return [clean_text(v) for v in value]
    return value


CleanText = Annotated[str, BeforeValidator(clean_text)]


def _clean_instance(obj: Any) -> None:
    mapper = getattr(obj, "__mapper__", None)
    if mapper is None:
        return
    for column_attr in mapper.column_attrs:
        column = column_attr.columns[0]
        value = getattr(obj, column_attr.key, None)
        if value is None:
            continue
        if isinstance(column.type, String) or isinstance(value, list):
            cleaned = clean_text(value)
            if cleaned is not value and cleaned != value:
                setattr(obj, column_attr.key, cleaned)


@event.listens_for(Session, "before_flush")
def _strip_controls(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    for obj in list(session.new) + list(session.dirty):
        _clean_instance(obj)
