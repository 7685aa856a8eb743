"""我的待办 in a real browser: every working role finds work waiting in the demo park."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser

# username -> kinds the demo park must have waiting for that user
ROLES = {
    "demo-leader": {"escalation", "discrepancy"},
    "demo-investment": {"lead", "project"},
    "demo-commissioner": {"request", "followup", "policy_push"},
    "demo-department": {"reply", "task", "milestone"},
    "demo-enterprise": {"rating"},
    "demo-analyst": {"proposal"},
}


@pytest.mark.parametrize("username", sorted(ROLES))
def test_working_role_sees_its_todo_list(page, live_server: str, username: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, username)
    # The home page shows the most urgent items, and the navigation counts them.
    assert page.locator("#home-todo li.todo-item").count() > 0
    badge = page.locator("nav.mainnav .nav-badge")
    badge.wait_for()
    total = int(badge.get_attribute("data-total") or 0)
    assert total > 0
    page.goto(f"{live_server}/todo")
    kinds = set(
        page.eval_on_selector_all("section.todo-group", "els => els.map(e => e.dataset.kind)")
    )
    assert ROLES[username] <= kinds
    assert page.locator("li.todo-item").count() == total
    if username != "demo-enterprise" and username != "demo-analyst":
        assert page.locator("li.todo-item.is-overdue .badge-overdue").count() > 0
    screenshot(page, f"todo-{username}")
    hrefs = page.eval_on_selector_all(
        "li.todo-item a.todo-title", "els => els.map(e => e.getAttribute('href'))"
    )
    for href in sorted(set(hrefs)):
        resp = page.request.get(f"{live_server}{href}")
        assert resp.status == 200, href


@pytest.mark.parametrize("username", sorted(ROLES))
def test_todo_page_fits_a_phone(browser, live_server: str, username: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    try:
        login(page, live_server, username)
        page.goto(f"{live_server}/todo")
        assert page.locator("li.todo-item").count() > 0
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"page is {width}px wide"
        screenshot(page, f"todo-mobile-{username}")
    finally:
        context.close()


def test_admin_has_no_personal_list(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-admin")
    assert page.locator("#home-todo").count() == 0
    assert page.locator("section.tiles a.tile").count() >= 8
    page.goto(f"{live_server}/todo")
    assert "管理员没有个人待办" in page.locator("main").inner_text()
    screenshot(page, "todo-demo-admin")
