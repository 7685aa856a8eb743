"""Each demo role signs in with a real browser and sees only what it may."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, open_nav, screenshot

pytestmark = pytest.mark.browser

# username -> (nav links it must see, nav links it must not see)
ROLES = {
    "demo-admin": ({"/enterprises", "/users", "/audit"}, set()),
    "demo-leader": ({"/enterprises", "/audit"}, {"/users"}),
    "demo-investment": ({"/enterprises"}, {"/users", "/audit"}),
    "demo-commissioner": ({"/enterprises"}, {"/users", "/audit"}),
    "demo-analyst": ({"/enterprises"}, {"/users", "/audit"}),
    "demo-department": (set(), {"/enterprises", "/users", "/audit"}),
    "demo-enterprise": ({"/enterprises"}, {"/users", "/audit"}),
}


@pytest.mark.parametrize("username", sorted(ROLES))
def test_role_sees_its_navigation(page, live_server: str, username: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, username)
    links = set(
        page.eval_on_selector_all("nav.mainnav a", "els => els.map(e => e.getAttribute('href'))")
    )
    must, must_not = ROLES[username]
    assert must <= links
    assert not (must_not & links)
    screenshot(page, f"home-{username}")
    for path in must_not:
        page.goto(f"{live_server}{path}")
        assert page.locator("h1").first.inner_text().startswith("403")


def test_enterprise_user_cannot_open_another_enterprise(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-enterprise")
    page.goto(f"{live_server}/enterprises")
    own_url = page.url
    assert "/enterprises/" in own_url
    own_id = int(own_url.rsplit("/", 1)[1])
    screenshot(page, "enterprise-own-record")
    for guess in range(1, 20):
        if guess == own_id:
            continue
        resp = page.goto(f"{live_server}/enterprises/{guess}")
        assert resp is not None and resp.status == 404
        assert "企业不存在" in page.content()


def test_leader_browses_registry_and_switches_language(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-leader")
    open_nav(page, "/enterprises")
    page.wait_for_selector("table.grid")
    assert page.locator("table.grid tbody tr").count() >= 10
    page.fill("input[name=q]", "智翔")
    page.click(".toolbar form button[type=submit]")
    page.click("text=重庆智翔金泰生物制药股份有限公司")
    page.wait_for_selector("dl.facts")
    screenshot(page, "enterprise-detail")
    page.click("a.lang")
    assert "Enterprise registry" in page.content()
    screenshot(page, "enterprise-detail-en")
