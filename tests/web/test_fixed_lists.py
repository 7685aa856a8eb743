"""Every fixed Chinese list has English, and English pages show no Chinese in their interface text."""

from __future__ import annotations

import enum
import importlib
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from lxml import html as lxml_html

from biopark import registry
from biopark.accounts.models import Role
from biopark.web import templating  # noqa: F401  (registers every template's translations)
from biopark.web.i18n import _EN
from tests.builders import make_enterprise, make_park, make_user, page_login

HAN = re.compile(r"[\u3400-\u9fff]")
# Modules outside models.py that declare lists shown in the interface.
EXTRA_MODULES = (
    "biopark.pipeline.stages",
    "biopark.policies.rules",
    "biopark.intel.service.review",
)


def _modules() -> Iterator[ModuleType]:
    for domain in registry.DOMAINS:
        for role in ("pages", "i18n"):
            registry.domain_module(domain, role)  # their imports register translations
    for domain in registry.DOMAINS:
        module = registry.domain_module(domain, "models")
        if module is not None:
            yield module
    for name in EXTRA_MODULES:
        yield importlib.import_module(name)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list | set | frozenset):
        yield from (v for v in value if isinstance(v, str))
    elif isinstance(value, dict):
        yield from (v for v in value.values() if isinstance(v, str))
    elif isinstance(value, type) and issubclass(value, enum.Enum):
        yield from (m.value for m in value if isinstance(m.value, str))


def fixed_lists() -> dict[str, list[str]]:
    """Every module-level constant or enum of a domain that holds Chinese values."""
    found: dict[str, list[str]] = {}
    for module in _modules():
        for name, value in vars(module).items():
            is_enum = isinstance(value, type) and issubclass(value, enum.Enum)
            if is_enum and value.__module__ != module.__name__:
                continue
            if not (name.isupper() or is_enum):
                continue
            chinese = [s for s in _strings(value) if HAN.search(s)]
            if chinese:
                found[f"{module.__name__}.{name}"] = chinese
    return found


def test_the_walk_finds_the_lists_named_in_the_issue() -> None:
    lists = fixed_lists()
    for name in ("TAGS", "POOLS", "CLUSTERS", "REVENUE_BANDS", "PRODUCT_KINDS"):
        assert f"biopark.enterprises.models.{name}" in lists
    assert "biopark.services.models.CATEGORIES" in lists
    assert "biopark.policies.models.LEVELS" in lists


def test_every_fixed_value_has_english() -> None:
    missing = {name: [v for v in values if v not in _EN] for name, values in fixed_lists().items()}
    missing = {k: v for k, v in missing.items() if v}
    assert not missing, f"no English for: {missing}"
    for values in fixed_lists().values():
        for v in values:
            assert not HAN.search(_EN[v]), (v, _EN[v])


MAIN_PAGES = (
    "/",
    "/dashboard",
    "/todo",
    "/enterprises",
    "/enterprises/{ent}",
    "/enterprises/{ent}/edit",
    "/enterprises/followups",
    "/investment",
    "/investment/projects",
    "/intel",
    "/intel/sources",
    "/policies",
    "/push-list",
    "/chain",
    "/pipeline",
    "/pipeline/deals",
    "/pipeline/deals/proposed",
    "/pipeline/competitors",
    "/dashboard/reconcile",
    "/requests",
    "/tasks",
    "/users",
    "/audit",
    "/finance/needs",
    "/finance/products",
    "/talent",
    "/talent/applications",
)


def _interface_text(page: str) -> list[str]:
    """Headings, table heads, labels' own text, buttons and the tags of fixed lists."""
    tree = lxml_html.fromstring(page)
    texts: list[str] = []
    for el in tree.xpath("//nav//a | //nav//button | //h1 | //h2 | //th | //button"):
        texts.append(el.text_content())
    for el in tree.xpath("//label"):
        texts.append(el.text or "")  # the label's words, not the options inside it
    for el in tree.xpath("//span[@class='tag']"):
        texts.append(el.text_content())
    return [t.strip() for t in texts if t.strip()]


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_english_pages_have_no_chinese_interface_text(client, session, path: str) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    ent = make_enterprise(
        session,
        park,
        cluster="生物药",
        tags=["高新技术企业", "专精特新"],
        revenue_band="1亿-5亿元",
    )
    page_login(client, make_user(session, park, Role.admin))
    resp = client.get(path.format(ent=ent.id), params={"lang": "en"})
    assert resp.status_code == 200, resp.text[:300]
    # Data such as the park's and the enterprise's names may stay Chinese.
    texts = [t.replace(park.name, "").replace(ent.name, "") for t in _interface_text(resp.text)]
    chinese = [t for t in texts if HAN.search(t)]
    assert not chinese, f"{path}: {chinese}"


def test_enterprise_fixed_values_in_english(client, session) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    ent = make_enterprise(
        session, park, cluster="生物药", tags=["高新技术企业"], revenue_band="1亿-5亿元"
    )
    page_login(client, make_user(session, park, Role.admin))
    listing = client.get("/enterprises", params={"lang": "en"}).text
    assert "Biologics" in listing and "High-tech enterprise" in listing
    detail = client.get(f"/enterprises/{ent.id}", params={"lang": "en"}).text
    assert "100–500 million yuan" in detail and "生物药" not in detail
    # The option's label is English, the value submitted stays the stored Chinese value.
    form = client.get(f"/enterprises/{ent.id}/edit", params={"lang": "en"}).text
    assert '<option value="生物药" selected>Biologics</option>' in form
    zh = client.get("/enterprises", params={"lang": "zh"}).text
    assert "Biologics" not in zh and "生物药" in zh
