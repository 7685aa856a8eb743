"""Repost clusters for a batch of new documents: MinHash-LSH first, simhash bands second.

A batch reads its candidates with one full-key query, one band-key query, one
signature query and one simhash-band query, then matches each document against them
and against the batch's earlier documents in memory (so the result is the same as
storing them one by one). Each LSH band key and each simhash band value keep at most
BAND_CAP documents of a park: later reposts still meet the story through the first
ones, and a key shared by boilerplate or a template no longer returns a candidate
list that grows with the corpus. A key that is full has its documents in one row of
intel_full_key, read instead of its BAND_CAP band-index entries.

A bulk run passes a `Known` from chunk to chunk. A stored document's signature and
park never change, and a key or band value that holds BAND_CAP documents keeps
them, so neither is read again; the cluster and status, which can change, are read
for each chunk's matches only. Without it every chunk of templated news re-read the
same ~2,000 signatures: half of the storing time at 10,000 documents.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    TextClause,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from biopark.intel import dedupe, minhash
from biopark.intel.models import (
    STATUS_OK,
    IntelDocument,
    IntelDocumentBand,
    IntelDocumentSignature,
    IntelFullKey,
)
from biopark.intel.service.backends import is_postgres
from biopark.kit.inserts import insert_new, table_insert

if TYPE_CHECKING:
    from biopark.intel.service.batch import Prepared

T = TypeVar("T")
BAND_CAP = 12
# Bound parameters per IN (...): far below SQLite's 32,766 and PostgreSQL's 65,535.
IN_CHUNK = 2000
# Band values per statement (one limited SELECT each; SQLite allows 500 in a compound).
BAND_QUERIES = 100
# Signatures a bulk run keeps (about 400 bytes each); past this the store starts again.
KNOWN_MAX = 100_000
# The candidate reads select table columns, not mapped attributes: their rows then skip
# the ORM's row loading, which cost ten times SQLite's own reading (0.2 s for the
# 120,000 key and signature rows of a 400-document run at 100,000 documents).
BAND: Table = IntelDocumentBand.__table__  # type: ignore[assignment]
SIGNATURE: Table = IntelDocumentSignature.__table__  # type: ignore[assignment]
DOCUMENT: Table = IntelDocument.__table__  # type: ignore[assignment]
FULL_KEY: Table = IntelFullKey.__table__  # type: ignore[assignment]


def pack_ids(ids: Sequence[int]) -> bytes:
    """Document ids as stored in a full key's row."""
    return np.asarray(ids, dtype="<i8").tobytes()


def unpack_ids(data: bytes) -> list[int]:
    """The document ids of a full key's row."""
    return np.frombuffer(data, dtype="<i8").tolist()


