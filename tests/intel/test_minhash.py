"""MinHash-LSH repost clustering on our own stories and their re-chromed, cut and edited reposts."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from biopark.intel import dedupe, minhash
from biopark.intel.extract import clean_document
from biopark.intel.types import RawDocument
from tests.intel.reposts import STORIES, original, reposts


def _corpus() -> list[tuple[str, str]]:
    """(story, cleaned text) for every original and repost, cleaned as ingest cleans them."""
    out = []
    for story in STORIES:
        for n, text in enumerate([original(story), *reposts(story)]):
            doc = clean_document(RawDocument(path=f"{story}#{n}", data=text.encode()))
            out.append((story, doc.text))
    return out


def _pair_scores(groups: list[list[int]], stories: list[str]) -> tuple[float, float]:
    same_cluster = {frozenset(p) for g in groups for p in combinations(g, 2)}
    truth = {
        frozenset((i, j))
        for i, j in combinations(range(len(stories)), 2)
        if stories[i] == stories[j]
    }
    hits = len(same_cluster & truth)
    precision = hits / len(same_cluster) if same_cluster else 1.0
    return hits / len(truth), precision


def test_reposts_cluster_with_pair_recall_090_and_precision_098() -> None:
    corpus = _corpus()
    stories = [s for s, _ in corpus]
    sigs = {i: minhash.signature(text=t) for i, (_, t) in enumerate(corpus)}
    assert all(s is not None for s in sigs.values())
    groups = minhash.clusters({i: s for i, s in sigs.items() if s is not None})
    recall, precision = _pair_scores(groups, stories)
    assert recall >= 0.9, recall
    assert precision >= 0.98, precision


def test_stories_on_the_same_company_and_figures_stay_apart() -> None:
    corpus = dict(_corpus()[::6])  # the five originals, one per story
    sig = {s: minhash.signature(text=t) for s, t in corpus.items()}
    for a, b in combinations(sig, 2):
        assert not minhash.same_story(sig[a], sig[b]), (a, b)  # type: ignore[arg-type]


def test_minhash_finds_reposts_that_simhash_misses() -> None:
    corpus = _corpus()
    texts = [t for s, t in corpus if s == STORIES[0]]
    base = texts[0]
    by_simhash = sum(
        dedupe.near(dedupe.simhash(text=base), dedupe.simhash(text=t)) for t in texts[1:]
    )
    first = minhash.signature(text=base)
    assert first is not None
    by_minhash = sum(
        minhash.same_story(first, s)  # type: ignore[arg-type]
        for s in (minhash.signature(text=t) for t in texts[1:])
    )
    assert by_minhash == len(texts) - 1
    assert by_minhash > by_simhash


def test_short_texts_have_no_signature_and_signatures_round_trip() -> None:
    assert minhash.signature(text="太短的文本") is None
    sig = minhash.signature(text=original(STORIES[1]))
    assert sig is not None
    back = minhash.Signature.from_bytes(sig.to_bytes(), sig.size)
    assert minhash.jaccard(sig, back) == 1.0
    assert back.band_keys() == sig.band_keys()
    assert len(set(sig.band_keys())) == minhash.BANDS


def test_the_vector_match_agrees_with_the_pairwise_one() -> None:
    sigs = [minhash.signature(text=t) for _, t in _corpus()]
    found = [s for s in sigs if s is not None]
    values = np.stack([s.values.astype("<u4") for s in found])
    sizes = np.array([s.size for s in found], dtype=np.float64)
    for sig in found:
        scores = minhash.same_story_many(sig, values, sizes)
        expected = [minhash.jaccard(sig, o) if minhash.same_story(sig, o) else -1.0 for o in found]
        assert scores.tolist() == expected
    assert minhash.same_story_many(found[0], values[:0], sizes[:0]).tolist() == []


def test_the_signature_table_matches_held_documents_of_the_park_only() -> None:
    found = [s for s in (minhash.signature(text=t) for _, t in _corpus()) if s is not None]
    table = minhash.SignatureTable()
    # Enough rows to grow the matrix past its first size; park 2 holds the odd ids.
    sigs = [found[n % len(found)] for n in range(1500)]
    rows = [(n, 1 + n % 2, s.to_bytes(), s.size) for n, s in enumerate(sigs)]
    table.add(rows[:700])
    table.add(rows[600:])  # the overlap is held once
    assert len(table) == 1500 and table.park_of(3) == 2 and table.park_of(99_999) is None

    sig = found[0]
    ids = [0, 1, 2, len(found), 99_999]  # 99,999 is not held
    expected = [
        (minhash.jaccard(sig, found[i % len(found)]), i)
        for i in ids[:4]
        if i % 2 == 0 and minhash.same_story(sig, found[i % len(found)])
    ]
    assert table.matches(sig, 1, ids) == expected
    assert (1.0, 0) in expected and all(i % 2 == 0 for _, i in expected)

    table.clear()
    assert len(table) == 0 and table.matches(sig, 1, ids) == []
