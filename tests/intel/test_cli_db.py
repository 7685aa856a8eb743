"""`biopark intel ingest|reindex|search|brief` against a migrated SQLite file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from biopark import db, migrate
from biopark.cli import app
from biopark.db import session_scope
from biopark.demo.service import load_demo
from biopark.intel.demo import articles
from tests.intel.builders import FIXTURES

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    url = f"sqlite:///{tmp_path}/cli.db"
    migrate.upgrade(url)
    monkeypatch.setenv("BIOPARK_DATABASE_URL", url)
    monkeypatch.setenv("BIOPARK_VAR_DIR", str(tmp_path / "var"))
    db.forget()
    yield tmp_path
    db.get_engine().dispose()
    db.forget()


def test_ingest_folder_reindex_search_and_brief(cli_env: Path) -> None:
    with session_scope() as session:
        load_demo(session, password="cli-test-pass")
    folder = cli_env / "news"
    folder.mkdir()
    for name, data in articles():
        (folder / name).write_bytes(data)
    (folder / "zz_binary.txt").write_bytes((FIXTURES / "binary.bin").read_bytes())
    extra = FIXTURES / "newspaper_snapshot.txt"
    result = runner.invoke(
        app, ["intel", "ingest", str(folder), str(extra), "--park", "cq-biocity"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "new: 1" in result.output
        and f"duplicate: {len(articles())}" in result.output
        and "failed: 1" in result.output
    )
    assert "zz_binary.txt" in result.output
    assert runner.invoke(app, ["intel", "reindex"]).exit_code == 0
    assert (cli_env / "var" / "index" / "meta.json").exists()
    found = runner.invoke(app, ["intel", "search", "创新药 临床", "--from", "2025-01-01", "--json"])
    assert found.exit_code == 0, found.output
    payload = json.loads(found.stdout)
    assert payload["used_index"] is True and payload["hits"]
    assert all(h["document"]["published_at"] >= "2025-01-01" for h in payload["hits"])
    bad = runner.invoke(app, ["intel", "search", "x", "--from", "yesterday"])
    assert bad.exit_code != 0
    brief = runner.invoke(app, ["intel", "brief", "重庆国际生物城 创新药"])
    assert brief.exit_code == 0 and "## 投资与项目" in brief.stdout and "## 来源" in brief.stdout
    html = runner.invoke(app, ["intel", "brief", "重庆国际生物城 创新药", "--format", "html"])
    assert 'href="#src-1"' in html.stdout
    assert runner.invoke(app, ["intel", "reextract", "--park", "cq-biocity"]).exit_code == 0
    assert runner.invoke(app, ["intel", "ingest", str(folder), "--park", "nope"]).exit_code != 0
