"""Stage rules of an investment project, as pure functions (no session).

线索 → 洽谈 → 签约 → 入库 → 开工 → 投产, or 终止 with a reason from any open
stage. Moving forward may skip stages (a project is often signed and registered
on the same day); moving backwards, terminating and reopening a terminated
project all need a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from biopark.errors import ValidationFailed
from biopark.investment.models import STAGE_DATE_FIELD, STAGE_ORDER, Stage


@dataclass(frozen=True)
class Transition:
    """What a stage change does to the project's milestone dates."""

    set_dates: dict[str, date]
    clear_dates: tuple[str, ...]
    backwards: bool


def rank(stage: Stage) -> int:
    """Position in the forward order (终止 has none: -1)."""
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else -1


def plan(
    current: Stage,
    target: Stage,
    *,
    on: date,
    reason: str | None,
    dates: dict[str, date | None],
) -> Transition:
    """Check a transition and work out the milestone dates it sets and clears."""
    reason = (reason or "").strip() or None
    if target == current:
        raise ValidationFailed(
            f"项目已处于“{current.value}”阶段", en=f"Project is already at {current.name}"
        )
    if target == Stage.terminated:
        if reason is None:
            raise ValidationFailed("终止项目须填写原因", en="Terminating needs a reason")
        return Transition(set_dates={}, clear_dates=(), backwards=False)
    if current == Stage.terminated:
        if reason is None:
            raise ValidationFailed("重启已终止项目须填写原因", en="Reopening needs a reason")
        return _move(target, on=on, dates=dates, backwards=True)
    backwards = rank(target) < rank(current)
    if backwards and reason is None:
        raise ValidationFailed(
            f"从“{current.value}”退回“{target.value}”须填写原因",
            en="Moving a project back needs a reason",
        )
    return _move(target, on=on, dates=dates, backwards=backwards)


def _move(target: Stage, *, on: date, dates: dict[str, date | None], backwards: bool) -> Transition:
    set_dates: dict[str, date] = {}
    clear: list[str] = []
    for stage, field in STAGE_DATE_FIELD.items():
        if rank(stage) <= rank(target):
            # Skipped stages take the date of the move; stages already dated keep theirs.
            if dates.get(field) is None:
                set_dates[field] = on
        elif dates.get(field) is not None:
            clear.append(field)
    return Transition(set_dates=set_dates, clear_dates=tuple(clear), backwards=backwards)
