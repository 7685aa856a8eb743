"""`biopark serve` with its embedded worker (the default) processes an upload's task."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.live import live_server, token

pytestmark = pytest.mark.slow


def test_embedded_worker_finishes_a_ledger_import(tmp_path: Path) -> None:
    with live_server(tmp_path, BIOPARK_EMBEDDED_WORKER="true") as url:
        headers = {"Authorization": f"Bearer {token(url, 'demo-investment')}"}
        with httpx.Client(base_url=url, headers=headers, timeout=30) as c:
            ledger = c.get("/api/investment/projects/export.xlsx")
            assert ledger.status_code == 200
            resp = c.post(
                "/api/investment/projects/import",
                files={"file": ("ledger.xlsx", ledger.content, "application/octet-stream")},
            )
            assert resp.status_code == 202, resp.text
            deadline = time.monotonic() + 60
            body = c.get(resp.json()["status_url"]).json()
            while body["status"] in ("queued", "running") and time.monotonic() < deadline:
                time.sleep(0.5)
                body = c.get(resp.json()["status_url"]).json()
    assert body["status"] == "done", body
    assert body["result"]["updated"] == body["result"]["total"] > 0
    assert body["progress"] == {"done": 1, "total": 1}