def chunked(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """Slices of at most `size` values, for IN (...) lists that stay under parameter limits."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def one_of(session: Session, column: Any, values: Sequence[int]) -> ColumnElement[bool]:
    """column IN values, as one parameter: a PostgreSQL array, a JSON array on SQLite.

    Reading 1,300 signatures by id on PostgreSQL took twice as long with 1,300 bound
    parameters (sent, parsed and planned one by one) as with one array. On SQLite the
    list, read by json_each, costs SQLite what the parameters did, and spares
    SQLAlchemy rendering and binding 2,000 of them a statement (26,000 signatures:
    60 → 32 ms).
    """
    if is_postgres(session):
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    listed = func.json_each(bindparam(None, json.dumps(list(values)), type_=String))
    return column.in_(select(literal_column("value")).select_from(listed))


@dataclass
class _Doc:
    """A new document of the batch as the repost lookup sees it."""

    id: int
    park_id: int
    simhash: int = 0
    sig: minhash.Signature | None = None
    keys: list[int] = field(default_factory=list)
    cluster: int | None = None


@dataclass
class Known:
    """Stored documents' signatures, and full keys and band values, read by a bulk run."""

    # document id -> park id, MinHash values and shingle count
    sigs: minhash.SignatureTable = field(default_factory=minhash.SignatureTable)
    # (park id, full LSH key) -> its documents
    keys: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    # (park id, band number, value) of a full simhash band -> (id, park id, simhash) of its documents
    bands: dict[tuple[int, int, int], list[tuple[int, int, int]]] = field(default_factory=dict)


@lru_cache(maxsize=4 * BAND_QUERIES)
def _firsts(n: int, count: int) -> TextClause:
    """The park's first BAND_CAP documents of `count` values of simhash band n.

    Each value is read along its (band, id) index and stopped there, as for the LSH
    keys: templated pages share band values, and reading all of a value's documents
    grows with the corpus. `park_id + 0` keeps planners on the band index. Written as
    SQL text, one statement per (band, count) and reused: built with the ORM, the
    compound of limited subqueries was compiled anew for every chunk (2.8 s in 400
    documents).
    """
    part = (
        "SELECT * FROM (SELECT id, simhash, {i} AS k FROM intel_document"
        f" WHERE band{n} = :v{{i}} AND park_id + 0 = :park ORDER BY id LIMIT {BAND_CAP}) AS f{{i}}"
    )
    return text(" UNION ALL ".join(part.format(i=i) for i in range(count)))


@lru_cache(maxsize=dedupe.BANDS)
def _firsts_lateral(n: int) -> TextClause:
    """The same rows on PostgreSQL, for an array of values in one statement.

    PostgreSQL planned the compound of 80 limited subqueries in 10 ms and ran it in
    3; one lateral join over the array runs in 1.5 ms, and its text never changes.
    """
    return text(
        "SELECT d.id, d.simhash, v.k - 1 AS k"
        " FROM unnest(CAST(:values AS integer[])) WITH ORDINALITY AS v(value, k)"
        " CROSS JOIN LATERAL (SELECT id, simhash FROM intel_document"
        f" WHERE band{n} = v.value AND park_id + 0 = :park ORDER BY id LIMIT {BAND_CAP}) AS d"
    )


class _Candidates:
    """Repost candidates of a batch: stored documents and their matches, the batch's own added."""

    def __init__(self, session: Session, docs: list[_Doc], known: Known, park_id: int) -> None:
        if len(known.sigs) > KNOWN_MAX:
            known.sigs.clear()
        self.known = known
        self.park_id = park_id
        self.batch: dict[int, _Doc] = {}
        # Keys that became full, or were first found full in the band index: their rows to write.
        self.filled: dict[int, list[int]] = {}
        self.by_key = self._read_keys(session, docs)
        self.by_band = self._read_bands(session, docs)
        # Held keys' documents too, in case the held signatures were dropped (KNOWN_MAX).
        self._read_signatures(session, {i for ids in self.by_key.values() for i in ids})
        # Stored matches of each new document, best first; their state is read once.
        self.sig_matches = {d.id: self._stored_sig_matches(d) for d in docs}
        self.band_matches = {d.id: self._stored_band_matches(d) for d in docs}
        matched = {i for m in self.sig_matches.values() for _, i in m}
        matched |= {i for m in self.band_matches.values() for _, i in m}
        self.state = self._read_state(session, sorted(matched))

    def _read_keys(self, session: Session, docs: list[_Doc]) -> dict[int, list[int]]:
        park = self.park_id
        keys = sorted({k for d in docs for k in d.keys})
        held = self.known.keys
        by_key = {k: list(held[(park, k)]) for k in keys if (park, k) in held}
        full = FULL_KEY.c
        for part in chunked([k for k in keys if k not in by_key]):
            rows = session.execute(
                select(full.key, full.members).where(
                    full.park_id == park, one_of(session, full.key, part)
                )
            ).all()
            by_key.update((key, unpack_ids(members)) for key, members in rows)
        recorded = set(by_key)
        own = {d.id for d in docs}
        pairs: list[tuple[int, int]] = []
        for part in chunked([k for k in keys if k not in by_key]):
            pairs += session.execute(
                select(BAND.c.key, BAND.c.document_id).where(one_of(session, BAND.c.key, part))
            ).all()
        # Only the park's own documents (their park comes with the signature): another
        # park's templated pages must not fill a key before this park's stories reach it.
        self._read_signatures(session, {doc_id for _, doc_id in pairs})
        sigs = self.known.sigs
        for key, doc_id in pairs:
            if doc_id not in own and sigs.park_of(doc_id) == park:
                by_key.setdefault(key, []).append(doc_id)
        for key, ids in by_key.items():
            if len(ids) >= BAND_CAP:
                held[(park, key)] = list(ids)
                if key not in recorded:
                    self.filled[key] = ids
        return by_key

    def _read_signatures(self, session: Session, ids: Iterable[int]) -> None:
        missing = sorted(i for i in ids if i not in self.known.sigs)
        for part in chunked(missing):
            sig = SIGNATURE.c
            rows = session.execute(
                select(sig.document_id, sig.park_id, sig.minhash, sig.shingle_count).where(
                    one_of(session, sig.document_id, part)
                )
            ).all()
            self.known.sigs.add([(i, p, bytes(data), n) for i, p, data, n in rows])

    def _read_bands(self, session: Session, docs: list[_Doc]) -> dict[tuple[int, int], list]:
        park = self.park_id
        by_band: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        wanted: set[tuple[int, int]] = set()
        for d in docs:
            if d.simhash:
                for n, b in enumerate(dedupe.bands(d.simhash)):
                    if (park, n, b) in self.known.bands:
                        by_band[(n, b)] = list(self.known.bands[(park, n, b)])
                    else:
                        wanted.add((n, b))
        own = {d.id for d in docs}
        lateral = is_postgres(session)
        for n in range(dedupe.BANDS):
            values = sorted(b for m, b in wanted if m == n)
            for part in chunked(values, IN_CHUNK if lateral else BAND_QUERIES):
                if lateral:
                    query, params = _firsts_lateral(n), {"park": park, "values": list(part)}
                else:
                    query = _firsts(n, len(part))
                    params = {"park": park, **{f"v{i}": v for i, v in enumerate(part)}}
                for other_id, value, i in session.execute(query, params):
                    if other_id not in own:
                        entry = (other_id, park, dedupe.to_unsigned(value or 0))
                        by_band.setdefault((n, part[i]), []).append(entry)
        for key, entries in by_band.items():
            if len(entries) >= BAND_CAP:
                self.known.bands[(park, *key)] = list(entries)
        return by_band

    def _stored_sig_matches(self, doc: _Doc) -> list[tuple[float, int]]:
        if doc.sig is None:
            return []
        ids = sorted({i for key in doc.keys for i in self.by_key.get(key, ())})
        found = self.known.sigs.matches(doc.sig, doc.park_id, ids)
        return sorted(found, key=lambda m: (-m[0], m[1]))

    def _stored_band_matches(self, doc: _Doc) -> list[tuple[int, int]]:
        if not doc.simhash:
            return []
        found: dict[int, int] = {}
        for n, b in enumerate(dedupe.bands(doc.simhash)):
            for other_id, park_id, value in self.by_band.get((n, b), ()):
                if park_id == doc.park_id and dedupe.near(doc.simhash, value):
                    found[other_id] = dedupe.distance(doc.simhash, value)
        return sorted((dist, i) for i, dist in found.items())

    @staticmethod
    def _read_state(session: Session, ids: list[int]) -> dict[int, tuple[int | None, str]]:
        state: dict[int, tuple[int | None, str]] = {}
        for part in chunked(ids):
            rows = session.execute(
                select(DOCUMENT.c.id, DOCUMENT.c.cluster_id, DOCUMENT.c.status).where(
                    one_of(session, DOCUMENT.c.id, part)
                )
            ).all()
            state.update((i, (cluster, status)) for i, cluster, status in rows)
        return state

    def _stored_best(self, matches: list[tuple[T, int]]) -> tuple[T, int, int] | None:
        """The first stored match still in the corpus: (score, id, its cluster)."""
        for score, other in matches:
            cluster, status = self.state.get(other, (None, None))
            if status == STATUS_OK:
                return score, other, cluster or other
        return None

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
                members.append(doc.id)
                kept.append(key)
                if len(members) == BAND_CAP:
                    self.filled[key] = members
        if doc.simhash:
            for n, b in enumerate(dedupe.bands(doc.simhash)):
                same_band = self.by_band.setdefault((n, b), [])
                if len(same_band) < BAND_CAP:
                    same_band.append((doc.id, doc.park_id, doc.simhash))
        self.batch[doc.id] = doc
        return doc.cluster, kept

    def _minhash_match(self, doc: _Doc) -> int | None:
        if doc.sig is None:
            return None
        best = self._stored_best([(-j, i) for j, i in self.sig_matches.get(doc.id, [])])
        seen: set[int] = set()
        for key in doc.keys:
            for other_id in self.by_key.get(key, ()):
                other = self.batch.get(other_id)
                if other is None or other_id in seen:
                    continue
                seen.add(other_id)
                if other.park_id != doc.park_id or other.sig is None:
                    continue
                if not minhash.same_story(doc.sig, other.sig):
                    continue
                score = -minhash.jaccard(doc.sig, other.sig)
                if best is None or (score, other_id) < (best[0], best[1]):
                    best = (score, other_id, other.cluster or other_id)
        return best[2] if best else None

    def _simhash_match(self, doc: _Doc) -> int | None:
        if not doc.simhash:
            return None
        best = self._stored_best(self.band_matches.get(doc.id, []))
        for n, b in enumerate(dedupe.bands(doc.simhash)):
            for other_id, park_id, value in self.by_band.get((n, b), ()):
                other = self.batch.get(other_id)
                if other is None or park_id != doc.park_id or not dedupe.near(doc.simhash, value):
                    continue
                dist = dedupe.distance(doc.simhash, value)
                if best is None or (dist, other_id) < (best[0], best[1]):
                    best = (dist, other_id, other.cluster or other_id)
        return best[2] if best else None


def assign_clusters(
    session: Session, fresh: list[tuple[Prepared, IntelDocument]], known: Known | None = None
) -> None:
    """Set each new document's cluster (earlier reposts first) and store its band keys."""
    docs = []
    for item, doc in fresh:
        sig = minhash.Signature.from_bytes(item.minhash, item.shingles) if item.minhash else None
        docs.append(_Doc(doc.id, doc.park_id, item.simhash, sig, sig.band_keys() if sig else []))
    if not docs:
        return
    park_id = docs[0].park_id
    assert all(d.park_id == park_id for d in docs), "one park per batch"
    candidates = _Candidates(session, docs, known if known is not None else Known(), park_id)
    bands: list[dict[str, int]] = []
    sigs: list[dict[str, object]] = []
    for (item, doc), view in zip(fresh, docs, strict=True):
        doc.cluster_id, kept = candidates.assign(view)
        bands += ({"document_id": doc.id, "key": k} for k in kept)
        if item.minhash:
            row = {"minhash": item.minhash, "shingle_count": item.shingles}
            sigs.append({"document_id": doc.id, "park_id": doc.park_id, **row})
    if bands:
        session.execute(table_insert(IntelDocumentBand), bands)
    if sigs:
        session.execute(table_insert(IntelDocumentSignature), sigs)
    if candidates.filled:
        # Another writer may have recorded the same key meanwhile: its row stands.
        rows = [
            {"park_id": park_id, "key": k, "members": pack_ids(ids)}
            for k, ids in candidates.filled.items()
        ]
        session.execute(insert_new(session, IntelFullKey), rows)
