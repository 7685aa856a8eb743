"""Stage rules of an investment project, as pure functions (no session).

线索 → 洽谈 → 签约 → 入库 → 开工 → 投产, or 终止 with a reason from any open
stage. Each stage needs its facts before it is entered (STAGE_FACTS: the one
table that the service, the API, the import and the kanban dialog all read).
Nothing is filled in for the user: jumping over stages needs a reason and the
facts of every stage jumped over; milestone dates must be in order and not in
the future. Moving backwards, terminating and reopening need a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from biopark.errors import ValidationFailed
from biopark.investment.models import STAGE_DATE_FIELD, STAGE_ORDER, Stage

STAGE_EN = {
    Stage.lead: "lead",
    Stage.negotiating: "negotiation",
    Stage.signed: "signed",
    Stage.registered: "registered",
    Stage.construction: "construction",
    Stage.production: "production",
    Stage.terminated: "terminated",
}


@dataclass(frozen=True)
class Fact:
    """A fact a stage needs: the project field, its labels and the kind of input."""

    field: str
    zh: str
    en: str
    kind: str  # "money" or "date"


STAGE_FACTS: dict[Stage, tuple[Fact, ...]] = {
    Stage.signed: (
        Fact("agreed_investment", "协议投资额", "agreed investment", "money"),
        Fact("signed_on", "签约日期", "signing date", "date"),
    ),
    Stage.registered: (Fact("registered_on", "入库日期", "registration date", "date"),),
    Stage.construction: (Fact("started_on", "开工日期", "start date", "date"),),
    Stage.production: (Fact("produced_on", "投产日期", "production date", "date"),),
}
FACT_FIELDS = tuple(f.field for facts in STAGE_FACTS.values() for f in facts)
DATE_FIELDS = tuple(STAGE_DATE_FIELD.values())
_LABEL = {f.field: f for facts in STAGE_FACTS.values() for f in facts}


@dataclass
class Transition:
    """What a stage change writes: field values, fields cleared, and the stage trail."""

    values: dict[str, Any] = field(default_factory=dict)
    clear: tuple[str, ...] = ()
    backwards: bool = False
    # (from, to, effective date) for every stage entered, in order; a jump has several.
    steps: list[tuple[Stage, Stage, date]] = field(default_factory=list)


def rank(stage: Stage) -> int:
    """Position in the forward order (终止 has none: -1)."""
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else -1


def entered(current: Stage, target: Stage) -> list[Stage]:
    """The stages a move enters, in order (a jump enters several; backwards enters none)."""
    start = -1 if current == Stage.terminated else rank(current)
    if current != Stage.terminated and rank(target) <= start:
        return []
    if current == Stage.terminated:
        return [target]
    return list(STAGE_ORDER[start + 1 : rank(target) + 1])


def requirements() -> list[dict[str, Any]]:
    """The stage table for the kanban dialog (the same rules, as JSON)."""
    return [
        {
            "stage": s.value,
            "en": STAGE_EN[s],
            "rank": rank(s),
            "facts": [
                {"field": f.field, "zh": f.zh, "en": f.en, "kind": f.kind}
                for f in STAGE_FACTS.get(s, ())
            ],
        }
        for s in Stage
    ]


def _missing_message(target: Stage, missing: list[Fact], need_reason: bool) -> ValidationFailed:
    zh = [f.zh for f in missing] + (["跳过阶段的原因"] if need_reason else [])
    en = [f.en for f in missing] + (["a reason for skipping stages"] if need_reason else [])
    return ValidationFailed(
        f"进入{target.value}需要：{'、'.join(zh)}",
        en=f"Entering {target.value} ({STAGE_EN[target]}) needs: {', '.join(en)}",
    )


def _check_dates(merged: dict[str, Any], given: dict[str, Any], today: date) -> None:
    for name in DATE_FIELDS:
        value = given.get(name)
        if value is not None and value > today:
            label = _LABEL[name]
            raise ValidationFailed(
                f"{label.zh}不能晚于今天", en=f"The {label.en} cannot be in the future"
            )
    previous: tuple[str, date] | None = None
    for name in DATE_FIELDS:
        value = merged.get(name)
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            a, b = _LABEL[previous[0]], _LABEL[name]
            raise ValidationFailed(
                f"日期须按 签约 ≤ 入库 ≤ 开工 ≤ 投产 的顺序：{b.zh}早于{a.zh}",
                en=f"Dates must run signed ≤ registered ≤ started ≤ produced: "
                f"the {b.en} is before the {a.en}",
            )
        previous = (name, value)


def check_dates(dates: dict[str, Any], *, today: date) -> None:
    """Milestone dates in order (签约 ≤ 入库 ≤ 开工 ≤ 投产) and none in the future."""
    _check_dates(dates, dates, today)


def plan(
    current: Stage,
    target: Stage,
    *,
    today: date,
    reason: str | None,
    existing: dict[str, Any],
    given: dict[str, Any],
    effective_on: date | None = None,
) -> Transition:
    """Check a move against the stage rules and work out what it writes.

    `existing` holds the project's current facts, `given` the facts sent with the move.
    """
    reason = (reason or "").strip() or None
    if effective_on is not None and effective_on > today:
        raise ValidationFailed("生效日期不能晚于今天", en="Effective date cannot be in the future")
    if target == current:
        raise ValidationFailed(
            f"项目已处于“{current.value}”阶段", en=f"Project is already at {STAGE_EN[current]}"
        )
    on = effective_on or today
    if target == Stage.terminated:
        if reason is None:
            raise ValidationFailed("终止项目须填写原因", en="Terminating needs a reason")
        return Transition(steps=[(current, target, on)])
    if current == Stage.terminated and reason is None:
        raise ValidationFailed("重启已终止项目须填写原因", en="Reopening needs a reason")
    backwards = current == Stage.terminated or rank(target) < rank(current)
    if backwards and current != Stage.terminated and reason is None:
        raise ValidationFailed(
            f"从“{current.value}”退回“{target.value}”须填写原因",
            en=f"Moving a project back from {STAGE_EN[current]} to {STAGE_EN[target]} needs a reason",
        )
    stages_in = entered(current, target)
    # Reopening checks every stage up to the target, since any of its facts may be missing.
    to_check = (
        [s for s in STAGE_ORDER if rank(s) <= rank(target)]
        if current == Stage.terminated
        else stages_in
    )
    jump = len(stages_in) > 1
    values: dict[str, Any] = {}
    missing: list[Fact] = []
    for stage in to_check:
        for fact in STAGE_FACTS.get(stage, ()):
            value = given.get(fact.field)
            if value is None:
                value = existing.get(fact.field)
            if value is None:
                missing.append(fact)
            elif given.get(fact.field) is not None:
                values[fact.field] = value
    if missing or (jump and reason is None):
        raise _missing_message(target, missing, jump and reason is None)
    clear = tuple(
        name
        for stage, name in STAGE_DATE_FIELD.items()
        if rank(stage) > rank(target) and existing.get(name) is not None
    )
    merged = {**existing, **values, **dict.fromkeys(clear)}
    _check_dates(merged, values, today)
    if backwards:
        return Transition(values=values, clear=clear, backwards=True, steps=[(current, target, on)])
    steps: list[tuple[Stage, Stage, date]] = []
    previous = current
    dated = [merged[STAGE_DATE_FIELD[s]] for s in stages_in if s in STAGE_DATE_FIELD]
    for stage in stages_in:
        when = merged.get(STAGE_DATE_FIELD.get(stage, ""))
        # An undated stage (洽谈) passed in a jump takes the date of the first dated stage.
        steps.append((previous, stage, when or (dated[0] if dated else on)))
        previous = stage
    return Transition(values=values, clear=clear, backwards=backwards, steps=steps)
