"""A real `biopark serve` process on a fresh database, for tests that need sockets and threads."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PASSWORD = "live-test-password-1"


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(var: Path, **extra: str) -> dict[str, str]:
    """The environment of a server on the default SQLite database under var."""
    # The job worker is tested on its own (tests/jobs); here it would only add load.
    env = {**os.environ, "BIOPARK_VAR_DIR": str(var), "BIOPARK_EMBEDDED_WORKER": "false", **extra}
    env.pop("BIOPARK_TEST_DATABASE_URL", None)
    env.pop("BIOPARK_DATABASE_URL", None)
    return env


@contextmanager
def live_server(var: Path, *, workers: int = 1, **extra: str) -> Iterator[str]:
    """Migrate, load the demo park (password PASSWORD) and serve; yields the base URL."""
    env = server_env(var, **extra)
    cli = [sys.executable, "-m", "biopark"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*cli, "demo", "load", "--password", PASSWORD], env=env, check=True, capture_output=True
    )
    port = free_port()
    log_path = var / "server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [*cli, "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=log,
            stderr=log,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            proc.kill()
            raise RuntimeError("server did not start: " + log_path.read_text())
        try:
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def token(url: str, username: str) -> str:
    """A bearer token for a demo user."""
    r = httpx.post(
        f"{url}/api/auth/token", json={"username": username, "password": PASSWORD}, timeout=30
    )
    r.raise_for_status()
    return str(r.json()["access_token"])
