"""Money, land and phone parsing of the investment schemas."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from biopark.investment.schemas import ConsultationCreate, FundsCreate, to_money, to_mu, to_phone


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("102亿元", Decimal("10200000000")),
        ("3,000万元", Decimal("30000000")),
        ("1.5亿", Decimal("150000000")),
        ("38.33亿元", Decimal("3833000000")),
        ("人民币5000万元", Decimal("50000000")),
        ("1,234.56", Decimal("1234.56")),
        (1500, Decimal("1500")),
        ("0.01元", Decimal("0.01")),
    ],
)
def test_money_as_people_write_it(text: object, yuan: Decimal) -> None:
    assert to_money(text) == yuan


def test_money_is_exact_not_float() -> None:
    assert to_money("94.38亿元") == Decimal("9438000000.00")
    assert str(to_money("0.1亿")) == "10000000.00"


@pytest.mark.parametrize("bad", ["abc", "-5亿", "1.234元", "十亿亿亿亿亿亿", True, "亿元"])
def test_money_rejects_garbage(bad: object) -> None:
    with pytest.raises(ValueError):
        to_money(bad)


def test_blank_money_is_none() -> None:
    assert to_money("  ") is None and to_money(None) is None


def test_land_in_mu() -> None:
    assert to_mu("300亩") == Decimal("300.00")
    assert to_mu(12.5) == Decimal("12.50")
    with pytest.raises(ValueError):
        to_mu("三百")
    with pytest.raises(ValueError):
        to_mu("-1")


@pytest.mark.parametrize("ok", ["13800138000", "138 0013 8000", "+86 138-0013-8000"])
def test_mobile_numbers(ok: str) -> None:
    assert to_phone(ok) == "13800138000"


@pytest.mark.parametrize("bad", ["12800138000", "1380013800", "023-66668888", "", "1380013800a"])
def test_bad_mobile_numbers(bad: str) -> None:
    with pytest.raises(ValueError):
        to_phone(bad)


def test_consultation_requires_company_contact_and_phone() -> None:
    with pytest.raises(ValidationError) as exc:
        ConsultationCreate.model_validate({"company": "", "contact_name": "", "phone": "1"})
    fields = {e["loc"][0] for e in exc.value.errors()}
    assert fields == {"company", "contact_name", "phone"}


def test_funds_must_be_positive() -> None:
    with pytest.raises(ValidationError):
        FundsCreate.model_validate({"received_on": "2025-01-01", "amount": "0元"})
    assert FundsCreate.model_validate(
        {"received_on": "2025-01-01", "amount": "1.5亿"}
    ).amount == Decimal("150000000")
