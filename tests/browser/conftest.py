"""A live biopark server on a fresh SQLite database with the demo park, and a real Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
DEMO_PASSWORD = "demo-browser-pass"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI")
        pytest.skip("Debian chromium is not installed")
    var = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "BIOPARK_VAR_DIR": str(var),
        "BIOPARK_DATABASE_URL": f"sqlite:///{var}/live.db",
        # The bell and inbox need no worker; jobs are tested in tests/jobs.
        "BIOPARK_EMBEDDED_WORKER": "false",
    }
    env.pop("BIOPARK_TEST_DATABASE_URL", None)
    cli = [sys.executable, "-m", "biopark"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*cli, "demo", "load", "--password", DEMO_PASSWORD],
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = open(var / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    # Generous: on a loaded CI machine importing every domain can take a while.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("server did not start: " + (var / "server.log").read_text())
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


def login(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the login form."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def open_nav(page, href: str) -> None:  # type: ignore[no-untyped-def]
    """Click the navigation entry for href, opening the menu button and its group first."""
    link = page.locator(f"nav.mainnav a[href='{href}']").first
    if not link.is_visible():
        toggle = page.locator("nav.mainnav [data-menu-toggle]")
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
    if not link.is_visible():
        page.locator(".navgroup", has=page.locator(f"a[href='{href}']")).locator(
            ".navgroup-button"
        ).click()
    link.click()
    # The click only waits for the navigation to commit; wait for the new
    # document to finish loading so the caller never reads a half-built page.
    page.wait_for_url(
        lambda url: url.split("://", 1)[-1].split("/", 1)[-1].startswith(href.lstrip("/"))
    )
    page.wait_for_load_state("load")


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot under var/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


__all__ = ["DEMO_PASSWORD", "login", "open_nav", "screenshot"]
