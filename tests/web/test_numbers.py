"""Numbers on pages: money in 亿元/万元 or words, percentages, separators, never E+ notation."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from babel.numbers import format_decimal

from biopark.accounts.models import Role
from biopark.intel.models import IntelEvent, IntelMetric
from biopark.web import numbers
from tests.builders import make_enterprise, make_park, make_user, page_login
from tests.intel.builders import make_document


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (Decimal("6.5E+8"), "6.5亿元", "650 million yuan"),
        (Decimal("1.02E+9"), "10.2亿元", "1.02 billion yuan"),
        (Decimal("3E+7"), "3,000万元", "30 million yuan"),
        (Decimal("1.5E+12"), "15,000亿元", "1.5 trillion yuan"),
        (Decimal("1234.50"), "1,234.5元", "1,234.5 yuan"),
        (Decimal("0.05"), "0.05元", "0.05 yuan"),
        (Decimal("-2E+8"), "-2亿元", "-200 million yuan"),
        (3500000000.0, "35亿元", "3.5 billion yuan"),
    ],
)
def test_money_in_both_languages(value: object, zh: str, en: str) -> None:
    assert numbers.money(value, "zh") == zh
    assert numbers.money(value, "en") == en


def test_numbers_read_as_babel_writes_them_but_never_minus_zero() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        value = Decimal(rng.randint(-(10**7), 10**7)) * Decimal(10) ** rng.randint(-6, 12)
        value /= rng.choice([1, 3, 7, 1000])
        for digits in (0, 1, 2, 4):
            for lang, locale in (("zh", "zh_CN"), ("en", "en")):
                pattern = "#,##0" + ("." + "#" * digits if digits else "")
                want = format_decimal(value, pattern, locale=locale)
                assert numbers.number(value, lang, digits) == ("0" if want == "-0" else want)
    assert numbers.number(Decimal("-0.004"), "zh") == "0"
    assert numbers.number(Decimal("12345678901234567890123456789.5"), "en", 0).startswith("12,")


def test_metrics_percent_counts_and_blanks() -> None:
    assert numbers.metric(Decimal("8E+1"), "percent", "en") == "80%"
    assert numbers.metric(Decimal("12.50"), "percent", "zh") == "12.5%"
    assert numbers.metric(Decimal("1.2E+4"), "count", "zh") == "12,000"
    assert numbers.metric(Decimal("1.2E+4"), "m2", "zh") == "12,000 平方米"
    assert numbers.metric(Decimal("3E+2"), "mu", "en") == "300 mu"
    assert numbers.metric(Decimal("5E+7"), "USD", "zh") == "5,000万美元"
    assert numbers.metric(Decimal("5E+7"), "USD", "en") == "50 million US dollars"
    for bad in (None, "", "abc", Decimal("NaN"), float("inf"), True):
        assert numbers.money(bad, "zh") == "—"
        assert numbers.number(bad, "en") == "—"


def test_editable_values_are_typed_forms() -> None:
    assert numbers.editable(Decimal("3.5E+8")) == "350000000"
    assert numbers.editable(Decimal("350000000.00")) == "350000000"
    assert numbers.editable(Decimal("12.50")) == "12.5"
    assert numbers.editable(None) == ""
    # What someone typed comes back unchanged when a form is shown again.
    assert numbers.editable("3.5亿") == "3.5亿"


def _figures(session, park) -> int:  # type: ignore[no-untyped-def]
    doc = make_document(session, park)
    common = {"park_id": park.id, "document_id": doc.id, "quote": "原文", "start": 0, "end": 2}
    session.add_all(
        [
            IntelMetric(
                label="总投资", value=Decimal("6.5E+8"), unit="CNY", qualifier="", **common
            ),
            IntelMetric(
                label="占比", value=Decimal("8E+1"), unit="percent", qualifier="", **common
            ),
            IntelMetric(
                label="员工", value=Decimal("1.2E+4"), unit="count", qualifier="", **common
            ),
            IntelEvent(
                type="licensing_deal",
                amount_value=Decimal("1.02E+9"),
                amount_unit="CNY",
                subjects=[],
                **common,
            ),
        ]
    )
    session.flush()
    return doc.id


def test_intel_fact_tables_read_naturally(client, session) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    doc_id = _figures(session, park)
    page_login(client, make_user(session, park, Role.analyst))
    zh = client.get(f"/intel/documents/{doc_id}?lang=zh").text
    assert "E+" not in zh
    assert "6.5亿元" in zh and "80%" in zh and "12,000" in zh and "10.2亿元" in zh
    # The review form shows the value as someone would type it.
    assert 'value="650000000"' in zh
    en = client.get(f"/intel/documents/{doc_id}?lang=en").text
    assert "E+" not in en
    assert "650 million yuan" in en and "1.02 billion yuan" in en and "80%" in en


def test_enterprise_pages_show_capital_in_words_and_plain_digits_to_edit(client, session) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    ent = make_enterprise(
        session, park, registered_capital=Decimal("350000000.00"), rd_spending=Decimal("3E+7")
    )
    page_login(client, make_user(session, park, Role.admin))
    detail = client.get(f"/enterprises/{ent.id}?lang=zh").text
    assert "3.5亿元" in detail and "3,000万元" in detail
    assert "350 million yuan" in client.get(f"/enterprises/{ent.id}?lang=en").text
    form = client.get(f"/enterprises/{ent.id}/edit").text
    assert 'value="350000000"' in form and 'value="30000000"' in form
    assert "350000000.00" not in form and "E+" not in form
