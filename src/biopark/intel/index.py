"""The tantivy full-text index: a disposable copy of the database, rebuilt by `intel reindex`.

Chinese text is segmented by intel/segment.py (rjieba + the domain dictionary)
before it reaches tantivy, and stored as space-separated lowercase terms under
tantivy's whitespace tokenizer, so that index and query agree on every word.
The index holds only ids and filter terms: hits are re-read from the database,
which also drops any stale hit (a document deleted or replaced since).
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import tantivy

from biopark.intel.segment import tokenize, tokenize_for_search

_SPLIT = re.compile(r"[^\w]+")
# Function words that would make an AND query needlessly strict.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "在",
        "是",
        "为",
        "对",
        "将",
        "等",
        "也",
        "并",
        "或",
        "把",
        "被",
        "之",
        "于",
        "以",
        "其",
        "中",
        "上",
        "下",
        "年",
        "月",
        "日",
    ]
)
HEAP = 64 * 1024 * 1024


def _pieces(words: Iterable[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        out.extend(p for p in _SPLIT.split(word.lower()) if p)
    return out


def index_terms(text: str) -> str:
    """The text as the space-separated terms the index stores."""
    return " ".join(_pieces(tokenize_for_search(text=text)))


def query_terms(query: str) -> list[str]:
    """The distinct search terms of a user query, in order."""
    seen: list[str] = []
    for term in _pieces(tokenize(text=query)):
        if term not in STOPWORDS and term not in seen:
            seen.append(term)
    return seen


def _date_key(value: date | None) -> int:
    return value.year * 10000 + value.month * 100 + value.day if value else 0


@dataclass
class IndexDoc:
    """What the index keeps of one document."""

    doc_id: int
    park_id: int
    cluster_id: int
    published_at: date | None
    source: str | None
    title_terms: str
    body_terms: str
    entities: list[str] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Filters:
    """Filters that every search path (index or SQL) applies the same way."""

    date_from: date | None = None
    date_to: date | None = None
    source: str | None = None
    entity: str | None = None
    event_type: str | None = None
    unit: str | None = None


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("doc_id", stored=True, indexed=True, fast=True)
    sb.add_integer_field("park_id", indexed=True, fast=True)
    sb.add_integer_field("published", indexed=True, fast=True)
    # Searches are term queries, never phrases: frequencies without positions, which
    # were half of the index and of every merge's work.
    sb.add_text_field("title", stored=False, tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("body", stored=False, tokenizer_name="whitespace", index_option="freq")
    for name in ("source", "entity", "event", "unit"):
        sb.add_text_field(name, stored=False, tokenizer_name="raw")
    return sb.build()


# Indexes opened by this process, with the generation they were opened at.
_OPEN: dict[Path, tuple[object, SearchIndex]] = {}
# Folders whose writer a bulk run of this process holds (None until its first commit).
_HELD: dict[Path, tantivy.IndexWriter | None] = {}
GENERATION = "generation"


def _generation(path: Path) -> object:
    """What changes when the index at path is rebuilt (a folder's inode can be reused)."""
    mark = path / GENERATION
    if mark.exists():
        return mark.read_text(encoding="utf-8")
    return path.stat().st_ino


class SearchIndex:
    """A tantivy index in one folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        try:
            self.index = tantivy.Index(_schema(), path=str(path))
        except ValueError:
            # An index built before positions were dropped: used as it is until
            # `intel reindex` rebuilds it (its extra positions change no result).
            self.index = tantivy.Index.open(str(path))
        self.schema = self.index.schema

    @classmethod
    def open_if_exists(cls, path: Path) -> SearchIndex | None:
        """The index at path, or None when it has never been built."""
        if not (path / "meta.json").exists():
            return None
        try:
            return cls(path)
        except ValueError:
            return None

    @classmethod
    def cached(cls, path: Path) -> SearchIndex | None:
        """The index at path, opened once per process and reopened when it is rebuilt.

        A rebuild replaces the folder and its generation mark; commits into the same
        folder are picked up by the reload before each search.
        """
        try:
            key = (path / "meta.json").exists() and _generation(path)
        except OSError:
            key = None
        if not key:
            _OPEN.pop(path, None)
            return None
        held = _OPEN.get(path)
        if held is not None and held[0] == key:
            return held[1]
        index = cls.open_if_exists(path)
        if index is not None:
            _OPEN[path] = (key, index)
        return index

    @classmethod
    def recreate(cls, path: Path) -> SearchIndex:
        """An empty index at path, replacing whatever was there."""
        if path.exists():
            shutil.rmtree(path)
        index = cls(path)
        # A new generation mark: processes holding the old index open this one instead.
        (path / GENERATION).write_text(uuid.uuid4().hex, encoding="utf-8")
        return index

    def writer(self, *, threads: int = 0) -> tantivy.IndexWriter:
        """A writer; callers add documents and commit."""
        return self.index.writer(heap_size=HEAP, num_threads=threads)

    @staticmethod
    def add(writer: tantivy.IndexWriter, doc: IndexDoc) -> None:
        """Add one document (replacing an older copy is the caller's delete)."""
        writer.add_document(
            tantivy.Document(
                doc_id=doc.doc_id,
                park_id=doc.park_id,
                published=_date_key(doc.published_at),
                title=doc.title_terms,
                body=doc.body_terms,
                source=doc.source or "",
                entity=doc.entities or [""],
                event=doc.event_types or [""],
                unit=doc.units or [""],
            )
        )

    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace documents and commit; returns how many.

        Inside `holding_writer` the commit goes through the run's writer and does not
        wait for the merges it sets off. One indexing thread: a commit holds at most a
        few hundred documents, and each thread writes a segment of its own, so two
        threads doubled the segments to merge (400-document runs: 7–10 % faster with one).
        """
        holding = self.path in _HELD
        writer = _HELD.get(self.path) or self.writer(threads=1)
        n = 0
        for doc in docs:
            writer.delete_documents_by_term("doc_id", doc.doc_id)
            self.add(writer, doc)
            n += 1
        writer.commit()
        if holding:
            _HELD[self.path] = writer
        else:
            writer.wait_merging_threads()
        return n

    @staticmethod
    @contextmanager
    def holding_writer(path: Path) -> Iterator[None]:
        """One writer for the folder's commits while inside (a bulk run); leaving waits
        for its merges.

        tantivy merges segments in threads of the writer whose commit set them off. A
        writer per commit had to wait for them before it closed, so every merge stopped
        the run (at 100,000 documents the merge of the large segments takes 0.4–0.5 s).
        A held writer lets the merges set off by one commit run alongside the next
        chunks, and the run waits once, at its end. Other processes cannot write the
        folder meanwhile: their documents are indexed by the job `index_pending` later.
        """
        _HELD[path] = None
        try:
            yield
        finally:
            writer = _HELD.pop(path, None)
            if writer is not None:
                writer.wait_merging_threads()

    def search(
        self, *, park_id: int, terms: list[str], filters: Filters, limit: int
    ) -> list[tuple[int, float]]:
        """(document id, score) of the best matches in the park, best first."""
        s = self.schema
        must: list[tantivy.Query] = [tantivy.Query.term_query(s, "park_id", park_id)]
        for term in terms:
            must.append(
                tantivy.Query.boolean_query(
                    [
                        (tantivy.Occur.Should, tantivy.Query.term_query(s, "title", term)),
                        (tantivy.Occur.Should, tantivy.Query.term_query(s, "body", term)),
                    ]
                )
            )
        if filters.date_from or filters.date_to:
            must.append(
                tantivy.Query.range_query(
                    s,
                    "published",
                    tantivy.FieldType.Integer,
                    _date_key(filters.date_from) if filters.date_from else None,
                    _date_key(filters.date_to) if filters.date_to else None,
                )
            )
        for name, value in (
            ("source", filters.source),
            ("entity", filters.entity),
            ("event", filters.event_type),
            ("unit", filters.unit),
        ):
            if value:
                must.append(tantivy.Query.term_query(s, name, value))
        query = tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in must])
        self.index.reload()
        searcher = self.index.searcher()
        result = searcher.search(query, limit)
        out: list[tuple[int, float]] = []
        for score, address in result.hits:
            stored = searcher.doc(address)
            out.append((int(stored["doc_id"][0]), float(score)))
        return out
