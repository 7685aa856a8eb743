from __future__ import annotations

from decimal import Decimal

import pytest

from biopark.dashboard.reconcile import (
    Reported,
    Status,
    compare,
    ledger_key,
    parse_period,
    precision_of,
)

YI = Decimal("100000000")


def rep(value: Decimal, unit: str = "CNY", qualifier: str = "exact") -> Reported:
    return Reported("协议投资额", value, unit, qualifier, "2025-01/2025-11", False)


def test_labels_map_to_ledger_quantities() -> None:
    assert ledger_key("协议投资额", "CNY") == "agreed_investment"
    assert ledger_key("累计签约入库项目", "count") == "signed_projects"
    assert ledger_key("到位资金", "CNY") == "funds_in_place"
    assert ledger_key("到位资金", "count") is None
    assert ledger_key("在研创新药", "count") is None


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2025-01/2025-11", (2025, 1, 11)),
        ("2025", (2025, 1, 12)),
        ("2025-03", (2025, 3, 3)),
        ("2024-11/2025-02", None),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_period(period: str | None, expected: tuple[int, int, int] | None) -> None:
    assert parse_period(period) == expected


def test_precision_follows_printed_digits() -> None:
    assert precision_of(102 * YI, "CNY") == YI / 2
    assert precision_of(Decimal("38.33") * YI, "CNY") == YI / 200
    assert precision_of(Decimal("30000000"), "CNY") == Decimal("5000")  # 3000万元
    assert precision_of(Decimal(21), "count") == Decimal("0.5")


def test_rounded_ledger_value_matches() -> None:
    assert (
        compare(rep(102 * YI), Decimal("10196000000"), "agreed_investment").status == Status.match
    )
    assert (
        compare(rep(102 * YI), Decimal("10100000000"), "agreed_investment").status
        == Status.mismatch
    )


def test_bounds_and_approximations() -> None:
    assert (
        compare(rep(100 * YI, qualifier="over"), 103 * YI, "agreed_investment").status
        == Status.match
    )
    assert (
        compare(rep(100 * YI, qualifier="over"), 90 * YI, "agreed_investment").status
        == Status.mismatch
    )
    assert (
        compare(rep(100 * YI, qualifier="approx"), 96 * YI, "agreed_investment").status
        == Status.match
    )
    assert (
        compare(rep(100 * YI, qualifier="under"), 101 * YI, "agreed_investment").status
        == Status.mismatch
    )


def test_counts_must_be_equal() -> None:
    assert compare(rep(Decimal(21), "count"), Decimal(21), "signed_projects").status == Status.match
    finding = compare(rep(Decimal(21), "count"), Decimal(19), "signed_projects")
    assert finding.status == Status.mismatch
    assert "21" in finding.reason and "19" in finding.reason


def test_unknown_quantity_or_period_is_not_comparable() -> None:
    assert compare(rep(Decimal(5)), None, None).status == Status.not_comparable
    assert compare(rep(Decimal(5)), None, "agreed_investment").status == Status.not_comparable
