from decimal import Decimal

import pytest

from biopark.kit.money import format_cny, parse_cny


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("102亿元", "10200000000"),
        ("3,000万元", "30000000"),
        ("1.5亿", "150000000"),
        ("38.33亿", "3833000000"),
        ("500万", "5000000"),
        ("1,234.5元", "1234.5"),
        ("一千二百万元", "12000000"),
        ("人民币5000万元", "50000000"),
        ("RMB 3.8bn", "3800000000"),
        ("  6.2亿元 ", "620000000"),
    ],
)
def test_parse_cny_reads_written_amounts_exactly(text: str, expected: str) -> None:
    assert parse_cny(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "亿元", "abc", "1.2.3元", "约一些钱"])
def test_parse_cny_rejects_non_amounts_with_chinese_message(text: str) -> None:
    with pytest.raises(ValueError, match="金额"):
        parse_cny(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10200000000", "102亿元"),
        ("30000000", "3000万元"),
        ("3833000000", "38.33亿元"),
        ("1234.5", "1234.5元"),
        ("123456789", "123456789元"),
        ("0", "0元"),
    ],
)
def test_format_cny_uses_the_largest_clean_unit(value: str, expected: str) -> None:
    assert format_cny(Decimal(value)) == expected


def test_format_then_parse_round_trips() -> None:
    for value in ("10200000000", "30000000", "1234.5", "620000000"):
        assert parse_cny(format_cny(Decimal(value))) == Decimal(value)
