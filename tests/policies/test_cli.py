"""`biopark policies match` and `biopark enterprises import/export` against the test database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from biopark.cli import app
from biopark.enterprises import cli as enterprises_cli
from biopark.enterprises.models import Enterprise
from biopark.policies import cli as policies_cli
from tests.builders import make_enterprise, make_park
from tests.policies.builders import make_policy

runner = CliRunner()


@pytest.fixture
def cli_session(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    @contextmanager
    def scope() -> Iterator[Session]:
        yield session
        session.flush()

    monkeypatch.setattr(policies_cli, "session_scope", scope)
    monkeypatch.setattr(enterprises_cli, "session_scope", scope)
    return session


def test_match_prints_json_lines(cli_session: Session) -> None:
    park = make_park(cli_session)
    ent = make_enterprise(cli_session, park, tags=["高新技术企业"])
    make_enterprise(cli_session, park)
    policy = make_policy(cli_session, park)
    result = runner.invoke(
        app, ["policies", "match", "--park", park.code, "--enterprise", str(ent.id), "--json"]
    )
    assert result.exit_code == 0, result.output
    [line] = result.output.splitlines()
    row = json.loads(line)
    assert (row["enterprise_id"], row["policy_id"], row["verdict"]) == (
        ent.id,
        policy.id,
        "qualified",
    )
    table = runner.invoke(app, ["policies", "match", "--park", park.code])
    assert table.exit_code == 0 and "符合条件 1" in table.output


def test_match_refuses_unknown_park_and_bad_date(cli_session: Session) -> None:
    result = runner.invoke(app, ["policies", "match", "--park", "no-such-park"])
    assert result.exit_code == 1 and "园区 no-such-park 不存在" in result.output
    result = runner.invoke(app, ["policies", "match", "--park", "x", "--on", "2026-13-01"])
    assert result.exit_code == 2 and "日期格式" in result.output


def test_export_then_import(cli_session: Session, tmp_path: Path) -> None:
    park = make_park(cli_session)
    make_enterprise(cli_session, park, name="重庆命令行生物有限公司", employees=5)
    target = tmp_path / "e.xlsx"
    result = runner.invoke(app, ["enterprises", "export", str(target), "--park", park.code])
    assert result.exit_code == 0 and target.stat().st_size > 0
    result = runner.invoke(app, ["enterprises", "import", str(target), "--park", park.code])
    assert result.exit_code == 0 and "新建 0 家，更新 0 家" in result.output
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"nope")
    result = runner.invoke(app, ["enterprises", "import", str(bad), "--park", park.code])
    assert result.exit_code == 1 and "不是有效的 Excel" in result.output
    names = cli_session.scalars(select(Enterprise.name).where(Enterprise.park_id == park.id)).all()
    assert names == ["重庆命令行生物有限公司"]
