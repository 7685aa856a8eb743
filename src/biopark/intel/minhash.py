"""Repost detection that survives re-chroming and edits: MinHash-LSH over character shingles.

A simhash moves many bits when an outlet cuts the lead or adds its own paragraphs,
so two reposts of one press release can sit 11 bits apart. MinHash (datasketch)
estimates the Jaccard similarity of the shingle sets directly; LSH bands turn that
into an indexed lookup: each document stores BANDS keys, and a candidate shares at
least one. Candidates are then confirmed on the estimated overlap, measured both as
Jaccard and as containment (a repost that cut the lead or the ending is contained
in the original even when their Jaccard is low).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

SHINGLE = 4
PERMUTATIONS = 64
# 32 bands of 2 rows: pairs at Jaccard 0.4 become candidates with probability 0.996.
BANDS = 32
ROWS = PERMUTATIONS // BANDS
SEED = 20261129
MIN_SHINGLES = 40
SAME_JACCARD = 0.5
SAME_CONTAINMENT = 0.75
_NOISE = re.compile(r"[\s\u3000，。、；：！？“”‘’（）《》「」『』,.;:!?\"'()\[\]【】—\-|｜丨·…]+")


@dataclass(frozen=True, slots=True)
class Signature:
    """A document's MinHash values, its shingle count and its LSH band keys."""

    values: np.ndarray
    size: int

    def to_bytes(self) -> bytes:
        """Store the signature as little-endian uint32 values."""
        return self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, size: int) -> Signature:
        """Read a stored signature back."""
        return cls(np.frombuffer(data, dtype="<u4").astype(np.uint64), size)

    def band_keys(self) -> list[int]:
        """One signed 63-bit key per band (band number mixed in, so bands never collide)."""
        keys = []
        raw = self.values.astype("<u4")
        for b in range(BANDS):
            chunk = raw[b * ROWS : (b + 1) * ROWS].tobytes()
            digest = hashlib.blake2b(bytes([b]) + chunk, digest_size=8).digest()
            keys.append(int.from_bytes(digest, "little") >> 1)
        return keys


def shingles(text: str) -> set[bytes]:
    """Character shingles of the text with spaces and punctuation removed."""
    norm = _NOISE.sub("", text).lower()
    return {norm[i : i + SHINGLE].encode("utf-8") for i in range(len(norm) - SHINGLE + 1)}


def signature(*, text: str) -> Signature | None:
    """The MinHash signature of a text, or None when it is too short to compare."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    mh = MinHash(num_perm=PERMUTATIONS, seed=SEED)
    mh.update_batch(list(grams))
    return Signature(mh.hashvalues.copy(), len(grams))


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a.values == b.values)) / PERMUTATIONS


def same_story(a: Signature, b: Signature) -> bool:
    """Whether two documents are reposts of one story (by Jaccard or by containment)."""
    j = jaccard(a, b)
    if j >= SAME_JACCARD:
        return True
    # |A∩B| from J and the set sizes; a cut repost is mostly contained in the original.
    common = j * (a.size + b.size) / (1 + j)
    return common / min(a.size, b.size) >= SAME_CONTAINMENT


def same_story_many(sig: Signature, others: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Jaccard estimates against each row of `others`, or -1 where it is not the same story.

    The vector form of `jaccard` and `same_story` (the same arithmetic, row by row), for
    matching a document against a hundred candidates at once.
    """
    if not len(others):
        return np.zeros(0)
    j = np.count_nonzero(others == sig.values.astype(others.dtype), axis=1) / PERMUTATIONS
    with np.errstate(divide="ignore", invalid="ignore"):
        common = j * (sig.size + sizes) / (1 + j)
        same = (j >= SAME_JACCARD) | (common / np.minimum(sig.size, sizes) >= SAME_CONTAINMENT)
    return np.where(same, j, -1.0)


class SignatureTable:
    """Stored documents' signatures as rows of one matrix, with their park and shingle count.

    A repost lookup compares a document with dozens of candidates; gathering their
    rows by index is one array operation, where stacking one array per candidate
    cost more than the comparison itself.
    """

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """Forget every held signature."""
        self.row: dict[int, int] = {}
        self.values = np.zeros((0, PERMUTATIONS), dtype=np.uint32)
        self.parks = np.zeros(0, dtype=np.int64)
        self.sizes = np.zeros(0, dtype=np.float64)

    def __len__(self) -> int:
        return len(self.row)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.row

    def park_of(self, doc_id: int) -> int | None:
        """The document's park, or None when its signature is not held."""
        at = self.row.get(doc_id)
        return None if at is None else int(self.parks[at])

    def add(self, rows: list[tuple[int, int, bytes, int]]) -> None:
        """Hold (document id, park id, stored signature bytes, shingle count) rows."""
        rows = [r for r in rows if r[0] not in self.row]
        if not rows:
            return
        start = len(self.row)
        needed = start + len(rows)
        if needed > len(self.values):
            grown = max(needed, 2 * len(self.values), 1024)
            self.values = np.resize(self.values, (grown, PERMUTATIONS))
            self.parks = np.resize(self.parks, grown)
            self.sizes = np.resize(self.sizes, grown)
        block = np.frombuffer(b"".join(r[2] for r in rows), dtype="<u4")
        self.values[start:needed] = block.reshape(len(rows), PERMUTATIONS)
        self.parks[start:needed] = [r[1] for r in rows]
        self.sizes[start:needed] = [r[3] for r in rows]
        for n, r in enumerate(rows):
            self.row[r[0]] = start + n

    def matches(self, sig: Signature, park_id: int, ids: list[int]) -> list[tuple[float, int]]:
        """(Jaccard, id) of the held documents of the park among ids that are the same story."""
        held = [i for i in ids if i in self.row]
        if not held:
            return []
        at = np.fromiter((self.row[i] for i in held), dtype=np.int64, count=len(held))
        mine = self.parks[at] == park_id
        scores = same_story_many(sig, self.values[at[mine]], self.sizes[at[mine]])
        kept = [i for i, m in zip(held, mine, strict=True) if m]
        return [(float(j), i) for i, j in zip(kept, scores, strict=True) if j >= 0]


def clusters(signatures: dict[int, Signature]) -> list[list[int]]:
    """Group documents into stories in memory (for tests and measurements), ids sorted."""
    parent = {i: i for i in signatures}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    buckets: dict[int, list[int]] = {}
    for doc_id, sig in signatures.items():
        for key in sig.band_keys():
            buckets.setdefault(key, []).append(doc_id)
    for members in buckets.values():
        first = members[0]
        for other in members[1:]:
            if root(first) != root(other) and same_story(signatures[first], signatures[other]):
                parent[root(other)] = root(first)
    groups: dict[int, list[int]] = {}
    for doc_id in signatures:
        groups.setdefault(root(doc_id), []).append(doc_id)
    return [sorted(g) for g in groups.values()]
