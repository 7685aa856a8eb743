"""Following an upload's background task from its 202 answer to its end."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient


def finished_task(client: TestClient, accepted: httpx.Response, headers: dict[str, str]) -> Any:
    """The task's final status body, polled from the 202 answer's status_url."""
    assert accepted.status_code == 202, accepted.text
    url = accepted.json()["status_url"]
    for _ in range(50):
        body = client.get(url, headers=headers).json()
        if body["status"] in ("done", "failed"):
            return body
    raise AssertionError(f"task did not finish: {body}")
