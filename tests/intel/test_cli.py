import json
from pathlib import Path

from typer.testing import CliRunner

from biopark.cli import app
from tests.intel.conftest import FIXTURES

runner = CliRunner()


def test_one_json_line_per_input_in_order_with_errors_inline(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    paths = [
        FIXTURES / "portal_page.html",
        tmp_path / "missing.txt",
        FIXTURES / "binary.bin",
        empty,
        FIXTURES / "truncated.txt",
        FIXTURES / "wire_story_en.txt",
    ]
    result = runner.invoke(app, ["extract", *map(str, paths)])
    assert result.exit_code == 0
    lines = [json.loads(x) for x in result.stdout.splitlines() if x.strip()]
    assert [d["path"] for d in lines] == [str(p) for p in paths]
    ok, missing, binary, blank, cut, english = lines
    assert "error" not in ok and ok["metrics"] and ok["language"] == "zh"
    assert "not found" in missing["error"] and missing["metrics"] == [] and missing["title"] is None
    assert "binary" in binary["error"]
    assert "empty" in blank["error"]
    assert "truncated" in cut["error"]
    assert english["language"] == "en"
    for d in lines:
        assert set(d) >= {
            "path",
            "title",
            "published_at",
            "source",
            "language",
            "text",
            "metrics",
            "entities",
            "events",
        }


def test_offsets_point_into_text() -> None:
    result = runner.invoke(app, ["extract", str(FIXTURES / "newspaper_snapshot.txt")])
    doc = json.loads(result.stdout)
    assert doc["metrics"]
    for m in doc["metrics"]:
        assert doc["text"][m["start"] : m["end"]] == m["quote"]


def test_no_path_is_a_usage_error() -> None:
    result = runner.invoke(app, ["extract"])
    assert result.exit_code != 0
