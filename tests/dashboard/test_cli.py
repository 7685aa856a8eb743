"""`biopark reconcile` and `biopark dashboard report` on a fresh SQLite database with the demo park."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from biopark import db, migrate
from biopark.cli import app
from biopark.demo.service import load_demo


def _clear_caches() -> None:
    db.forget()


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


def _report(runner: CliRunner, out: Path, month: str = "2025-11", park: str = "cq-biocity"):  # type: ignore[no-untyped-def]
    return runner.invoke(
        app, ["dashboard", "report", "--park", park, "--month", month, "--out", str(out)]
    )


def test_report_docx_on_demo(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    result = _report(runner, out)
    assert result.exit_code == 0, result.output
    doc = Document(io.BytesIO(out.read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "102亿元" in cells and "110亿元" in cells and "38.33亿元" in cells
    assert "2025年第11期" in text and "管理委员会办公室" in text
    assert "大事记" in text and "较上月" in text and "时序进度" in text
    assert "百万" not in text + "".join(cells)
    assert len(doc.inline_shapes) == 3
    # Sources are titled links, not bare paths.
    assert "/intel/documents/" not in text
    rels = [r.target_ref for r in doc.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert rels and all(r.startswith("http") for r in rels)
    section = doc.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)


def test_report_html_on_demo(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert _report(runner, out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "重庆国际生物城工作月报" in html
    assert "百万" not in html


@pytest.mark.parametrize(
    ("name", "month", "park", "message"),
    [
        ("r.txt", "2025-11", "cq-biocity", "不支持的文件类型"),
        ("r", "2025-11", "cq-biocity", "不支持的文件类型"),
        ("r.pdf", "2025-13", "cq-biocity", "月份无效"),
        ("r.pdf", "2025/11", "cq-biocity", "YYYY-MM"),
        ("r.pdf", "11-2025", "cq-biocity", "YYYY-MM"),
        ("r.pdf", "2025-11", "nowhere", "园区不存在"),
    ],
)
def test_report_refusals_write_nothing(  # type: ignore[no-untyped-def]
    runner: CliRunner, tmp_path: Path, name, month, park, message
) -> None:
    out = tmp_path / name
    result = _report(runner, out, month=month, park=park)
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()
