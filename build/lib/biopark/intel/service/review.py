"""Analysts confirm, correct or reject extracted facts; verdicts are re-applied after re-extraction.

A verdict is keyed by (document, kind, start, end, extracted label/type/name):
the quote offsets are stable because the cleaned text is a pure function of
the stored bytes, and the key keeps two facts read from one sentence apart.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.errors import NotFound, ValidationFailed
from biopark.intel.models import (
    CONFIRMED,
    CORRECTED,
    REJECTED,
    IntelCorrection,
    IntelEntity,
    IntelEvent,
    IntelMetric,
)
from biopark.intel.service.access import check_write

KINDS: dict[str, type[IntelMetric] | type[IntelEvent] | type[IntelEntity]] = {
    "metric": IntelMetric,
    "event": IntelEvent,
    "entity": IntelEntity,
}
ACTIONS = {"confirm": CONFIRMED, "correct": CORRECTED, "reject": REJECTED}
UNITS = ("CNY", "USD", "percent", "count", "m2", "km2", "mu")
EVENT_TYPES = (
    "licensing_deal",
    "clinical_approval",
    "marketing_application",
    "marketing_approval",
    "ipo",
    "project_signing",
    "facility_milestone",
    "financing",
    "cooperation",
    "award",
)
ENTITY_TYPES = (
    "company",
    "drug",
    "institution",
    "government",
    "park",
    "platform",
    "person",
    "place",
    "media",
)


def _key(kind: str, fact: Any) -> str:
    if kind == "metric":
        return str(fact.label)
    if kind == "event":
        return str(fact.type)
    return str(fact.name)


def _clean_values(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Validate an analyst's corrected values; only known fields, typed."""
    out: dict[str, Any] = {}
    text = {k: str(v).strip() for k, v in raw.items() if v is not None and str(v).strip()}
    if kind == "metric":
        if "label" in text:
            out["label"] = text["label"][:200]
        if "value" in text:
            try:
                out["value"] = str(Decimal(text["value"].replace(",", "")))
            except InvalidOperation as exc:
                raise ValidationFailed("数值格式不正确", en="Value is not a number") from exc
        if "unit" in text:
            if text["unit"] not in UNITS:
                raise ValidationFailed("单位不正确", en="Unknown unit")
            out["unit"] = text["unit"]
        if "period" in text:
            out["period"] = text["period"][:40]
    elif kind == "event":
        if "type" in text:
            if text["type"] not in EVENT_TYPES:
                raise ValidationFailed("事件类型不正确", en="Unknown event type")
            out["type"] = text["type"]
        if "date" in text:
            try:
                out["date"] = date.fromisoformat(text["date"]).isoformat()
            except ValueError as exc:
                raise ValidationFailed(
                    "日期格式应为 YYYY-MM-DD", en="Date must be YYYY-MM-DD"
                ) from exc
    else:
        if "name" in text:
            out["name"] = text["name"][:200]
        if "type" in text:
            if text["type"] not in ENTITY_TYPES:
                raise ValidationFailed("实体类型不正确", en="Unknown entity type")
            out["type"] = text["type"]
    if not out:
        raise ValidationFailed("请填写要更正的内容", en="Nothing to correct")
    return out


def _apply(kind: str, fact: Any, correction: IntelCorrection) -> None:
    fact.review = ACTIONS[correction.action]
    if correction.action != "correct":
        return
    values = correction.values
    if kind == "metric":
        for name in ("label", "unit", "period"):
            if name in values:
                setattr(fact, name, values[name])
        if "value" in values:
            fact.value = Decimal(values["value"])
    elif kind == "event":
        if "type" in values:
            fact.type = values["type"]
        if "date" in values:
            fact.event_date = date.fromisoformat(values["date"])
    else:
        for name in ("name", "type"):
            if name in values:
                setattr(fact, name, values[name])


def apply_corrections(session: Session, *, document_id: int) -> int:
    """Re-apply every stored verdict of a document to its freshly extracted facts."""
    corrections = list(
        session.scalars(select(IntelCorrection).where(IntelCorrection.document_id == document_id))
    )
    applied = 0
    for c in corrections:
        model = KINDS[c.kind]
        facts = session.scalars(
            select(model).where(
                model.document_id == document_id, model.start == c.start, model.end == c.end
            )
        )
        for fact in facts:
            if _key(c.kind, fact) == c.key:
                _apply(c.kind, fact, c)
                applied += 1
                break
    return applied


def get_fact(session: Session, *, user: User, kind: str, fact_id: int) -> Any:
    """One fact of the user's park (others' ids look missing)."""
    model = KINDS.get(kind)
    if model is None:
        raise NotFound()
    fact: Any = session.get(model, fact_id)
    if fact is None or fact.park_id != user.park_id:
        raise NotFound("事实不存在", en="Fact not found")
    return fact


def review_fact(
    session: Session,
    *,
    user: User,
    kind: str,
    fact_id: int,
    action: str,
    values: dict[str, Any] | None = None,
    note: str | None = None,
) -> Any:
    """Confirm, correct or reject one fact, remembering the verdict for re-extraction."""
    check_write(user)
    if action not in ACTIONS:
        raise ValidationFailed("操作不正确", en="Unknown review action")
    fact = get_fact(session, user=user, kind=kind, fact_id=fact_id)
    clean = _clean_values(kind, values or {}) if action == "correct" else {}
    key = _key(kind, fact)
    field = {"metric": "label", "event": "type", "entity": "name"}[kind]
    # An already corrected fact carries its corrected key; the verdict keeps the extracted one.
    correction = next(
        (
            c
            for c in session.scalars(
                select(IntelCorrection).where(
                    IntelCorrection.document_id == fact.document_id,
                    IntelCorrection.kind == kind,
                    IntelCorrection.start == fact.start,
                    IntelCorrection.end == fact.end,
                )
            )
            if c.key == key or c.values.get(field) == key
        ),
        None,
    )
    if correction is None:
        correction = IntelCorrection(
            park_id=fact.park_id,
            document_id=fact.document_id,
            kind=kind,
            start=fact.start,
            end=fact.end,
            key=key,
        )
        session.add(correction)
    elif correction.action == "correct" and action == "correct":
        clean = {**correction.values, **clean}
    correction.action = action
    correction.values = clean
    correction.note = (note or "")[:500] or None
    correction.user_id = user.id
    session.flush()
    _apply(kind, fact, correction)
    audit.record(
        session,
        actor=user,
        action=f"review_{action}",
        entity_type=f"intel_{kind}",
        entity_id=fact.id,
        park_id=fact.park_id,
        changes={"key": key, **clean},
    )
    return fact
