"""The root CLI: backups and the permissions of what it writes."""

from __future__ import annotations

import json
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


HEAVY = ("sqlalchemy", "rjieba", "trafilatura", "openpyxl", "cn2an", "fastapi", "opencc")
# Runs the CLI in-process, then prints the heavy libraries and domain CLI modules it loaded.
PROBE = f"""
import json, sys
from biopark.cli import app
try:
    app(sys.argv[1:], prog_name="biopark")
except SystemExit:
    pass
loaded = [m for m in {HEAVY!r} if m in sys.modules]
loaded += [m for m in sys.modules if m.startswith("biopark.") and m.endswith(".cli")
           and m != "biopark.cli"]
print("LOADED", json.dumps(sorted(loaded)))
"""


def _run(*args: str) -> tuple[str, list[str]]:
    """The CLI's output and the heavy or domain modules it imported."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("LOADED "))
    return out.stdout + out.stderr, json.loads(line.removeprefix("LOADED "))


def test_help_imports_no_domain_module_nor_heavy_library() -> None:
    out, loaded = _run("--help")
    assert "Usage: biopark" in out
    assert loaded == []


def test_every_domain_sub_command_is_listed_and_loads_alone() -> None:
    from biopark import registry
    from biopark.cli import domain_commands

    commands = domain_commands()
    with_cli = {d for d in registry.DOMAINS if (registry.PACKAGE_DIR / d / "cli.py").exists()}
    assert {domain for domain, _ in commands.values()} == with_cli
    assert {"user", "park", "intel", "jobs"} <= set(commands)
    help_text, _ = _run("--help")
    for name in (*commands, "extract", "reconcile", "db", "serve", "worker"):
        assert f" {name} " in help_text, name
    for name, (domain, text) in commands.items():
        assert text, name
        out, loaded = _run(name, "--help")
        assert f"Usage: biopark {name}" in out and "Commands" in out, (name, out)
        # Only the sub-command's own module loads, not every other domain's CLI.
        assert [m for m in loaded if m.endswith(".cli")] == [f"biopark.{domain}.cli"], name


def test_unknown_command_is_refused() -> None:
    out, _ = _run("no-such-command")
    assert "No such command" in out


def test_extract_runs_without_database_or_web_stack(tmp_path: Path) -> None:
    doc = tmp_path / "one.txt"
    doc.write_text("重庆某生物医药公司完成B轮融资3亿元。", encoding="utf-8")
    out, loaded = _run("extract", str(doc))
    assert json.loads(out.splitlines()[0])["path"] == str(doc)
    assert not {"sqlalchemy", "fastapi", "trafilatura", "openpyxl"} & set(loaded)
