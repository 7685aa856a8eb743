"""The domains of biopark: where app.py, the CLI and Alembic find models and routes.

A new domain adds its name to DOMAINS; its optional modules (models, api,
pages, cli) are picked up by name.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

DOMAINS = [
    "web",
    "parks",
    "accounts",
    "enterprises",
    "audit",
    "intel",
    "policies",
    "investment",
    "pipeline",
    "chain",
    "services",
    "tasks",
    "dashboard",
    "demo",
]

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class NavItem:
    """One entry of the navigation, shown only to the listed roles.

    `description` is a one-line Chinese summary shown on the home page tile.
    """

    label: str
    path: str
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 100
    description: str = ""


def domain_module(domain: str, role: str) -> ModuleType | None:
    """biopark.<domain>.<role> if that file exists."""
    if not (PACKAGE_DIR / domain / f"{role}.py").exists():
        return None
    return importlib.import_module(f"biopark.{domain}.{role}")


def import_models() -> None:
    """Import every domain's models so that Base.metadata is complete."""
    for domain in DOMAINS:
        domain_module(domain, "models")


def template_dirs() -> list[Path]:
    """Template folders: web's shared ones first, then each domain's own."""
    return [
        PACKAGE_DIR / d / "templates" for d in DOMAINS if (PACKAGE_DIR / d / "templates").is_dir()
    ]


def nav_items() -> list[NavItem]:
    """Navigation entries declared as NAV in each domain's pages module."""
    items: list[NavItem] = []
    for domain in DOMAINS:
        module = domain_module(domain, "pages")
        if module is not None:
            items.extend(getattr(module, "NAV", []))
    return sorted(items, key=lambda i: i.order)
