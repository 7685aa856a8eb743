"""Two app processes and two workers on PostgreSQL and Redis, behind a round-robin client.

Nothing may live in one process only: a token, a page session or a search result
obtained through one app process works through the other; the secret key both
generate on first start is one key. Killing one app process with -9 under load
fails only the requests it had in flight; killing the worker that runs an upload
hands the upload to the other worker, which finishes it.
Skipped when Redis or PostgreSQL is unreachable (a failure under CI, as tests/jobs).
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.jobs.models import BackgroundTask
from tests.builders import PASSWORD, csrf_of, make_park, make_user
from tests.intel.builders import demo_bytes
from tests.jobs.test_workers import REDIS, _wait
from tests.jobs.test_workers import pg_url as pg_url
from tests.live import free_port

pytestmark = pytest.mark.slow
PREFIXES = ("01", "04", "05", "06")


class RoundRobin:
    """A tiny load balancer in the client: each request goes to the next live backend.

    A backend that refuses the connection is dropped and the request goes to the next
    one (nothing was sent); a request that was sent and then lost its connection is
    an in-flight failure: reported, not retried, and its backend is dropped too.
    """

    def __init__(self, urls: list[str], headers: dict[str, str]) -> None:
        self.live = list(urls)
        self.turn = itertools.count()
        self.lock = threading.Lock()
        self.client = httpx.Client(headers=headers, timeout=30)

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        while True:
            with self.lock:
                if not self.live:
                    raise RuntimeError("no backend left")
                base = self.live[next(self.turn) % len(self.live)]
            try:
                return self.client.request(method, base + path, **kw)
            except httpx.ConnectError:
                self._drop(base)
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError):
                # Lost after sending: reported, and the backend is taken out of rotation
                # (a proxy's passive health check), so its stale kept-alive connections
                # are not handed to the next requests.
                self._drop(base)
                raise

    def _drop(self, base: str) -> None:
        with self.lock:
            if base in self.live:
                self.live.remove(base)


def _start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = open(log, "wb")  # noqa: SIM115
    return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
    for p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


@pytest.fixture
def cluster(pg_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    queue_name = f"biopark-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "BIOPARK_DATABASE_URL": pg_url,
        "BIOPARK_QUEUE_URL": REDIS,
        "BIOPARK_QUEUE_NAME": queue_name,
        # One shared folder (uploads), as a shared volume would be; no key configured.
        "BIOPARK_VAR_DIR": str(tmp_path),
        "BIOPARK_EMBEDDED_WORKER": "false",
        "BIOPARK_JOBS_INLINE": "false",
        "BIOPARK_JOB_SLOW_SECONDS": "1.5",
        "BIOPARK_JOB_LEASE_SECONDS": "3",
    }
    env.pop("BIOPARK_SECRET_KEY", None)
    env.pop("BIOPARK_TEST_DATABASE_URL", None)
    cmd = [sys.executable, "-m", "biopark"]
    ports = [free_port(), free_port()]
    apps = [
        _start([*cmd, "serve", "--port", str(p)], env, tmp_path / f"app-{p}.log") for p in ports
    ]
    workers = [
        _start(
            [*cmd, "worker", "--workers", "1", "--no-periodic"], env, tmp_path / f"worker-{i}.log"
        )
        for i in range(2)
    ]
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        for url, port in zip(urls, ports, strict=True):
            try:
                _wait(lambda u=url: _ready(u), 300, f"{url} to start")
            except AssertionError as exc:
                raise AssertionError((tmp_path / f"app-{port}.log").read_text()[-3000:]) from exc
        yield {"urls": urls, "apps": apps, "workers": workers, "var": tmp_path}
    finally:
        _stop(apps + workers)
        import redis

        client = redis.Redis.from_url(REDIS)
        for key in client.scan_iter(f"*{queue_name}*"):
            client.delete(key)


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_two_apps_and_two_workers_share_everything(cluster: dict[str, Any], pg_url: str) -> None:
    engine = create_engine(pg_url)
    with Session(engine) as session:
        park = make_park(session)
        username = make_user(session, park, Role.analyst).username
        session.commit()
    first, second = cluster["urls"]
    # The key both processes created on their first start is one key.
    assert len((cluster["var"] / "secret_key").read_text().strip()) > 40

    # A page session signed in on one process is valid on the other.
    with httpx.Client(base_url=first, timeout=30) as browser:
        csrf = csrf_of(browser.get("/login").text)
        resp = browser.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": csrf},
            follow_redirects=False,
        )
        assert resp.status_code == 303, resp.text
        cookies = browser.cookies
    assert httpx.get(f"{second}/intel", cookies=cookies, timeout=30).status_code == 200

    token = httpx.post(
        f"{second}/api/auth/token",
        json={"username": username, "password": PASSWORD},
        timeout=30,
    ).json()["access_token"]
    lb = RoundRobin(cluster["urls"], {"Authorization": f"Bearer {token}"})

    # An upload goes to the queue; the worker running it is killed; the other finishes it.
    files = [("file", (f"{p}.txt", demo_bytes(p), "text/plain")) for p in PREFIXES]
    accepted = lb.request("POST", "/api/intel/documents/upload", files=files)
    assert accepted.status_code == 202, accepted.text
    task_id = accepted.json()["task_id"]

    def task() -> BackgroundTask:
        with Session(engine) as s:
            row = s.get(BackgroundTask, task_id)
            assert row is not None
            return row

    running = _wait(lambda: (t := task()).status == "running" and t.done >= 1 and t, 60, "a start")
    victim = next(w for w in cluster["workers"] if (running.worker or "").endswith(f":{w.pid}"))
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)

    # Meanwhile, load through both app processes; one of them is killed with -9.
    results: list[str] = []
    stop = threading.Event()

    def user() -> None:
        while not stop.is_set():
            try:
                r = lb.request("GET", "/api/intel/search?q=创新药")
                results.append("ok" if r.status_code == 200 else f"status {r.status_code}")
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError) as exc:
                results.append(f"in-flight {type(exc).__name__}")

    with ThreadPoolExecutor(4) as pool:
        for _ in range(4):
            pool.submit(user)
        time.sleep(3)
        before = len(results)
        cluster["apps"][0].send_signal(signal.SIGKILL)
        time.sleep(4)
        stop.set()
    failures = [r for r in results if r != "ok"]
    assert before > 0 and len(results) > before
    assert all(r.startswith("in-flight") for r in failures), failures
    assert len(failures) <= 4  # at most one request in flight per user
    assert lb.live == [second]

    finished = _wait(lambda: (t := task()).status == "done" and t, 90, "the other worker")
    assert finished.done == len(PREFIXES) and finished.worker != running.worker
    # Documents stored by a worker are in the search index every process reads.
    hits = lb.request("GET", "/api/intel/search?q=宸安").json()
    assert hits["used_index"] and hits["hits"]
    engine.dispose()
