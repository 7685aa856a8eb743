"""Flash messages: shown once on the next page, in the user's language."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse

from biopark.web.flash import flash
from biopark.web.i18n import register


def test_flash_survives_redirect_and_shows_once(app, client) -> None:
    register({"已保存测试": "Saved (test)"})

    @app.get("/_flash_test")
    def _set(request: Request) -> RedirectResponse:
        flash(request, "已保存测试")
        return RedirectResponse("/login", status_code=303)

    first = client.get("/_flash_test")
    assert "已保存测试" in first.text
    again = client.get("/login")
    assert "已保存测试" not in again.text

    client.get("/_flash_test?lang=en")
    client.cookies.set("lang", "en")
    english = client.get("/_flash_test")
    assert "Saved (test)" in english.text


def test_sign_in_and_out_are_confirmed(client, session) -> None:
    from biopark.accounts.models import Role
    from tests.builders import csrf_of, make_park, make_user, page_login

    user = make_user(session, make_park(session), Role.analyst)
    page_login(client, user)
    home = client.get("/").text
    assert 'class="flash flash-success">登录成功<' in home
    page = client.post("/logout", data={"csrf_token": csrf_of(home)})
    assert 'class="flash flash-info">已安全退出<' in page.text
