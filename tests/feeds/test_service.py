"""Sources polled from a local HTTP server serving an RSS feed written for this test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.feeds import service
from biopark.feeds.schemas import SourceCreate
from biopark.intel.fetch import Fetcher
from biopark.kit.dates import now_utc
from tests.builders import make_park, make_user, token_headers

ARTICLE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>2026年11月20日，重庆国际生物城举行项目集中签约活动，{n}个生物医药项目签约落地，协议投资额合计{n}0亿元。</p>
</article></body></html>"""


@pytest.fixture
def site() -> Iterator[str]:
    pages: dict[str, tuple[str, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            ctype, data = pages.get(self.path, ("text/plain", b""))
            self.send_response(200 if self.path in pages else 404)
            self.send_header("content-type", ctype)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    items = "".join(
        f"<item><title>签约{i}</title><link>{base}/a{i}.html</link></item>" for i in (1, 2)
    )
    pages["/feed.xml"] = (
        "application/rss+xml",
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>园区新闻</title>{items}</channel></rss>'.encode(),
    )
    for i in (1, 2):
        pages[f"/a{i}.html"] = (
            "text/html; charset=utf-8",
            ARTICLE.format(title=f"生物城签约{i}", n=i + 1).encode(),
        )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


def test_poll_rss_ingests_new_items_once_and_respects_interval(session: Session, site: str) -> None:
    park = make_park(session)
    analyst = make_user(session, park, Role.analyst)
    source = service.create_source(
        session,
        user=analyst,
        park_id=park.id,
        data=SourceCreate(name="园区新闻", kind="rss", url=f"{site}/feed.xml", interval_minutes=30),
    )
    now = now_utc()
    with Fetcher(allow_private=True, min_interval=0) as fetcher:
        assert service.poll_due(session, now=now, fetcher=fetcher) == {
            "polled": 1,
            "new": 2,
            "failed": 0,
        }
        # Not due again before its interval.
        assert (
            service.poll_due(session, now=now + timedelta(minutes=10), fetcher=fetcher)["polled"]
            == 0
        )
        again = service.poll_due(session, now=now + timedelta(minutes=31), fetcher=fetcher)
    assert again == {"polled": 1, "new": 0, "failed": 0}
    assert source.items_seen == 2 and source.last_status == "ok"


def test_private_address_is_refused_by_default_and_the_failure_notified(
    session: Session, site: str
) -> None:
    park = make_park(session)
    analyst = make_user(session, park, Role.analyst)
    source = service.create_source(
        session,
        user=analyst,
        park_id=park.id,
        data=SourceCreate(name="内网", kind="rss", url=f"{site}/feed.xml"),
    )
    result = service.poll(session, source=source)
    assert result.status == "failed" and "not allowed" in (result.error or "")
    from biopark.notify.service import inbox

    assert inbox(session, user=analyst).items[0].kind == "feed_failed"


def test_api_validates_and_refuses(client: TestClient, session: Session) -> None:
    park = make_park(session)
    analyst = make_user(session, park, Role.analyst)
    officer = make_user(session, park, Role.enterprise)
    h = token_headers(client, analyst)
    bad = client.post("/api/feeds/sources", json={"name": "x", "url": "ftp://a/b"}, headers=h)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "ValidationFailed"
    ok = client.post(
        "/api/feeds/sources", json={"name": "新闻", "url": "https://news.example/rss"}, headers=h
    )
    assert ok.status_code == 201
    dup = client.post(
        "/api/feeds/sources", json={"name": "又一个", "url": "https://news.example/rss"}, headers=h
    )
    assert dup.status_code == 409
    denied = client.get("/api/feeds/sources", headers=token_headers(client, officer))
    assert denied.status_code == 403
    assert len(client.get("/api/feeds/sources", headers=h).json()) == 1
