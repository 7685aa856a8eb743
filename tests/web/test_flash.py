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
