"""Against a real `biopark serve` on the default SQLite: bombs, concurrency, kept-alive connections.

The load test is marked `load`; it runs with the rest of the suite (CI included)
and can be run alone with `pytest -m load`.
"""

from __future__ import annotations

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.kit.test_sheets import full_sheet_bomb
from tests.live import live_server, token

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_bomb_is_refused_fast_while_the_server_keeps_answering(tmp_path: Path) -> None:
    with live_server(tmp_path) as url:
        headers = {"Authorization": f"Bearer {token(url, 'demo-investment')}"}
        latencies: list[float] = []
        stop = threading.Event()

        def ping() -> None:
            with httpx.Client(base_url=url, timeout=30) as c:
                while not stop.is_set():
                    started = time.perf_counter()
                    assert c.get("/healthz").status_code == 200
                    latencies.append(time.perf_counter() - started)
                    time.sleep(0.02)

        pinger = threading.Thread(target=ping)
        pinger.start()
        try:
            started = time.perf_counter()
            resp = httpx.post(
                f"{url}/api/investment/projects/import",
                files={"file": ("bomb.xlsx", full_sheet_bomb(), XLSX)},
                headers=headers,
                timeout=60,
            )
            refused_in = time.perf_counter() - started
        finally:
            stop.set()
            pinger.join()
        assert 400 <= resp.status_code < 500, resp.text
        assert "1048576" in resp.json()["error"]["message"]
        assert refused_in < 2, refused_in
        assert latencies and max(latencies) < 2, max(latencies)
        print(f"bomb refused in {refused_in:.3f} s; /healthz max {max(latencies):.3f} s")


def test_a_500_keeps_the_connection_open(tmp_path: Path) -> None:
    # The server is real: uvicorn closes a kept-alive connection when an exception escapes.
    with live_server(tmp_path) as url, httpx.Client(base_url=url, timeout=30) as c:
        first = c.get("/healthz")
        # Not a 500 here, but an error page rendered by the app's handlers; the
        # connection must stay the same for the next request.
        c.get("/api/investment/projects/99999999999999999999999")
        again = c.get("/healthz")
        assert first.status_code == again.status_code == 200
        assert again.extensions["network_stream"] is first.extensions["network_stream"]


@pytest.mark.load
def test_2000_public_consultations_from_many_addresses_queue_on_sqlite(tmp_path: Path) -> None:
    total, clients, per_address = 2000, 20, 5
    env = {
        # Limits are not under test here (spread addresses keep under them anyway).
        "BIOPARK_INVESTMENT_CONSULT_ADDRESS_LIMIT": "100000",
        "BIOPARK_INVESTMENT_CONSULT_PHONE_LIMIT": "100000",
    }
    with live_server(tmp_path, **env) as url:
        statuses: list[int] = []
        latencies: list[float] = []
        lead_ids: list[int] = []
        lock = threading.Lock()

        def run_client(n: int) -> None:
            mine = range(n, total, clients)
            by_address: dict[str, list[int]] = {}
            for i in mine:
                a = i // per_address
                by_address.setdefault(f"127.0.{1 + a // 250}.{1 + a % 250}", []).append(i)
            for address, items in by_address.items():
                transport = httpx.HTTPTransport(local_address=address)
                with httpx.Client(base_url=url, transport=transport, timeout=120) as c:
                    for i in items:
                        body = {
                            "company": f"负载测试生物科技有限公司{i}",
                            "contact_name": f"联系人{i}",
                            "phone": f"139{i:08d}",
                            "message": "了解园区政策",
                            "consent": True,
                        }
                        started = time.perf_counter()
                        resp = c.post("/api/investment/consult/cq-biocity", json=body)
                        elapsed = time.perf_counter() - started
                        with lock:
                            statuses.append(resp.status_code)
                            latencies.append(elapsed)
                            if resp.status_code == 201:
                                lead_ids.append(resp.json()["lead_id"])

        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(run_client, range(clients)))
        wall = time.perf_counter() - started

    errors = [s for s in statuses if s >= 500]
    engine = create_engine(f"sqlite:///{tmp_path}/biopark.db")
    with engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT company, count(*) FROM investment_lead WHERE company LIKE '负载测试%' GROUP BY company"
            )
        ).all()
    engine.dispose()
    accepted = statuses.count(201)
    quantiles = statistics.quantiles(latencies, n=20)
    print(
        f"load: {len(statuses)} requests in {wall:.1f} s, {accepted} accepted, "
        f"{len(errors)} server errors, p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {quantiles[18] * 1000:.0f} ms, stored {len(stored)}, "
        f"duplicates {sum(1 for _, n in stored if n > 1)}"
    )
    assert len(statuses) == total
    log = (tmp_path / "server.log").read_text(errors="replace")
    assert errors == [], [line for line in log.splitlines() if "rror" in line][-20:]
    assert accepted == total
    assert len(stored) == accepted == len(set(lead_ids))
    assert all(n == 1 for _, n in stored)


def test_several_workers_share_sessions_and_limits(tmp_path: Path) -> None:
    # Nothing that matters lives in one process: a token from one worker works on every
    # other, and sign-in failures count across them.
    with live_server(tmp_path, workers=2) as url:
        headers = {"Authorization": f"Bearer {token(url, 'demo-leader')}"}
        for _ in range(8):
            with httpx.Client(base_url=url, timeout=30) as c:
                assert c.get("/api/me", headers=headers).status_code == 200
        codes = []
        for _ in range(8):
            with httpx.Client(base_url=url, timeout=30) as c:
                body = {"username": "demo-admin", "password": "wrong-password-x"}
                codes.append(c.post("/api/auth/token", json=body).status_code)
        assert codes[:2] == [401, 401]
        assert set(codes[2:]) <= {401, 429} and 429 in codes
