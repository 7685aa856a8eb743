"""`biopark investment ...` on a fresh SQLite database with the demo park."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from biopark import db, migrate
from biopark.demo.service import load_demo
from biopark.investment.cli import app

Run = Callable[..., Any]


def _clear_caches() -> None:
    db.forget()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    var = tmp_path_factory.mktemp("cli")
    url = f"sqlite:///{var}/cli.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BIOPARK_VAR_DIR", str(var))
        mp.setenv("BIOPARK_DATABASE_URL", url)
        _clear_caches()
        migrate.upgrade(url)
        with db.session_scope() as session:
            load_demo(session, password="cli-pass-123")
        runner = CliRunner()

        def _run(*args: str, check: bool = True) -> Any:
            result = runner.invoke(app, list(args[1:]) if args[0] == "investment" else list(args))
            if check:
                assert result.exit_code == 0, result.output
            result.returncode = result.exit_code
            return result

        yield _run
        db.get_engine().dispose()
        _clear_caches()
    _clear_caches()


def test_stats_json_has_the_demo_figures(run: Run) -> None:
    out = run(
        "investment",
        "stats",
        "--park",
        "cq-biocity",
        "--year",
        "2025",
        "--month-to",
        "11",
        "--json",
    )
    stats = json.loads(out.stdout)
    assert stats["signed_projects"] == 21
    assert stats["agreed_investment"] == "10200000000.00"
    assert stats["funds_in_place"] == "3833000000.00"
    assert stats["progress"] == {
        "projects_pct": "84.00",
        "agreed_investment_pct": "92.73",
        "funds_in_place_pct": "85.18",
    }
    assert len(stats["months"]) == 11


def test_qr_writes_png_and_svg(run: Run, tmp_path: Path) -> None:
    run(
        "investment",
        "qr",
        "--park",
        "cq-biocity",
        "--out",
        str(tmp_path),
        "--base-url",
        "https://park.example",
    )
    assert (tmp_path / "consult-cq-biocity.png").read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in (tmp_path / "consult-cq-biocity.svg").read_bytes()
    missing = run("investment", "qr", "--park", "nope", "--out", str(tmp_path), check=False)
    assert missing.returncode == 1


def test_digest_lists_each_owners_items(run: Run) -> None:
    out = run("investment", "digest", "--park", "cq-biocity", "--days", "3").stdout
    assert "李招商" in out and "逾期" in out and "西永放射性药物项目" in out


def test_export_then_reimport_updates_by_code(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "ledger.xlsx"
    run("investment", "export", str(path), "--user", "demo-investment", "--year", "2025")
    assert path.stat().st_size > 0
    again = run("investment", "import", str(path), "--user", "demo-investment", check=False)
    assert again.returncode == 0, again.stdout
    assert "更新" in again.stdout and "新建 0" in again.stdout


def test_purge_leads_reports_what_it_anonymised(run: Run) -> None:
    out = run("investment", "purge-leads", "--days", "36500")
    assert "已匿名化 0 条线索" in out.stdout
