"""`biopark reconcile` and `biopark dashboard report` on a fresh SQLite database with the demo park."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from biopark import config, db, migrate
from biopark.cli import app
from biopark.demo.service import load_demo


def _clear_caches() -> None:
    config.get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliRunner]:
    var = tmp_path_factory.mktemp("dashcli")
    url = f"sqlite:///{var}/cli.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BIOPARK_VAR_DIR", str(var))
        mp.setenv("BIOPARK_DATABASE_URL", url)
        _clear_caches()
        migrate.upgrade(url)
        with db.session_scope() as session:
            load_demo(session, password="cli-pass-123")
        yield CliRunner()
        db.get_engine().dispose()
        _clear_caches()
    _clear_caches()


def test_reconcile_json_on_demo(runner: CliRunner) -> None:
    result = runner.invoke(app, ["reconcile", "--park", "cq-biocity", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    found = {(r["label"], r["reported_value"], r["period"]): r for r in rows}
    agreed = found[("协议投资额", "10200000000", "2025-01/2025-11")]
    assert agreed["status"] == "match" and agreed["ledger_value"] == "10200000000.00"
    assert found[("签约入库项目", "21", "2025-01/2025-11")]["status"] == "match"
    assert found[("到位资金", "3833000000", "2025-01/2025-11")]["status"] == "match"
    # The earlier release's Jan-Oct figure disagrees with the ledger.
    old = found[("协议投资额", "13600000000", "2025-01/2025-10")]
    assert old["status"] == "mismatch" and old["ledger_value"] == "9520000000.00"
    forecast = [r for r in rows if r["forecast"] and r["quantity"] == "agreed_investment"]
    assert forecast and forecast[0]["status"] == "not_comparable"
    assert forecast[0]["target_value"] == "11000000000.00"


def test_reconcile_unknown_park(runner: CliRunner) -> None:
    result = runner.invoke(app, ["reconcile", "--park", "nowhere"])
    assert result.exit_code == 2


def test_report_docx(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    result = runner.invoke(
        app,
        ["dashboard", "report", "--park", "cq-biocity", "--month", "2025-11", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    doc = Document(io.BytesIO(out.read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "102亿元" in cells and "110亿元" in cells and "38.33亿元" in cells
    assert "GR1803" in text
    assert "大事记" in text and "/intel/documents/" in text
    assert len(doc.inline_shapes) == 2
    bad = runner.invoke(
        app,
        ["dashboard", "report", "--park", "cq-biocity", "--month", "2025-13", "--out", str(out)],
    )
    assert bad.exit_code == 2
