"""The root CLI: backups and the permissions of what it writes."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from tests.live import server_env


def test_database_and_backups_are_private_and_restorable(tmp_path: Path) -> None:
    env = server_env(tmp_path / "var")
    cli = [sys.executable, "-m", "biopark"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    var = tmp_path / "var"
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    assert stat.S_IMODE((var / "biopark.db").stat().st_mode) == 0o600
    out = subprocess.run(
        [*cli, "db", "backup"], env=env, check=True, capture_output=True, text=True
    )
    backups = list((var / "backups").glob("biopark-*.db"))
    assert len(backups) == 1 and str(backups[0]) in out.stdout
    assert stat.S_IMODE((var / "backups").stat().st_mode) == 0o700
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    # Restore drill: the copy is a complete database at the current revision.
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()
