"""Optional fluency rewrite of brief points by an OpenAI-compatible chat endpoint, with a guard.

Off unless BIOPARK_LLM_URL is set. Each point is sent with the facts it cites;
the reply replaces the point only if every number and every name in it can be
found in the point's deterministic text or its cited facts. Anything else (an
altered figure, an invented company, a timeout, a malformed reply) keeps the
deterministic text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import httpx

from biopark.config import Settings
from biopark.intel.brief import Point

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CN_NUMERAL = re.compile(r"[零一二两三四五六七八九十百千]+[万亿千百]")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*")
_CN_ORG = re.compile(
    r"[\u4e00-\u9fff]{2,12}?(?:生物|医药|药业|制药|科技|公司|集团|资本|基金|医院|大学|研究院)"
)
# Words an English sentence may capitalise without naming anyone.
_COMMON = {
    "the", "a", "an", "in", "on", "under", "it", "its", "this", "with", "and", "for", "to",
    "of", "by", "as", "at", "from", "up", "total", "upfront", "territory", "payment",
}  # fmt: skip
_CITATION = re.compile(r"\[\d+\]")


def _numbers(text: str) -> set[str]:
    return {n.rstrip("0").rstrip(".") if "." in n else n for n in _NUMBER.findall(text)}


def faithful(output: str, *, allowed: str, lang: str) -> bool:
    """Every number and name in the output appears in the allowed text (point and its facts)."""
    out = output.replace(",", "").replace("，", "，")
    base = allowed.replace(",", "")
    if not _numbers(out) <= _numbers(base):
        return False
    if any(m not in base for m in _CN_NUMERAL.findall(out)):
        return False
    lower = base.lower()
    for i, word in enumerate(_LATIN.findall(out)):
        named = any(c.isdigit() for c in word) or word[0].isupper() or lang == "zh"
        if (
            lang == "en"
            and (i == 0 or word.lower() in _COMMON)
            and not any(c.isdigit() for c in word)
        ):
            continue
        if named and word.lower() not in lower:
            return False
    return all(org in base for org in _CN_ORG.findall(out))


def _endpoint(url: str) -> str:
    url = url.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    return url + ("/chat/completions" if url.endswith("/v1") else "/v1/chat/completions")


def _prompt(point: Point, lang: str) -> list[dict[str, str]]:
    language = "简体中文" if lang == "zh" else "English"
    system = (
        f"Rewrite the point in fluent {language}, one sentence. Keep every number, amount, "
        "currency and name exactly as given; add nothing that the facts do not say. "
        "Reply with the sentence only."
    )
    facts = "\n".join(f"- {e}" for e in point.evidence)
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"Point: {point.sentence}\nFacts:\n{facts}"},
    ]


def rewrite_points(
    points: Sequence[Point],
    *,
    lang: str,
    settings: Settings,
    client: httpx.Client | None = None,
) -> int:
    """Rewrite the points in place where the endpoint's text passes the guard; how many did."""
    if not settings.llm_url or not points:
        return 0
    headers = {"Authorization": f"Bearer {settings.llm_key}"} if settings.llm_key else {}
    own = client is None
    http = client or httpx.Client(timeout=settings.llm_timeout_seconds)
    done = 0
    try:
        for point in points:
            try:
                resp = http.post(
                    _endpoint(settings.llm_url),
                    json={
                        "model": settings.llm_model or "default",
                        "messages": _prompt(point, lang),
                        "temperature": 0,
                    },
                    headers=headers,
                )
                resp.raise_for_status()
                text = str(resp.json()["choices"][0]["message"]["content"]).strip()
            except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError):
                continue
            text = _CITATION.sub("", text).strip()
            allowed = "\n".join([point.sentence, *point.evidence])
            if text and len(text) < 600 and faithful(text, allowed=allowed, lang=lang):
                point.sentence = text
                point.rewritten = True
                done += 1
    finally:
        if own:
            http.close()
    return done
