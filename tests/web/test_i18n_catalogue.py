"""Every interface string has its English form: template _() calls, bare template text, nav."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from biopark import registry
from biopark.web import templating  # noqa: F401  (registers the shared translations)
from biopark.web.i18n import _EN

HAN = re.compile(r"[\u3400-\u9fff]")
CALL = re.compile(r"""_\(\s*(["'])((?:(?!\1).)*?)\1\s*\)""")
JINJA = re.compile(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
# Chinese documents by design (the monthly report is filed in Chinese).
CHINESE_DOCUMENTS = {"dashboard/report_article.html"}


def _load_every_catalogue() -> None:
    for domain in registry.DOMAINS:
        for role in ("pages", "i18n", "api"):
            registry.domain_module(domain, role)


def _templates() -> Iterator[tuple[str, str]]:
    for folder in registry.template_dirs():
        for path in sorted(Path(folder).rglob("*.html")):
            yield str(path.relative_to(folder)), path.read_text(encoding="utf-8")


def test_every_translated_template_string_has_english() -> None:
    _load_every_catalogue()
    missing = [
        f"{name}: {m.group(2)}"
        for name, text in _templates()
        for m in CALL.finditer(text)
        if HAN.search(m.group(2)) and m.group(2) not in _EN
    ]
    assert not missing, missing


def test_templates_have_no_bare_chinese_text() -> None:
    bare = []
    for name, text in _templates():
        if name in CHINESE_DOCUMENTS:
            continue
        for line in JINJA.sub("", text).splitlines():
            if HAN.search(line):
                bare.append(f"{name}: {line.strip()[:80]}")
    assert not bare, bare


def test_navigation_entries_have_english() -> None:
    _load_every_catalogue()
    for item in registry.nav_items():
        assert item.label in _EN, item.label
        if item.description:
            assert item.description in _EN, item.description
    for group in registry.NAV_GROUPS:
        assert group in _EN, group


def test_english_texts_have_no_chinese() -> None:
    _load_every_catalogue()
    # A few English texts show what a Chinese user may type (1.5亿); the rest are plain English.
    offenders = {k: v for k, v in _EN.items() if HAN.search(v) and "亿" not in v and k != "English"}
    assert not offenders, offenders
