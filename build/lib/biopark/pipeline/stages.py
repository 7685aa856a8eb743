"""The drug-stage state machine: which moves are allowed and which need a reason. Pure."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Stage(enum.StrEnum):
    preclinical = "preclinical"
    ind_filed = "ind_filed"
    ind_approved = "ind_approved"
    phase1 = "phase1"
    phase2 = "phase2"
    phase3 = "phase3"
    nda_filed = "nda_filed"
    approved = "approved"
    marketed = "marketed"
    discontinued = "discontinued"


ORDER = (
    Stage.preclinical,
    Stage.ind_filed,
    Stage.ind_approved,
    Stage.phase1,
    Stage.phase2,
    Stage.phase3,
    Stage.nda_filed,
    Stage.approved,
    Stage.marketed,
)
CLINICAL = frozenset({Stage.phase1, Stage.phase2, Stage.phase3})
# 在研: not yet approved and not stopped.
IN_RESEARCH = frozenset(ORDER[: ORDER.index(Stage.approved)])
ON_MARKET = frozenset({Stage.approved, Stage.marketed})

LABELS = {
    Stage.preclinical: ("临床前", "Preclinical"),
    Stage.ind_filed: ("IND申报", "IND filed"),
    Stage.ind_approved: ("IND获批", "IND approved"),
    Stage.phase1: ("I期临床", "Phase I"),
    Stage.phase2: ("II期临床", "Phase II"),
    Stage.phase3: ("III期临床", "Phase III"),
    Stage.nda_filed: ("上市申请", "NDA filed"),
    Stage.approved: ("获批上市", "Approved"),
    Stage.marketed: ("已上市销售", "Marketed"),
    Stage.discontinued: ("终止", "Discontinued"),
}

# Conditional approval (附条件批准) may follow Phase II; nothing earlier reaches approval.
APPROVAL_FROM = frozenset({Stage.phase2, Stage.phase3, Stage.nda_filed})


class StageError(ValueError):
    """A move the state machine does not allow, with Chinese and English text."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


@dataclass(frozen=True)
class Move:
    """An allowed stage change and whether it went backwards (or resumed a stopped drug)."""

    source: Stage
    target: Stage
    backwards: bool
    reason: str | None


def label(stage: Stage | str, lang: str = "zh") -> str:
    """The stage's name in the language."""
    zh, en = LABELS[Stage(stage)]
    return en if lang == "en" else zh


def forward_targets(stage: Stage) -> tuple[Stage, ...]:
    """Stages reachable from `stage` without a reason (skipping unrecorded steps is allowed)."""
    if stage == Stage.discontinued:
        return ()
    later = ORDER[ORDER.index(stage) + 1 :]
    out = []
    for target in later:
        if target == Stage.approved and stage not in APPROVAL_FROM:
            continue
        if target == Stage.marketed and stage != Stage.approved:
            continue
        out.append(target)
    return tuple(out)


def move(source: Stage | str, target: Stage | str, *, reason: str | None = None) -> Move:
    """Check one stage change; backwards moves, stops and restarts need a reason."""
    src, dst = Stage(source), Stage(target)
    why = (reason or "").strip() or None
    if src == dst:
        raise StageError(f"已处于“{label(src)}”", f"already at {label(src, 'en')}")
    if dst == Stage.discontinued:
        if why is None:
            raise StageError("终止须填写原因", "a reason is required to discontinue")
        return Move(src, dst, backwards=False, reason=why)
    if src == Stage.discontinued:
        if why is None:
            raise StageError("恢复已终止的药物须填写原因", "a reason is required to resume")
        return Move(src, dst, backwards=True, reason=why)
    if ORDER.index(dst) < ORDER.index(src):
        if why is None:
            raise StageError(
                f"从“{label(src)}”退回“{label(dst)}”须填写原因",
                f"going back from {label(src, 'en')} to {label(dst, 'en')} needs a reason",
            )
        return Move(src, dst, backwards=True, reason=why)
    if dst not in forward_targets(src):
        raise StageError(
            f"不能从“{label(src)}”直接进入“{label(dst)}”",
            f"cannot go from {label(src, 'en')} straight to {label(dst, 'en')}",
        )
    return Move(src, dst, backwards=False, reason=why)
