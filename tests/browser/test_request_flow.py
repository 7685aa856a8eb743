"""A request dispatched to a department without any account still reaches its end:
offline reply recorded, low rating reopens it, closed with a reason, rated again."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser
NO_ACCOUNT = "市教委"


def _logout(page) -> None:  # type: ignore[no-untyped-def]
    page.click("form[action='/logout'] button")


def _flash(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector(f"text={text}")


def test_request_to_an_account_less_department(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    base = live_server
    login(page, base, "demo-enterprise")
    page.goto(f"{base}/requests/new")
    page.select_option("select[name=category]", "人才")
    page.fill("input[name=title]", "浏览器测试：高校联合培养研究生")
    page.fill("textarea[name=content]", "希望与本市高校联合培养生物药方向研究生，咨询教委政策。")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/requests/\d+$"))
    rid = int(page.url.rsplit("/", 1)[1])
    _flash(page, "诉求已提交")
    _logout(page)

    login(page, base, "demo-commissioner")
    page.goto(f"{base}/requests/{rid}")
    assert page.locator("#enterprise-link").count() == 1  # its own enterprise's file
    lead = page.locator(
        "#dispatch-form select[name=lead_department_id] option", has_text=NO_ACCOUNT
    )
    page.select_option(
        "#dispatch-form select[name=lead_department_id]", lead.get_attribute("value")
    )
    page.fill("#dispatch-form input[name=note]", "请教委答复联合培养政策")
    page.click("#dispatch-form button[type=submit]")
    _flash(page, "已派发至部门")
    assert page.locator("#status").inner_text() == "已派发"
    row = page.locator(f"#dispatches tr:has-text('{NO_ACCOUNT}')")
    assert "无账号" in row.inner_text() and "主办" in row.inner_text()
    page.set_viewport_size({"width": 1366, "height": 860})
    screenshot(page, "request-flow-1-dispatched-1366")
    row.locator("summary", has_text="代录部门答复").click()
    row.locator("textarea[name=reply]").fill("电话答复：可通过校企联合培养基地申报，3月底前提交。")
    row.locator(".record-reply-form button[type=submit]").click()
    _flash(page, "已代录部门答复")
    assert page.locator("#status").inner_text() == "部门已答复"
    assert "线下答复" in page.locator("#dispatches").inner_text()
    page.fill("#close-form textarea[name=resolution]", "已将教委答复转告企业。")
    page.click("#close-form button[type=submit]")
    _flash(page, "诉求已办结")
    _logout(page)

    login(page, base, "demo-enterprise")
    page.goto(f"{base}/requests/{rid}")
    page.check("#rate-form input[name=satisfaction][value='1']")
    page.fill("#rate-form input[name=comment]", "没有说明申报材料")
    page.click("#rate-form button[type=submit]")
    _flash(page, "评价较低，诉求已重新打开")
    assert page.locator("#status").inner_text() == "已重新打开"
    page.fill("#message-form textarea[name=body]", "请补充申报材料清单。")
    page.set_input_files(
        "#message-form input[name=files]",
        files=[
            {"name": "说明.txt", "mimeType": "text/plain", "buffer": "联合培养需求说明".encode()}
        ],
    )
    page.click("#message-form button[type=submit]")
    _flash(page, "留言已发送")
    assert page.locator("#thread a", has_text="说明.txt").count() == 1
    _logout(page)

    login(page, base, "demo-commissioner")
    page.goto(f"{base}/requests/{rid}")
    page.fill("#close-form textarea[name=resolution]", "已把材料清单发给企业。")
    page.fill("#close-form input[name=reason]", "教委已线下答复，材料清单已补发，无需再次派发")
    page.click("#close-form button[type=submit]")
    _flash(page, "诉求已办结")
    assert "无需再次派发" in page.locator("#close-reason").inner_text()
    _logout(page)

    login(page, base, "demo-enterprise")
    page.goto(f"{base}/requests/{rid}")
    page.check("#rate-form input[name=satisfaction][value='4']")
    page.click("#rate-form button[type=submit]")
    page.wait_for_selector("#rating")
    assert page.locator("#status").inner_text() == "已评价"
    screenshot(page, "request-flow-2-rated-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "request-flow-3-rated-390")
