"""Settings from the environment (prefix BIOPARK_) with safe defaults."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    """All runtime settings; every field can be set as BIOPARK_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="BIOPARK_", extra="ignore")

    var_dir: Path = Field(default=Path("var"))
    database_url: str = ""
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    default_language: str = "zh"
    # A sign-in lasts at most session_max_age_hours, and ends after session_idle_minutes unused.
    session_max_age_hours: int = 12
    session_idle_minutes: int = 120
    token_max_age_days: int = 30
    # Wrong passwords per (username, address) within the window before that pair is refused;
    # from the second failure on, each retry also waits a doubling delay.
    login_max_failures: int = 5
    login_window_minutes: int = 15
    # Wrong passwords from one address across all usernames (password spraying).
    login_max_failures_per_address: int = 30
    secure_cookies: bool = False
    # Largest file accepted as an attachment of a request message.
    attachment_max_mb: int = 10
    # Links in e-mails and robot messages point here.
    base_url: str = "http://127.0.0.1:8000"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "biopark@localhost"
    smtp_tls: bool = False
    # Empty: an embedded SQLite queue at var_dir/jobs.db; redis://host:port/db across machines.
    queue_url: str = ""
    queue_name: str = "biopark"
    embedded_worker: bool = True
    # A job run whose worker has not beaten its heartbeat for this long is taken over.
    job_lease_seconds: int = 300
    # Run uploads' background tasks inside the request instead of on the queue (tests only).
    jobs_inline: bool = False
    # Test hook: seconds a job sleeps between its effects (the kill -9 test needs a slow job).
    job_slow_seconds: float = 0.0
    # Feeds on the local network are refused unless an operator allows them.
    feeds_allow_private: bool = False
    # Send admins and leaders without a second factor to its enrolment page at sign-in.
    totp_required: bool = False
    # Request bodies above this are refused with 413 (uploads are capped at 5 MB).
    max_body_mb: int = 12
    # Comma-separated addresses of trusted reverse proxies ("" = none, "*" = any).
    forwarded_allow_ips: str = ""
    # Let ingest fetch loopback/private addresses (tests, a lab network); off = SSRF guard.
    fetch_allow_private: bool = False
    # Optional OpenAI-compatible chat endpoint that rewrites brief points for fluency
    # ("" = off, briefs stay deterministic); base URL or the full /v1/chat/completions URL.
    llm_url: str = ""
    llm_model: str = ""
    llm_key: str = ""
    llm_timeout_seconds: float = 20.0
    # Requests one app process serves at once (its thread pool); its database pool keeps as
    # many connections open, so no request opens a connection of its own.
    threads: int = Field(default=4, ge=1, le=200)
    # Each app process keeps a park's cockpit figures this long (0 = always recompute).
    dashboard_cache_seconds: float = 30.0
    # Re-read changed template files on render (development); off, each is compiled once.
    template_reload: bool = False

    def resolved_database_url(self) -> str:
        """The configured URL, or an embedded SQLite database under var_dir."""
        if self.database_url:
            return self.database_url
        path = self.var_dir / "biopark.db"
        private_file(path)
        return f"sqlite:///{path.resolve()}"

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once and kept under var_dir."""
        if self.secret_key:
            return self.secret_key
        self.var_dir.mkdir(parents=True, exist_ok=True)
        path = self.var_dir / "secret_key"
        if not path.exists():
            _create_once(path, secrets.token_urlsafe(48))
        return path.read_text(encoding="utf-8").strip()


def _create_once(path: Path, content: str) -> None:
    """Write the file unless it exists, atomically: of several processes starting at once,
    exactly one key wins and every process reads that one, never a half-written file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)
        # link() fails when the name exists, unlike rename(): the first writer wins.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def private_dir(path: Path) -> Path:
    """Create the folder (and parents) readable by the owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    return path


def private_file(path: Path) -> Path:
    """Make sure the file exists and only its owner can read it (SQLite's -wal and -shm
    files copy the database file's permissions)."""
    private_dir(path.parent)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    return path


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
