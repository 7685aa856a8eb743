"""The domains of biopark: where app.py, the CLI and Alembic find models and routes.

A new domain adds its name to DOMAINS; its optional modules (models, api,
pages, cli) are picked up by name.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import lru_cache
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
    "onewindow",
    "spaces",
    "events",
    "finance",
    "talent",
    "dashboard",
    "todo",
    "notify",
    "feeds",
    "jobs",
    "demo",
]

# The header menus, in the order they are shown (Chinese source text, English via i18n).
NAV_GROUPS = ("招商", "企业服务", "产业", "情报", "管理")

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class NavItem:
    """One entry of the navigation, shown only to the listed roles.

    `description` is a one-line Chinese summary shown on the home page tile;
    `badge`, when set, is a URL whose HTML fragment (a count) is loaded next to the label.
    `group` is one of NAV_GROUPS: the header menu the entry sits in; "" keeps it
    in the bar itself (kept for the few entries people open many times a day).
    """

    label: str
    path: str
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 100
    description: str = ""
    badge: str = ""
    group: str = ""


@lru_cache(maxsize=512)
def _has_module(domain: str, role: str) -> bool:
    # The package's files do not change while the process runs: one stat per module.
    return (PACKAGE_DIR / domain / f"{role}.py").exists()


def domain_module(domain: str, role: str) -> ModuleType | None:
    """biopark.<domain>.<role> if that file exists."""
    if not _has_module(domain, role):
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


@lru_cache(maxsize=1)
def nav_items() -> tuple[NavItem, ...]:
    """Navigation entries declared as NAV in each domain's pages module (read once)."""
    items: list[NavItem] = []
    for domain in DOMAINS:
        module = domain_module(domain, "pages")
        if module is not None:
            items.extend(getattr(module, "NAV", []))
    return tuple(sorted(items, key=lambda i: i.order))


@dataclass(frozen=True)
class NavGroup:
    """One header menu and the entries a user may open from it."""

    label: str
    items: tuple[NavItem, ...]


def nav_groups(items: list[NavItem]) -> tuple[list[NavItem], list[NavGroup]]:
    """Split entries into those kept in the bar and the non-empty menus, in NAV_GROUPS order."""
    pinned = [i for i in items if not i.group]
    groups = [NavGroup(label, tuple(i for i in items if i.group == label)) for label in NAV_GROUPS]
    unknown = {i.group for i in items if i.group and i.group not in NAV_GROUPS}
    if unknown:
        raise ValueError(f"unknown navigation group(s): {sorted(unknown)}")
    return pinned, [g for g in groups if g.items]
