"""The bell in the header: unread count from the inbox, a click opens it, reading clears it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_bell_shows_unread_and_opens_the_inbox(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    # The demo dispatches requests and assigns tasks, which notify the department's users.
    login(page, live_server, "demo-department")
    page.goto(f"{live_server}/")
    badge = page.locator("#bell .bell-badge")
    badge.wait_for(timeout=10000)
    unread = int(badge.get_attribute("data-unread") or "0")
    assert unread >= 1
    screenshot(page, "bell-unread")
    page.click("#bell")
    page.wait_for_url(f"{live_server}/notifications")
    assert page.locator("#notices tbody tr").count() >= unread
    assert page.locator("#unread").inner_text() == str(unread)
    screenshot(page, "notifications-inbox")
    page.click("text=全部标为已读")
    page.wait_for_selector(".flash-success")
    assert page.locator("#unread").inner_text() == "0"
    assert page.locator("#bell .bell-badge").count() == 0
