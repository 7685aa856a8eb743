"""Panels that other domains add to the dashboard.

The contract, for a domain `x` listed in `registry.DOMAINS`:

- module `biopark.x.stats` defines
  `dashboard_panel(session, *, park_id: int, period: dashboard.service.Period) -> dict | None`.
  It returns the figures of its panel for the park and the period (or None when it has
  nothing to show). It must only read, scoped to `park_id`, and must not commit.
- template `x/dashboard_panel.html` (in the domain's templates folder) renders that dict,
  which it receives as `panel`; it also gets `period` (for links: `period.query`) and `d`
  (the whole dashboard). The template is a fragment: no `{% extends %}`.
  Chinese strings in it need their English translation registered like any page string.

A domain with only one of the two is skipped, so that a half-built panel never breaks the
dashboard.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateNotFound
from sqlalchemy.orm import Session

from biopark import registry

TEMPLATE = "dashboard_panel.html"


@dataclass
class Panel:
    domain: str
    template: str
    data: dict[str, Any]


def _provider(domain: str) -> Any:
    name = f"biopark.{domain}.stats"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        # Only a missing stats module means "no panel"; a broken import inside it is a bug.
        if exc.name in (name, f"biopark.{domain}"):
            return None
        raise
    return getattr(module, "dashboard_panel", None)


def _has_template(domain: str) -> bool:
    from biopark.web.templating import templates

    try:
        templates().env.get_template(f"{domain}/{TEMPLATE}")
    except TemplateNotFound:
        return False
    return True


def panels(session: Session, *, park_id: int, period: Any) -> list[Panel]:
    """The panels of every domain that honours the contract, in DOMAINS order."""
    out: list[Panel] = []
    for domain in registry.DOMAINS:
        provider = _provider(domain)
        if provider is None or not _has_template(domain):
            continue
        data = provider(session, park_id=park_id, period=period)
        if data is not None:
            out.append(Panel(domain, f"{domain}/{TEMPLATE}", data))
    return out
