"""News-vs-ledger reconciliation: pure comparison of a reported figure with the ledger.

An article's figure carries its precision: "102亿元" is a number rounded to
1亿, "38.33亿元" to 0.01亿, "超100亿元" a lower bound. A ledger value matches
when it is what the writer would have printed, given that rounding or bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

# Ledger quantities the investment ledger can answer, and the words that name them.
LEDGER_KEYS: dict[str, tuple[str, ...]] = {
    "funds_in_place": ("到位资金", "到位"),
    "agreed_investment": ("协议投资", "签约金额", "签约投资", "协议金额"),
    "signed_projects": ("签约入库项目", "签约入库", "入库项目", "签约项目"),
}
KEY_UNITS = {"funds_in_place": "CNY", "agreed_investment": "CNY", "signed_projects": "count"}
KEY_LABELS = {
    "funds_in_place": "到位资金",
    "agreed_investment": "协议投资额",
    "signed_projects": "签约入库项目",
}


class Status(StrEnum):
    match = "match"
    mismatch = "mismatch"
    not_comparable = "not_comparable"


@dataclass(frozen=True)
class Reported:
    """A figure as an article reported it."""

    label: str
    value: Decimal
    unit: str
    qualifier: str  # exact | approx | over | under
    period: str | None  # "YYYY-MM/YYYY-MM" or "YYYY"
    forecast: bool


@dataclass(frozen=True)
class Finding:
    status: Status
    key: str | None
    ledger_value: Decimal | None
    reason: str


def ledger_key(label: str, unit: str) -> str | None:
    """Which ledger quantity a reported label names, if any."""
    for key, words in LEDGER_KEYS.items():
        if KEY_UNITS[key] == unit and any(w in label for w in words):
            return key
    return None


def parse_period(period: str | None) -> tuple[int, int, int] | None:
    """(year, first month, last month) of "YYYY", "YYYY-MM" or "YYYY-MM/YYYY-MM" within one year."""
    if not period:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:/(\d{4})-(\d{2}))?", period)
    if not m:
        return None
    year = int(m.group(1))
    if m.group(3) and int(m.group(3)) != year:
        return None
    first = int(m.group(2)) if m.group(2) else 1
    last = int(m.group(4)) if m.group(4) else (first if m.group(2) else 12)
    return year, first, last


def precision_of(value: Decimal, unit: str) -> Decimal:
    """Half the step of the last digit the writer printed (in yuan for money)."""
    if unit != "CNY":
        return Decimal("0.5") if value == value.to_integral_value() else Decimal("0.005")
    for scale in (Decimal("100000000"), Decimal("10000")):
        if value >= scale:
            scaled = (value / scale).normalize()
            exponent = scaled.as_tuple().exponent
            digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
            return scale * Decimal(5) / Decimal(10) ** (digits + 1)
    return Decimal("0.5")


def compare(reported: Reported, ledger_value: Decimal | None, key: str | None) -> Finding:
    """Compare one reported figure with the ledger's value for the same quantity and period."""
    if key is None:
        return Finding(Status.not_comparable, None, None, "台账中没有对应指标")
    if ledger_value is None:
        return Finding(Status.not_comparable, key, None, "期间无法与台账对应")
    tol = precision_of(reported.value, reported.unit)
    value = reported.value
    if reported.qualifier == "over":
        ok = ledger_value >= value - tol
        rule = "不少于"
    elif reported.qualifier == "under":
        ok = ledger_value <= value + tol
        rule = "不超过"
    elif reported.qualifier == "approx":
        ok = abs(ledger_value - value) <= max(tol, value * Decimal("0.05"))
        rule = "约等于"
    else:
        ok = abs(ledger_value - value) <= tol
        rule = "等于"
    reason = f"报道{rule} {value}，台账为 {ledger_value}"
    return Finding(Status.match if ok else Status.mismatch, key, ledger_value, reason)
