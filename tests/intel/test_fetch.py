"""Fetching and ingesting over HTTP, against a local server started by the test (never the internet)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from sqlalchemy import select

from biopark.intel.fetch import Fetcher
from biopark.intel.models import IntelDocument
from biopark.intel.service.ingest import DUPLICATE, FAILED, NEW, feed_targets, ingest_many
from tests.builders import make_park
from tests.intel.builders import demo_bytes

ROBOTS = b"User-agent: *\nDisallow: /private/\n"


class _Handler(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[int, str, bytes]]] = {}
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        status, ctype, body = self.pages.get(self.path, (404, "text/plain", b"not found"))
        if self.path == "/slow":
            threading.Event().wait(1.0)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    _Handler.hits = []
    _Handler.pages = {
        "/robots.txt": (200, "text/plain", ROBOTS),
        "/news/signing.html": (200, "text/html; charset=utf-8", demo_bytes("01")),
        "/news/deal.txt": (200, "text/plain; charset=utf-8", demo_bytes("05")),
        "/private/secret.html": (200, "text/html", demo_bytes("04")),
        "/big.html": (200, "text/html", b"<p>" + b"x" * 5000 + b"</p>"),
        "/slow": (200, "text/plain", demo_bytes("06")),
        "/feed.xml": (
            200,
            "application/rss+xml",
            (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>园区动态</title>'
                "<item><title>签约</title><link>/news/signing.html</link></item>"
                "<item><title>授权</title><link>/news/deal.txt</link></item>"
                "<item><title>缺失</title><link>/news/gone.html</link></item>"
                "</channel></rss>"
            ).encode(),
        ),
    }
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()
    httpd.server_close()


def test_fetch_honours_robots_size_cap_timeout_and_status(server: str) -> None:
    with Fetcher(min_interval=0, max_bytes=4096, timeout=0.3, allow_private=True) as f:
        assert f.fetch(f"{server}/news/deal.txt").data == demo_bytes("05")
        assert f.fetch(f"{server}/private/secret.html").error == "disallowed by robots.txt"
        assert "too large" in (f.fetch(f"{server}/big.html").error or "")
        assert f.fetch(f"{server}/slow").error == "timed out"
        assert f.fetch(f"{server}/nothing").error == "HTTP 404"
        assert "http" in (f.fetch("file:///etc/passwd").error or "")
    assert "/private/secret.html" not in _Handler.hits
    assert _Handler.hits.count("/robots.txt") == 1


def test_rate_limit_waits_between_requests_to_one_host(server: str) -> None:
    waits: list[float] = []
    with Fetcher(min_interval=5.0, sleep=waits.append, allow_private=True) as f:
        f.fetch(f"{server}/news/deal.txt")
        f.fetch(f"{server}/news/signing.html")
    # robots.txt, then two pages: each request after the first waited its turn.
    assert len(waits) == 2 and all(0 < w <= 5.0 for w in waits)


def test_rss_ingest_fetches_articles_and_records_failures(session, server: str) -> None:
    park = make_park(session)
    with Fetcher(min_interval=0, allow_private=True) as f:
        links = feed_targets(session, park_id=park.id, feed_url=f"{server}/feed.xml", fetcher=f)
        assert links == [
            f"{server}/news/signing.html",
            f"{server}/news/deal.txt",
            f"{server}/news/gone.html",
        ]
        results = ingest_many(session, park_id=park.id, targets=links, fetcher=f)
        again = ingest_many(session, park_id=park.id, targets=links[:1], fetcher=f)
    assert [r.status for r in results] == [NEW, NEW, FAILED]
    assert results[2].error == "HTTP 404"
    assert again[0].status == DUPLICATE
    doc = session.scalar(select(IntelDocument).where(IntelDocument.id == results[0].document_id))
    assert doc is not None and doc.url == links[0] and doc.raw == demo_bytes("01")


def test_web_fetches_cannot_reach_the_servers_own_network(session, server: str, client) -> None:  # type: ignore[no-untyped-def]
    from biopark.accounts.models import Role
    from tests.builders import make_user, token_headers

    with Fetcher(min_interval=0) as f:
        assert (
            f.fetch(f"{server}/news/deal.txt").error
            == "address not allowed (private or local network)"
        )
    park = make_park(session)
    h = token_headers(client, make_user(session, park, Role.analyst))
    resp = client.post("/api/intel/documents", json={"url": f"{server}/news/deal.txt"}, headers=h)
    assert resp.status_code == 201 and resp.json()["status"] == FAILED
    assert "not allowed" in resp.json()["error"]
    assert _Handler.hits == []
