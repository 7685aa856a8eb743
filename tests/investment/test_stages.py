"""Stage rules: forward moves may skip, backwards/terminate/reopen need a reason."""

from __future__ import annotations

from datetime import date

import pytest

from biopark.errors import ValidationFailed
from biopark.investment.models import Stage
from biopark.investment.stages import plan

ON = date(2025, 3, 1)
EMPTY = {"signed_on": None, "registered_on": None, "started_on": None, "produced_on": None}


def test_forward_skip_dates_every_stage_passed() -> None:
    move = plan(Stage.negotiating, Stage.registered, on=ON, reason=None, dates=EMPTY)
    assert move.set_dates == {"signed_on": ON, "registered_on": ON}
    assert not move.backwards and move.clear_dates == ()


def test_forward_keeps_earlier_dates() -> None:
    dates = {**EMPTY, "signed_on": date(2025, 1, 5)}
    move = plan(Stage.signed, Stage.registered, on=ON, reason=None, dates=dates)
    assert move.set_dates == {"registered_on": ON}


def test_backwards_needs_reason() -> None:
    dates = {**EMPTY, "signed_on": ON, "registered_on": ON}
    with pytest.raises(ValidationFailed, match="须填写原因"):
        plan(Stage.registered, Stage.negotiating, on=ON, reason="  ", dates=dates)
    move = plan(Stage.registered, Stage.negotiating, on=ON, reason="协议被撤回", dates=dates)
    assert move.backwards
    assert set(move.clear_dates) == {"signed_on", "registered_on"}


def test_terminate_needs_reason() -> None:
    with pytest.raises(ValidationFailed, match="终止"):
        plan(Stage.negotiating, Stage.terminated, on=ON, reason=None, dates=EMPTY)
    move = plan(Stage.negotiating, Stage.terminated, on=ON, reason="企业落户他地", dates=EMPTY)
    assert move.set_dates == {} and move.clear_dates == ()


def test_reopen_needs_reason_and_same_stage_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        plan(Stage.terminated, Stage.negotiating, on=ON, reason=None, dates=EMPTY)
    assert plan(
        Stage.terminated, Stage.negotiating, on=ON, reason="重新洽谈", dates=EMPTY
    ).backwards
    with pytest.raises(ValidationFailed, match="已处于"):
        plan(Stage.signed, Stage.signed, on=ON, reason=None, dates=EMPTY)
