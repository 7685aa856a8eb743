"""Stage rules as pure functions: facts per stage, jumps, order of dates, reasons."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from biopark.errors import ValidationFailed
from biopark.investment.models import Stage
from biopark.investment.stages import STAGE_FACTS, plan, requirements

TODAY = date(2025, 3, 10)
EMPTY: dict[str, object] = {
    "agreed_investment": None,
    "signed_on": None,
    "registered_on": None,
    "started_on": None,
    "produced_on": None,
}


def _plan(current: Stage, target: Stage, reason: str | None = None, **given: object):  # type: ignore[no-untyped-def]
    return plan(current, target, today=TODAY, reason=reason, existing=EMPTY, given=given)


def test_signing_lists_every_missing_fact() -> None:
    with pytest.raises(ValidationFailed) as exc:
        _plan(Stage.negotiating, Stage.signed)
    assert exc.value.message == "进入签约需要：协议投资额、签约日期"
    assert exc.value.en == "Entering 签约 (signed) needs: agreed investment, signing date"
    with pytest.raises(ValidationFailed, match="签约日期"):
        _plan(Stage.negotiating, Stage.signed, agreed_investment=Decimal(1))


def test_each_stage_needs_its_date() -> None:
    existing = {**EMPTY, "agreed_investment": Decimal(5), "signed_on": date(2025, 1, 2)}
    for current, target, field in (
        (Stage.signed, Stage.registered, "入库日期"),
        (Stage.registered, Stage.construction, "开工日期"),
        (Stage.construction, Stage.production, "投产日期"),
    ):
        with pytest.raises(ValidationFailed, match=f"进入{target.value}需要：{field}"):
            plan(current, target, today=TODAY, reason=None, existing=existing, given={})


def test_jump_needs_reason_and_every_skipped_date() -> None:
    with pytest.raises(ValidationFailed) as exc:
        _plan(Stage.lead, Stage.production)
    assert exc.value.message == (
        "进入投产需要：协议投资额、签约日期、入库日期、开工日期、投产日期、跳过阶段的原因"
    )
    dates = {
        "signed_on": date(2025, 1, 5),
        "registered_on": date(2025, 1, 20),
        "started_on": date(2025, 2, 1),
        "produced_on": date(2025, 3, 1),
    }
    with pytest.raises(ValidationFailed, match="跳过阶段的原因"):
        _plan(Stage.lead, Stage.production, agreed_investment=Decimal(9), **dates)
    move = _plan(
        Stage.lead, Stage.production, "补录历史项目", agreed_investment=Decimal(9), **dates
    )
    assert move.values == {"agreed_investment": Decimal(9), **dates}
    assert [(a, b, on) for a, b, on in move.steps] == [
        (Stage.lead, Stage.negotiating, date(2025, 1, 5)),
        (Stage.negotiating, Stage.signed, date(2025, 1, 5)),
        (Stage.signed, Stage.registered, date(2025, 1, 20)),
        (Stage.registered, Stage.construction, date(2025, 2, 1)),
        (Stage.construction, Stage.production, date(2025, 3, 1)),
    ]


def test_dates_in_order_and_not_in_the_future() -> None:
    signed = {"agreed_investment": Decimal(1), "signed_on": date(2025, 2, 1)}
    with pytest.raises(ValidationFailed, match="入库日期早于签约日期"):
        _plan(Stage.negotiating, Stage.registered, "同日", registered_on=date(2025, 1, 1), **signed)
    with pytest.raises(ValidationFailed, match="签约日期不能晚于今天"):
        _plan(Stage.negotiating, Stage.signed, agreed_investment=1, signed_on=date(2025, 3, 11))
    existing = {**EMPTY, **signed}
    with pytest.raises(ValidationFailed, match="Dates must run"):
        try:
            plan(Stage.signed, Stage.registered, today=TODAY, reason=None, existing=existing,
                 given={"registered_on": date(2025, 1, 31)})  # fmt: skip
        except ValidationFailed as exc:
            raise ValidationFailed(exc.en) from None


def test_backwards_needs_reason_and_clears_later_dates() -> None:
    existing = {
        **EMPTY,
        "agreed_investment": Decimal(1),
        "signed_on": TODAY,
        "registered_on": TODAY,
    }
    with pytest.raises(ValidationFailed, match="须填写原因"):
        plan(
            Stage.registered,
            Stage.negotiating,
            today=TODAY,
            reason=" ",
            existing=existing,
            given={},
        )
    move = plan(
        Stage.registered,
        Stage.negotiating,
        today=TODAY,
        reason="协议被撤回",
        existing=existing,
        given={},
    )
    assert move.backwards and set(move.clear) == {"signed_on", "registered_on"}
    assert move.steps == [(Stage.registered, Stage.negotiating, TODAY)]


def test_terminate_reopen_and_same_stage() -> None:
    with pytest.raises(ValidationFailed, match="终止"):
        _plan(Stage.negotiating, Stage.terminated)
    assert (
        _plan(Stage.negotiating, Stage.terminated, "企业落户他地").steps[0][1] == Stage.terminated
    )
    with pytest.raises(ValidationFailed, match="重启"):
        _plan(Stage.terminated, Stage.negotiating)
    with pytest.raises(ValidationFailed, match="进入签约需要"):
        _plan(Stage.terminated, Stage.signed, "重新洽谈")
    assert _plan(Stage.terminated, Stage.negotiating, "重新洽谈").backwards
    with pytest.raises(ValidationFailed, match="已处于"):
        _plan(Stage.signed, Stage.signed)


def test_requirements_table_is_the_same_rules() -> None:
    table = {r["stage"]: r for r in requirements()}
    assert [f["field"] for f in table["签约"]["facts"]] == ["agreed_investment", "signed_on"]
    assert table["洽谈"]["facts"] == [] and table["投产"]["rank"] == 5
    assert set(STAGE_FACTS) == {
        Stage.signed,
        Stage.registered,
        Stage.construction,
        Stage.production,
    }
