"""The home page tiles: one per module the role may use, each with its one-line description."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("username", "tile", "description"),
    [
        ("demo-admin", "/users", "账号、角色与权限管理"),
        ("demo-leader", "/chain", "链图全景、短板与补链候选"),
    ],
)
def test_home_tiles_describe_each_module(  # type: ignore[no-untyped-def]
    page, live_server: str, username: str, tile: str, description: str
) -> None:
    login(page, live_server, username)
    page.goto(f"{live_server}/")
    assert page.locator("section.tiles a.tile .tile-desc").count() >= 8
    assert page.locator(f'a.tile[href="{tile}"] .tile-desc').inner_text() == description
    screenshot(page, f"home-tiles-{username}")
