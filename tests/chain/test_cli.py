"""`biopark chain ...` and `biopark pipeline funnel` against the test database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from biopark.chain import cli as chain_cli
from biopark.cli import app
from biopark.pipeline import cli as pipeline_cli
from biopark.pipeline.stages import Stage
from tests.builders import make_park
from tests.pipeline.builders import make_drug

runner = CliRunner()


@pytest.fixture
def cli_session(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    @contextmanager
    def scope() -> Iterator[Session]:
        yield session
        session.flush()

    monkeypatch.setattr(chain_cli, "session_scope", scope)
    monkeypatch.setattr(pipeline_cli, "session_scope", scope)
    return session


def test_gaps_json_and_table(cli_session: Session) -> None:
    park = make_park(cli_session, code="cli-park")
    result = runner.invoke(app, ["chain", "gaps", "--park", "cli-park", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found[0]["link"]["score"] == 100 and found[0]["candidates"] == []
    table = runner.invoke(app, ["chain", "gaps", "--park", park.code])
    assert table.exit_code == 0 and "链上无企业" in table.output
    missing = runner.invoke(app, ["chain", "gaps", "--park", "nope"])
    assert missing.exit_code == 1


def test_import_candidates_file(cli_session: Session, tmp_path: Path) -> None:
    make_park(cli_session, code="cli-import")
    good = tmp_path / "c.csv"
    good.write_text("环节,企业名称,地区\ncdmo,甲CDMO有限公司,上海\n", encoding="utf-8")
    result = runner.invoke(app, ["chain", "import-candidates", str(good), "--park", "cli-import"])
    assert result.exit_code == 0 and "新增 1" in result.output
    bad = tmp_path / "b.csv"
    bad.write_text("环节,企业名称\nmoon,乙公司\n", encoding="utf-8")
    result = runner.invoke(app, ["chain", "import-candidates", str(bad), "--park", "cli-import"])
    assert result.exit_code == 1 and "第 2 行" in result.output
    result = runner.invoke(app, ["chain", "import-candidates", str(tmp_path / "none.csv")])
    assert result.exit_code == 1


def test_pipeline_funnel(cli_session: Session) -> None:
    park = make_park(cli_session, code="cli-funnel")
    make_drug(cli_session, park, stage=Stage.phase1)
    make_drug(cli_session, park, stage=Stage.preclinical)
    result = runner.invoke(app, ["pipeline", "funnel", "--park", "cli-funnel", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert (body["park"]["in_research"], body["park"]["clinical"]) == (2, 1)
    table = runner.invoke(app, ["pipeline", "funnel", "--park", "cli-funnel"])
    assert "临床阶段" in table.output
