"""Repost clusters for a batch of new documents: MinHash-LSH first, simhash bands second.

A batch reads its candidates with one band-key query and four simhash-band queries, then
matches each document against them and against the batch's earlier documents in
memory (so the result is the same as storing them one by one). Each LSH band key
and each simhash band value keep at most BAND_CAP documents: later reposts still meet
the story through the first ones, and a key shared by boilerplate or a template no
longer returns a candidate list that grows with the corpus.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from biopark.intel import dedupe, minhash
from biopark.intel.models import STATUS_OK, IntelDocument, IntelDocumentBand

if TYPE_CHECKING:
    from biopark.intel.service.batch import Prepared

T = TypeVar("T")
BAND_CAP = 12
# Bound parameters per IN (...): far below SQLite's 32,766 and PostgreSQL's 65,535.
IN_CHUNK = 2000


def chunked(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """Slices of at most `size` values, for IN (...) lists that stay under parameter limits."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class _Doc:
    """A stored document of the batch as the repost lookup sees it."""

    id: int
    cluster: int | None
    park_id: int
    status: str
    simhash: int = 0
    sig: minhash.Signature | None = None
    keys: list[int] = field(default_factory=list)


class _Candidates:
    """Repost candidates of a batch: stored documents read once, the batch's own added."""

    def __init__(self, session: Session, docs: list[_Doc]) -> None:
        self.by_key: dict[int, list[_Doc]] = {}
        self.by_band: dict[tuple[int, int], list[_Doc]] = {}
        own = {d.id for d in docs}
        keys = sorted({k for d in docs for k in d.keys})
        for part in chunked(keys):
            for key, other in self._band_rows(session, part):
                if other.id not in own:
                    self.by_key.setdefault(key, []).append(other)
        bands = [set[int]() for _ in range(4)]
        for d in docs:
            if d.simhash:
                for n, b in enumerate(dedupe.bands(d.simhash)):
                    bands[n].add(b)
        doc = IntelDocument
        columns = (doc.band0, doc.band1, doc.band2, doc.band3)
        for n, (column, values) in enumerate(zip(columns, bands, strict=True)):
            for part in chunked(sorted(values)):
                # The first BAND_CAP documents per band value, as for the LSH keys: templated
                # pages share simhash bands, and an unbounded list grows with the corpus.
                ranked = (
                    select(
                        doc.id,
                        doc.simhash,
                        doc.cluster_id,
                        doc.park_id,
                        doc.status,
                        column.label("band"),
                        func.row_number().over(partition_by=column, order_by=doc.id).label("rank"),
                    )
                    .where(column.in_(part))
                    .subquery()
                )
                rows = session.execute(
                    select(
                        ranked.c.id,
                        ranked.c.simhash,
                        ranked.c.cluster_id,
                        ranked.c.park_id,
                        ranked.c.status,
                        ranked.c.band,
                    ).where(ranked.c.rank <= BAND_CAP)
                )
                for other_id, value, cluster, park_id, status, band in rows:
                    if other_id not in own:
                        other = _Doc(
                            other_id, cluster, park_id, status, dedupe.to_unsigned(value or 0)
                        )
                        self.by_band.setdefault((n, band), []).append(other)

    @staticmethod
    def _band_rows(session: Session, keys: Sequence[int]) -> Iterator[tuple[int, _Doc]]:
        # Two steps: a repost shares most of its band keys with the story, so joining the
        # documents to every (key, document) pair would read each signature many times
        # over (about 270 ms a chunk at 35,000 templated documents on PostgreSQL).
        pairs = session.execute(
            select(IntelDocumentBand.key, IntelDocumentBand.document_id).where(
                IntelDocumentBand.key.in_(keys)
            )
        ).all()
        docs: dict[int, _Doc] = {}
        for part in chunked(sorted({doc_id for _, doc_id in pairs})):
            rows = session.execute(
                select(
                    IntelDocument.id,
                    IntelDocument.minhash,
                    IntelDocument.shingle_count,
                    IntelDocument.cluster_id,
                    IntelDocument.park_id,
                    IntelDocument.status,
                ).where(IntelDocument.id.in_(part))
            )
            for doc_id, data, size, cluster, park_id, status in rows:
                sig = minhash.Signature.from_bytes(data, size or 0) if data else None
                docs[doc_id] = _Doc(doc_id, cluster, park_id, status, sig=sig)
        for key, doc_id in pairs:
            if doc_id in docs:
                yield key, docs[doc_id]

    def assign(self, doc: _Doc) -> tuple[int, list[int]]:
        """The document's cluster, and the band keys it is stored under (at most BAND_CAP)."""
        match = self._minhash_match(doc)
        if match is None:
            match = self._simhash_match(doc)
        doc.cluster = match if match is not None else doc.id
        kept = []
        for key in doc.keys:
            members = self.by_key.setdefault(key, [])
            if len(members) < BAND_CAP:
                members.append(doc)
                kept.append(key)
        if doc.simhash:
            for n, b in enumerate(dedupe.bands(doc.simhash)):
                same_band = self.by_band.setdefault((n, b), [])
                if len(same_band) < BAND_CAP:
                    same_band.append(doc)
        return doc.cluster, kept

    def _minhash_match(self, doc: _Doc) -> int | None:
        if doc.sig is None:
            return None
        seen: set[int] = set()
        best: tuple[float, int, int] | None = None
        for key in doc.keys:
            for other in self.by_key.get(key, ()):
                if other.id in seen:
                    continue
                seen.add(other.id)
                if other.park_id != doc.park_id or other.status != STATUS_OK or other.sig is None:
                    continue
                if not minhash.same_story(doc.sig, other.sig):
                    continue
                score = minhash.jaccard(doc.sig, other.sig)
                if best is None or (-score, other.id) < (-best[0], best[1]):
                    best = (score, other.id, other.cluster or other.id)
        return best[2] if best else None

    def _simhash_match(self, doc: _Doc) -> int | None:
        if not doc.simhash:
            return None
        found: dict[int, _Doc] = {}
        for n, b in enumerate(dedupe.bands(doc.simhash)):
            for other in self.by_band.get((n, b), ()):
                if other.park_id == doc.park_id and other.status == STATUS_OK:
                    found[other.id] = other
        best: tuple[int, int] | None = None
        for other_id, other in sorted(found.items()):
            if dedupe.near(doc.simhash, other.simhash):
                dist = dedupe.distance(doc.simhash, other.simhash)
                if best is None or dist < best[0]:
                    best = (dist, other.cluster or other_id)
        return best[1] if best is not None else None


def assign_clusters(session: Session, fresh: list[tuple[Prepared, IntelDocument]]) -> None:
    """Set each new document's cluster (earlier reposts first) and store its band keys."""
    docs = []
    for item, doc in fresh:
        sig = minhash.Signature.from_bytes(item.minhash, item.shingles) if item.minhash else None
        docs.append(
            _Doc(
                doc.id,
                None,
                doc.park_id,
                STATUS_OK,
                item.simhash,
                sig,
                sig.band_keys() if sig else [],
            )
        )
    if not docs:
        return
    candidates = _Candidates(session, docs)
    bands: list[dict[str, int]] = []
    for (_, doc), view in zip(fresh, docs, strict=True):
        doc.cluster_id, kept = candidates.assign(view)
        bands += ({"document_id": doc.id, "key": k} for k in kept)
    if bands:
        session.execute(insert(IntelDocumentBand), bands)
