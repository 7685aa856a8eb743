"""One fetch policy for web and CLI: total time per URL, size caps, no private or file: targets."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from biopark.config import get_settings
from biopark.intel.fetch import Fetcher, FileTooLarge, read_capped


class _Trickle(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/feed.xml":
            body = (
                b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                b"<item><title>a</title><link>file:///etc/passwd</link></item>"
                b"<item><title>b</title><link>/news/ok.html</link></item>"
                b"</channel></rss>"
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            # A byte every 0.3 s: never trips a read timeout, never finishes.
            for _ in range(200):
                self.wfile.write(b"x" * (4096 if self.path == "/huge" else 1))
                self.wfile.flush()
                if self.path != "/huge":
                    time.sleep(0.3)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def trickle() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_trickling_server_is_cut_at_the_total_time_limit(trickle: str) -> None:
    with Fetcher(allow_private=True, min_interval=0, timeout=5, total_seconds=2) as fetcher:
        started = time.monotonic()
        got = fetcher.fetch(f"{trickle}/slow")
        elapsed = time.monotonic() - started
    assert got.data is None and got.error is not None and "timed out" in got.error
    assert elapsed < 4, elapsed


def test_downloads_are_capped_while_streaming(trickle: str) -> None:
    with Fetcher(allow_private=True, min_interval=0, max_bytes=100_000) as fetcher:
        got = fetcher.fetch(f"{trickle}/huge")
    assert got.error == "too large: over 100000 bytes"


def test_local_files_are_capped_without_reading_them_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_bytes(b"a" * 2000)
    with pytest.raises(FileTooLarge):
        read_capped(path, max_bytes=1000)
    assert read_capped(path, max_bytes=2000) == b"a" * 2000


def test_private_addresses_are_refused_unless_the_setting_allows(
    trickle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert get_settings().fetch_allow_private is False
    with Fetcher(min_interval=0) as fetcher:
        assert fetcher.fetch(f"{trickle}/feed.xml").error == (
            "address not allowed (private or local network)"
        )
    monkeypatch.setattr(get_settings(), "fetch_allow_private", True)
    with Fetcher(min_interval=0) as fetcher:
        links, error = fetcher.feed_links(f"{trickle}/feed.xml")
    # A feed may point only at web pages: its file: item is dropped.
    assert error is None
    assert links == [f"{trickle}/news/ok.html"]
