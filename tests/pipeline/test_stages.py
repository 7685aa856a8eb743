"""The drug-stage state machine."""

from __future__ import annotations

import pytest

from biopark.pipeline import stages
from biopark.pipeline.stages import Stage, StageError, move


def test_forward_moves_need_no_reason_and_may_skip_unrecorded_steps() -> None:
    step = move(Stage.preclinical, Stage.ind_filed)
    assert not step.backwards and step.reason is None
    assert move(Stage.ind_approved, Stage.phase2).target == Stage.phase2


def test_approval_only_after_phase_two_and_marketing_only_after_approval() -> None:
    with pytest.raises(StageError, match="cannot go"):
        move(Stage.phase1, Stage.approved)
    assert move(Stage.phase2, Stage.approved).target == Stage.approved
    with pytest.raises(StageError):
        move(Stage.nda_filed, Stage.marketed)
    assert move(Stage.approved, Stage.marketed).target == Stage.marketed


def test_going_backwards_needs_a_reason() -> None:
    with pytest.raises(StageError) as exc:
        move(Stage.phase3, Stage.phase2)
    assert "原因" in exc.value.zh
    with pytest.raises(StageError):
        move(Stage.phase3, Stage.phase2, reason="   ")
    step = move(Stage.phase3, Stage.phase2, reason="方案修订，补做剂量探索")
    assert step.backwards and step.reason == "方案修订，补做剂量探索"


def test_discontinue_from_any_stage_with_a_reason_and_resume_with_one() -> None:
    for stage in stages.ORDER:
        with pytest.raises(StageError):
            move(stage, Stage.discontinued)
        assert move(stage, Stage.discontinued, reason="战略调整").target == Stage.discontinued
    with pytest.raises(StageError):
        move(Stage.discontinued, Stage.phase1)
    assert move(Stage.discontinued, Stage.phase1, reason="获得新融资").backwards


def test_staying_put_is_not_a_move() -> None:
    with pytest.raises(StageError, match="already"):
        move("phase1", "phase1")


def test_counting_sets() -> None:
    assert {Stage.phase1, Stage.phase2, Stage.phase3} == stages.CLINICAL
    assert Stage.nda_filed in stages.IN_RESEARCH and Stage.approved not in stages.IN_RESEARCH
    assert Stage.discontinued not in stages.IN_RESEARCH
    assert stages.forward_targets(Stage.discontinued) == ()
    assert stages.label("phase1", "en") == "Phase I"
