"""Every navigation entry a role may use is reachable at phone and laptop widths, in both languages."""

from __future__ import annotations

import pytest

from biopark import registry
from biopark.demo.data import USERS
from biopark.web.i18n import translate
from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280, 1440)
ROLE_OF = {username: role for username, _display, role, _ent, _dept in USERS}


def _entries(role: str) -> list[registry.NavItem]:
    return [i for i in registry.nav_items() if not i.roles or role in i.roles]


def _reveal(page, item: registry.NavItem) -> None:  # type: ignore[no-untyped-def]
    """Open what a person would open to reach the entry: the menu button, then its group."""
    link = page.locator(f"nav.mainnav a[href='{item.path}']").first
    toggle = page.locator("nav.mainnav [data-menu-toggle]")
    if not link.is_visible() and toggle.is_visible():
        toggle.click()
    if not link.is_visible():
        page.locator(".navgroup", has=page.locator(f"a[href='{item.path}']")).locator(
            ".navgroup-button"
        ).click()


def _no_overflow(page) -> None:  # type: ignore[no-untyped-def]
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"page is {width}px wide in a {inner}px window"


@pytest.mark.parametrize("username", sorted(ROLE_OF))
def test_every_entry_is_reachable_without_overflow(page, live_server: str, username: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, username)
    entries = _entries(ROLE_OF[username])
    assert entries
    for lang in ("zh", "en"):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 860})
            page.goto(f"{live_server}/?lang={lang}")
            _no_overflow(page)
            assert page.locator("#bell").is_visible()
            screenshot(page, f"nav-{username}-{lang}-{width}")
            for item in entries:
                page.goto(f"{live_server}/?lang={lang}")
                _reveal(page, item)
                link = page.locator(f"nav.mainnav a[href='{item.path}']").first
                assert link.is_visible(), (lang, width, item.label)
                assert link.inner_text().startswith(translate(item.label, lang))
                box = link.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
                _no_overflow(page)
            # The fully opened menu on a phone, and a laptop with one group open.
            page.goto(f"{live_server}/?lang={lang}")
            if width == 390:
                page.locator("nav.mainnav [data-menu-toggle]").click()
            elif page.locator(".navgroup-button").count():
                page.locator(".navgroup-button").last.click()
            _no_overflow(page)
            screenshot(page, f"nav-{username}-{lang}-{width}-open")


def test_groups_open_by_keyboard_and_close_on_escape(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-admin")
    page.set_viewport_size({"width": 1280, "height": 860})
    button = page.locator(".navgroup-button", has_text="管理")
    menu = page.locator(".navgroup", has=button).locator(".navgroup-menu")
    assert not menu.is_visible()
    button.focus()
    page.keyboard.press("Enter")
    assert menu.is_visible()
    assert button.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert not menu.is_visible()
    assert button.get_attribute("aria-expanded") == "false"
    # Space opens too; a click elsewhere closes.
    button.focus()
    page.keyboard.press(" ")
    assert menu.is_visible()
    page.click("main.content")
    assert not menu.is_visible()


def test_todo_badge_stays_in_the_bar_on_a_phone(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-commissioner")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server}/")
    badge = page.locator("nav.mainnav .nav-badge")
    badge.wait_for()
    assert badge.is_visible()
    assert page.locator("#bell").is_visible()
    assert not page.locator(".navgroups").is_visible()
