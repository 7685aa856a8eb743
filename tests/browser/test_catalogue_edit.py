"""A service commissioner edits, retires and reactivates a financial product in a real browser,
on a phone (390 px) and a desktop (1280 px)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import login, screenshot
from tests.browser.test_finance_talent import DESKTOP, PHONE, _fits, _page

pytestmark = pytest.mark.browser

PRODUCT = "临床试验责任保险"


def _open_edit(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/finance/products")
    page.locator("tr.product", has_text=PRODUCT).locator("a.edit-product").click()
    page.wait_for_url(re.compile(r".*/finance/products/\d+/edit$"))
    page.wait_for_load_state("load")


def test_commissioner_edits_a_product_on_phone_and_desktop(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    ctx, page = _page(browser, PHONE)
    login(page, live_server, "demo-commissioner")
    page.goto(f"{live_server}/finance/products")
    _fits(page, PHONE)
    _open_edit(page, live_server)
    assert page.input_value("input[name=name]") == PRODUCT
    _fits(page, PHONE)
    page.fill("input[name=amount_min]", "3亿元")
    page.fill("input[name=amount_max]", "1亿元")
    page.click("#product-form button[type=submit]")
    page.wait_for_selector(".alert")
    assert "额度下限不能高于上限" in page.inner_text(".alert")
    assert page.input_value("input[name=amount_min]") == "3亿元"
    _fits(page, PHONE)
    screenshot(page, "finance-product-edit-error-390")
    page.fill("input[name=amount_min]", "")
    page.fill("input[name=amount_max]", "2000万")
    page.fill("input[name=rate_text]", "浏览器测试：费率0.3%起")
    page.click("#product-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/finance/products$"))
    row = page.locator("tr.product", has_text=PRODUCT)
    assert "浏览器测试：费率0.3%起" in row.inner_text()
    assert "2,000万元" in row.inner_text()
    _fits(page, PHONE)
    screenshot(page, "finance-products-edited-390")
    ctx.close()

    ctx, page = _page(browser, DESKTOP)
    login(page, live_server, "demo-commissioner")
    _open_edit(page, live_server)
    assert page.input_value("input[name=amount_max]") == "20000000"
    screenshot(page, "finance-product-edit-1280")
    page.goto(f"{live_server}/finance/products")
    page.on("dialog", lambda d: d.accept())
    page.locator("tr.product", has_text=PRODUCT).locator("button.retire").click()
    page.wait_for_selector(f"tr.product:has-text('{PRODUCT}') button.reactivate")
    assert "停用" in page.locator("tr.product", has_text=PRODUCT).inner_text()
    screenshot(page, "finance-products-retired-1280")
    page.locator("tr.product", has_text=PRODUCT).locator("button.reactivate").click()
    page.wait_for_selector(f"tr.product:has-text('{PRODUCT}') button.retire")
    ctx.close()

    ctx, page = _page(browser, PHONE)
    login(page, live_server, "demo-enterprise")
    page.goto(f"{live_server}/finance/products")
    assert PRODUCT in page.content() and "/edit" not in page.content()
    _fits(page, PHONE)
    ctx.close()
