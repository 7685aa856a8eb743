"""Fast Chinese word segmentation (rjieba) with the park's domain vocabulary.

The search index reuses tokenize(); the domain words keep terms such as
创新药 or 到位资金 whole instead of split into characters.
"""

from __future__ import annotations

from importlib import resources

import rjieba

_loaded = False


def _words() -> list[str]:
    text = resources.files("biopark.intel").joinpath("dictionary.txt").read_text(encoding="utf-8")
    return [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]


def ensure_dictionary() -> None:
    """Load the domain user dictionary into rjieba once per process."""
    global _loaded
    if _loaded:
        return
    for word in _words():
        rjieba.add_word(word, None, None)
    _loaded = True


def tokenize(*, text: str) -> list[str]:
    """Split Chinese (and mixed) text into words for indexing and matching."""
    ensure_dictionary()
    return [w for w in rjieba.cut(text) if w.strip()]


def tokenize_for_search(*, text: str) -> list[str]:
    """Split text into overlapping words, as a search index wants for recall."""
    ensure_dictionary()
    return [w for w in rjieba.cut_for_search(text) if w.strip()]
