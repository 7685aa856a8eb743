"""The tantivy index folder: what it records, and indexes built by earlier versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tantivy

from biopark.intel.index import Filters, IndexDoc, SearchIndex


def _doc(doc_id: int, body: str) -> IndexDoc:
    return IndexDoc(
        doc_id=doc_id,
        park_id=1,
        cluster_id=doc_id,
        published_at=None,
        source=None,
        title_terms="",
        body_terms=body,
    )


def _recorded(path: Path) -> dict[str, str]:
    fields = json.loads((path / "meta.json").read_text(encoding="utf-8"))["schema"]
    return {f["name"]: f["options"]["indexing"]["record"] for f in fields if f["type"] == "text"}


def test_a_new_index_records_frequencies_without_positions(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "index")
    index.upsert([_doc(1, "抗体 融资")])
    assert _recorded(tmp_path / "index")["body"] == "freq"
    found = index.search(park_id=1, terms=["融资"], filters=Filters(), limit=5)
    assert [doc_id for doc_id, _ in found] == [1]


def test_an_index_with_positions_is_still_opened_written_and_searched(tmp_path: Path) -> None:
    path = tmp_path / "index"
    path.mkdir()
    # The schema of earlier versions: the same fields, text recorded with positions.
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("doc_id", stored=True, indexed=True, fast=True)
    builder.add_integer_field("park_id", indexed=True, fast=True)
    builder.add_integer_field("published", indexed=True, fast=True)
    builder.add_text_field("title", stored=False, tokenizer_name="whitespace")
    builder.add_text_field("body", stored=False, tokenizer_name="whitespace")
    for name in ("source", "entity", "event", "unit"):
        builder.add_text_field(name, stored=False, tokenizer_name="raw")
    old = tantivy.Index(builder.build(), path=str(path))
    writer = old.writer()
    SearchIndex.add(writer, _doc(1, "抗体 融资"))
    writer.commit()
    writer.wait_merging_threads()

    index = SearchIndex(path)
    index.upsert([_doc(2, "融资 完成")])
    assert _recorded(path)["body"] == "position"
    found = index.search(park_id=1, terms=["融资"], filters=Filters(), limit=5)
    assert sorted(doc_id for doc_id, _ in found) == [1, 2]


def test_a_held_writer_serves_every_commit_inside_and_is_released_after(tmp_path: Path) -> None:
    path = tmp_path / "index"
    index = SearchIndex(path)
    with SearchIndex.holding_writer(path):
        index.upsert([_doc(1, "抗体 融资")])
        # Another object for the same folder commits through the same writer.
        SearchIndex(path).upsert([_doc(2, "融资 完成")])
        for n in range(3, 12):  # enough commits for tantivy to merge segments meanwhile
            index.upsert([_doc(n, "融资")])
        found = index.search(park_id=1, terms=["融资"], filters=Filters(), limit=20)
        assert sorted(doc_id for doc_id, _ in found) == list(range(1, 12))
        # The run holds the folder: no second writer meanwhile.
        with pytest.raises(ValueError, match="LockBusy"):
            index.writer()
    # Leaving waited for the merges and released the folder.
    index.writer()
    index.upsert([_doc(1, "抗体")])
    found = index.search(park_id=1, terms=["融资"], filters=Filters(), limit=20)
    assert sorted(doc_id for doc_id, _ in found) == list(range(2, 12))


def test_a_run_that_never_committed_leaves_the_folder_free(tmp_path: Path) -> None:
    path = tmp_path / "index"
    with pytest.raises(RuntimeError), SearchIndex.holding_writer(path):
        raise RuntimeError("stopped before any document")
    SearchIndex(path).upsert([_doc(1, "融资")])
