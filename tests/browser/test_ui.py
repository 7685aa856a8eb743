"""Every main page, every role, 390/1280/1440 px, Chinese and English, in one Chromium.

Per page: it answers 200, nothing is wider than a phone, no script is refused by the
CSP, no number is in scientific notation, English pages have no Chinese in their
interface text, and axe-core finds no serious or critical violation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from biopark import registry
from biopark.demo.data import USERS
from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser

ROLE_OF = {username: role for username, _display, role, _ent, _dept in USERS}
# Pages reached from the lists, besides the navigation entries.
EXTRA = {
    "admin": ("/enterprises/1/edit", "/policies/1/edit"),
    "investment_officer": ("/investment/projects",),
    "enterprise": ("/my/policies/calculator",),
}
CSP_PENDING: tuple[str, ...] = ()
SCIENTIFIC = re.compile(r"\b\d(?:\.\d+)?E[+-]?\d+\b")
HAN = re.compile(r"[\u3400-\u9fff]")
INTERFACE_TEXT = """() => {
  const own = (el) => Array.from(el.childNodes).filter((n) => n.nodeType === 3)
    .map((n) => n.textContent).join(" ");
  const out = [];
  document.querySelectorAll("nav a, nav button, button, th, h1, h2").forEach((el) => {
    if (!el.closest("[data-content]")) out.push(el.innerText);
  });
  document.querySelectorAll("label").forEach((el) => out.push(own(el)));
  document.querySelectorAll("input[placeholder], textarea[placeholder]").forEach(
    (el) => out.push(el.placeholder));
  return out.map((t) => t.trim()).filter(Boolean);
}"""
AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    resultTypes: ["violations"],
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => v.id + ": " + v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
}"""


def _pages(role: str) -> list[str]:
    paths = ["/"] + [i.path for i in registry.nav_items() if not i.roles or role in i.roles]
    return paths + [p for p in EXTRA.get(role, ()) if p not in paths]


@pytest.fixture(scope="module")
def sessions(browser, live_server: str) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """One signed-in context per demo user, reused by every check."""
    out: dict[str, Any] = {}
    for username in ROLE_OF:
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
        page = context.new_page()
        login(page, live_server, username)
        out[username] = page
    yield out
    for page in out.values():
        page.context.close()


def _data_names(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Names that are data (people, enterprises, policies, parks) and may stay Chinese."""
    return list(
        page.evaluate(
            """() => Array.from(document.querySelectorAll(
              "td a, .who, [data-name], dd, .tag-data")).map((e) => e.innerText.trim())"""
        )
    )


def _check_page(page, base: str, path: str, lang: str, width: int, axe: bool) -> list[str]:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    refused: list[str] = []

    def listen(msg) -> None:  # type: ignore[no-untyped-def]
        if "Content Security Policy" in msg.text:
            refused.append(msg.text[:160])

    page.on("console", listen)
    page.set_viewport_size({"width": width, "height": 860})
    resp = page.goto(f"{base}{path}?lang={lang}")
    page.wait_for_load_state("load")
    page.remove_listener("console", listen)
    where = f"{path} {lang} {width}"
    if resp is None or resp.status != 200:
        return [f"{where}: status {resp.status if resp else None}"]
    if refused and not path.startswith(CSP_PENDING):
        problems.append(f"{where}: CSP refused {refused[0]}")
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    if scroll > inner:
        problems.append(f"{where}: page {scroll}px wide in a {inner}px window")
    body = page.inner_text("body")
    if SCIENTIFIC.search(body):
        problems.append(f"{where}: scientific notation {SCIENTIFIC.search(body).group(0)}")
    if width == 1440:
        wrapped = page.evaluate(
            """() => Array.from(document.querySelectorAll(".stagepill, .badge"))
              .filter((e) => e.getClientRects().length > 1 || e.offsetHeight > 30).length"""
        )
        if wrapped:
            problems.append(f"{where}: {wrapped} pills wrap")
    if lang == "en" and not re.search(r"/\d", page.url.split("?")[0]):
        # Detail pages head with their record's own (Chinese) name; lists and forms do not.
        names = [n for n in _data_names(page) if n]
        for text in page.evaluate(INTERFACE_TEXT):
            for name in names:
                text = text.replace(name, "")
            if HAN.search(text):
                problems.append(f"{where}: Chinese interface text {text[:60]!r}")
                break
    if axe:
        page.add_script_tag(url="/static/vendor/axe.min.js")
        for violation in page.evaluate(AXE):
            problems.append(f"{where}: axe {violation}")
    return problems


AXE_SEEN: dict[str, set[str]] = {}


@pytest.mark.parametrize("username", sorted(ROLE_OF))
def test_every_main_page_for_every_role(sessions, live_server: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page = sessions[username]
    problems: list[str] = []
    # 1280 px is walked entry by entry in test_nav; here the phone and the wide laptop.
    for lang in ("zh", "en"):
        for width in (390, 1440):
            for path in _pages(ROLE_OF[username]):
                # axe once per page and language: its rules do not depend on the width.
                seen = AXE_SEEN.setdefault(lang, set())
                axe = width == 1440 and path not in seen
                if axe:
                    seen.add(path)
                problems += _check_page(page, live_server, path, lang, width, axe)
                if width == 390 and lang == "zh":
                    screenshot(page, f"ui-{username}{path.replace('/', '_')}-390")
    assert not problems, "\n".join(problems)


def test_destructive_actions_ask_first(sessions, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page = sessions["demo-investment"]
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(f"{live_server}/investment/projects/1?lang=zh")
    form = page.locator("#stage-form")
    form.locator("select[name=stage]").select_option("终止")
    asked: list[str] = []

    def dismiss(dialog) -> None:  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    before = page.url
    form.locator("button[type=submit]").click()
    page.wait_for_timeout(300)
    assert asked and "终止" in asked[0]
    assert page.url == before  # nothing was sent


def test_zh_date_fields_read_yyyy_mm_dd(sessions, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page = sessions["demo-admin"]
    page.goto(f"{live_server}/policies/1/edit?lang=zh")
    field = page.locator("input[name=valid_from]")
    assert field.get_attribute("placeholder") == "yyyy-mm-dd"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", field.input_value())
    page.goto(f"{live_server}/policies/1/edit?lang=en")
    assert page.locator("input[name=valid_from]").get_attribute("type") == "date"
