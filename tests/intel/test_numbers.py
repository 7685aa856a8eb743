from decimal import Decimal

import pytest

from biopark.intel.numbers import parse_english, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("102", "102"),
        ("38.33亿", "3833000000"),
        ("3,000", "3000"),
        ("3千万", "30000000"),
        ("一千二百万", "12000000"),
        ("两百", "200"),
        ("十", "10"),
    ],
)
def test_parse_number(text: str, expected: str) -> None:
    assert parse_number(text=text) == Decimal(expected)


def test_parse_english_scales() -> None:
    assert parse_english(number="1.2", scale="billion") == Decimal("1200000000")
    assert parse_english(number="712", scale="million") == Decimal("712000000")
    assert parse_english(number="3.8", scale="bn") == Decimal("3800000000")


@pytest.mark.parametrize("text", ["", "abc", "亿", "1.2.3"])
def test_parse_number_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text=text)
