"""Polite HTTP fetching: timeouts, a size cap, robots.txt and a per-host rate limit.

No database here: the fetcher returns bytes or a reason, ingest stores either.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx

USER_AGENT = "biopark-intel/0.1 (+https://github.com/biopark)"
MAX_BYTES = 5 * 1024 * 1024
# Whole-URL limit: a server trickling a byte every few seconds never trips the read timeout.
TOTAL_SECONDS = 30.0


class FileTooLarge(OSError):
    """A local file over the size cap."""


def read_capped(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """A local file's bytes, refusing files over the cap without reading them whole."""
    with path.open("rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileTooLarge(f"too large: over {max_bytes} bytes")
    return data


def _allow_private_default() -> bool:
    from biopark.config import get_settings

    return get_settings().fetch_allow_private


class BlockedAddress(httpx.RequestError):
    """The URL's host resolves to a loopback, private or link-local address."""


def _check_public(request: httpx.Request) -> None:
    host = request.url.host
    try:
        infos = socket.getaddrinfo(host, request.url.port or 80, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise httpx.ConnectError(f"cannot resolve {host}", request=request) from exc
    for info in infos:
        addr = ipaddress.ip_address(info[4][0])
        if not addr.is_global:
            raise BlockedAddress(f"address not allowed: {host}", request=request)


@dataclass(frozen=True, slots=True)
class Fetched:
    """The outcome of one fetch: data on success, error otherwise."""

    url: str
    data: bytes | None = None
    error: str | None = None


class Fetcher:
    """One HTTP client shared by a batch, remembering robots.txt and last request per host."""

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        max_bytes: int = MAX_BYTES,
        min_interval: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
        allow_private: bool | None = None,
        total_seconds: float = TOTAL_SECONDS,
    ) -> None:
        if allow_private is None:
            allow_private = _allow_private_default()
        self.max_bytes = max_bytes
        self.total_seconds = total_seconds
        self.min_interval = min_interval
        self._sleep = sleep
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT},
            transport=transport,
            # Nobody (web users, feeds read by the CLI) may make the server reach its own
            # network (SSRF); every request, redirects included, is checked. Only the
            # BIOPARK_FETCH_ALLOW_PRIVATE setting (tests, a lab network) turns this off.
            event_hooks={} if allow_private else {"request": [_check_public]},
        )
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Release the HTTP connections."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait_turn(self, host: str) -> None:
        with self._lock:
            last = self._last.get(host)
            now = time.monotonic()
            if last is not None and now - last < self.min_interval:
                self._sleep(self.min_interval - (now - last))
            self._last[host] = time.monotonic()

    def _get(self, url: str) -> Fetched:
        host = urlsplit(url).netloc
        self._wait_turn(host)
        deadline = time.monotonic() + self.total_seconds
        try:
            with self._client.stream("GET", url) as resp:
                # Closing the response from a timer ends a read that is still trickling.
                watchdog = threading.Timer(self.total_seconds, resp.close)
                watchdog.daemon = True
                watchdog.start()
                try:
                    return self._read(url, resp, deadline)
                finally:
                    watchdog.cancel()
        except BlockedAddress:
            return Fetched(url=url, error="address not allowed (private or local network)")
        except httpx.TimeoutException:
            return Fetched(url=url, error="timed out")
        except httpx.HTTPError as exc:
            if time.monotonic() >= deadline:
                return Fetched(url=url, error=f"timed out after {self.total_seconds:g} s")
            return Fetched(url=url, error=f"fetch failed: {type(exc).__name__}")

    def _read(self, url: str, resp: httpx.Response, deadline: float) -> Fetched:
        if resp.status_code >= 400:
            return Fetched(url=url, error=f"HTTP {resp.status_code}")
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            return Fetched(url=url, error=f"too large: {declared} bytes")
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_bytes():
            if time.monotonic() >= deadline:
                return Fetched(url=url, error=f"timed out after {self.total_seconds:g} s")
            size += len(chunk)
            if size > self.max_bytes:
                return Fetched(url=url, error=f"too large: over {self.max_bytes} bytes")
            chunks.append(chunk)
        if time.monotonic() >= deadline:
            return Fetched(url=url, error=f"timed out after {self.total_seconds:g} s")
        return Fetched(url=url, data=b"".join(chunks))

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets this user agent fetch the URL."""
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        if root not in self._robots:
            got = self._get(urljoin(root, "/robots.txt"))
            if got.data is None:
                # No robots.txt (or unreadable): the web's convention is that all is allowed.
                self._robots[root] = None
            else:
                rules = urllib.robotparser.RobotFileParser()
                rules.parse(got.data.decode("utf-8", "replace").splitlines())
                self._robots[root] = rules
        parser = self._robots[root]
        return parser is None or parser.can_fetch(USER_AGENT, url)

    def fetch(self, url: str) -> Fetched:
        """GET one http(s) URL, honouring robots.txt, the rate limit and the size cap."""
        if urlsplit(url).scheme not in ("http", "https"):
            return Fetched(url=url, error="only http and https URLs can be fetched")
        if not self.allowed(url):
            return Fetched(url=url, error="disallowed by robots.txt")
        return self._get(url)

    def feed_links(self, url: str) -> tuple[list[str], str | None]:
        """The article links of an RSS or Atom feed, or an error."""
        got = self.fetch(url)
        if got.data is None:
            return [], got.error
        feed = feedparser.parse(got.data)
        links = [str(e.get("link")) for e in feed.entries if e.get("link")]
        if not links and feed.get("bozo"):
            return [], "not a readable RSS/Atom feed"
        # A feed may only point at web pages: never file: paths or other schemes.
        absolute = [urljoin(url, link) for link in links]
        return [link for link in absolute if urlsplit(link).scheme in ("http", "https")], None
