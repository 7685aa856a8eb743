"""`biopark onewindow import-items`: import, dry run, and the row errors with exit 1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from biopark.cli import app
from biopark.onewindow import cli as onewindow_cli
from biopark.onewindow.models import ServiceItem
from tests.builders import make_park
from tests.onewindow.builders import make_sheet, two_departments

runner = CliRunner()


@pytest.fixture
def cli_session(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    @contextmanager
    def scope(read_only: bool = False) -> Iterator[Session]:
        yield session
        session.flush()

    monkeypatch.setattr(onewindow_cli, "session_scope", scope)
    return session


def _codes(session: Session, park_id: int) -> list[str]:
    return list(
        session.scalars(
            select(ServiceItem.code)
            .where(ServiceItem.park_id == park_id)
            .order_by(ServiceItem.code)
        )
    )


def test_import_items_dry_run_then_for_real(cli_session: Session, tmp_path: Path) -> None:
    park = make_park(cli_session)
    two_departments(cli_session, park)
    path = tmp_path / "清单.xlsx"
    path.write_bytes(
        make_sheet(
            [
                ["CLI-1", "命令行导入一", None, None, "是", 3, "市药监局", None],
                [
                    "CLI-2",
                    "命令行导入二",
                    None,
                    None,
                    "否",
                    3,
                    "市药监局、市市场监管局",
                    "营业执照|document|营业执照",
                ],
            ]
        )
    )
    dry = runner.invoke(
        app, ["onewindow", "import-items", str(path), "--park", park.code, "--dry-run"]
    )
    assert dry.exit_code == 0, dry.output
    assert "dry run" in dry.output and "created 2" in dry.output
    assert _codes(cli_session, park.id) == []
    done = runner.invoke(app, ["onewindow", "import-items", str(path), "--park", park.code])
    assert done.exit_code == 0, done.output
    assert "created 2" in done.output and _codes(cli_session, park.id) == ["CLI-1", "CLI-2"]
    again = runner.invoke(app, ["onewindow", "import-items", str(path), "--park", park.code])
    assert "unchanged 2" in again.output


def test_import_items_exits_1_with_the_row_errors(cli_session: Session, tmp_path: Path) -> None:
    park = make_park(cli_session)
    two_departments(cli_session, park)
    path = tmp_path / "bad.xlsx"
    path.write_bytes(
        make_sheet(
            [
                ["CLI-1", "好的一行", None, None, "是", 3, "市药监局", None],
                ["CLI-1", "重复的一行", None, None, "是", 3, "别的局", None],
            ]
        )
    )
    result = runner.invoke(app, ["onewindow", "import-items", str(path), "--park", park.code])
    assert result.exit_code == 1
    assert "第 3 行「事项编码」" in result.output and "第 3 行「办理部门」" in result.output
    assert "nothing changed" in result.output
    assert _codes(cli_session, park.id) == []
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    result = runner.invoke(app, ["onewindow", "import-items", str(text), "--park", park.code])
    assert result.exit_code == 1 and "仅支持 .xlsx 或 .csv 文件" in result.output
    result = runner.invoke(app, ["onewindow", "import-items", str(path), "--park", "no-such-park"])
    assert result.exit_code == 1
