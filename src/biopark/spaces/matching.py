"""Which available spaces fit a lead's need: pure functions, no session."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from biopark.spaces.models import M2_PER_MU, Availability, Space, SpaceKind, SpaceNeed

# The reasons shown to the officer (Chinese source text, English in pages.py).
REASONS = ("类型符合", "GMP符合", "面积符合", "租金在预算内", "售价在预算内")


@dataclass
class Match:
    """A space that fits, with a 0–100 closeness score and the reasons shown to the officer."""

    space: Space
    score: int
    reasons: list[str] = field(default_factory=list)


def area_range(
    need: SpaceNeed | None, land_mu: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    """The wanted area in m²: the need's range, else ±30% around the lead's intended land."""
    if need is not None and (need.area_min_m2 is not None or need.area_max_m2 is not None):
        return need.area_min_m2, need.area_max_m2
    if land_mu:
        centre = land_mu * M2_PER_MU
        return centre * Decimal("0.7"), centre * Decimal("1.3")
    return None, None


def fit(space: Space, need: SpaceNeed | None, land_mu: Decimal | None = None) -> Match | None:
    """The match of one space to a need, or None when any hard condition fails."""
    if space.status != Availability.available or space.kind not in (
        SpaceKind.unit,
        SpaceKind.lab,
        SpaceKind.land,
    ):
        return None
    reasons: list[str] = []
    score = 100
    kind = need.kind if need is not None else (SpaceKind.land if land_mu else None)
    if kind is not None:
        if space.kind != kind:
            return None
        reasons.append("类型符合")
    if need is not None and need.gmp_required:
        if not space.is_gmp:
            return None
        reasons.append("GMP符合")
    low, high = area_range(need, land_mu)
    area = space.area_m2
    if low is not None or high is not None:
        if area is None:
            return None
        if (low is not None and area < low) or (high is not None and area > high):
            return None
        if low is not None and high is not None and high > 0:
            # Closer to the middle of the range scores higher.
            middle = (low + high) / 2
            score -= int(min(Decimal(40), abs(area - middle) / high * 100))
        reasons.append("面积符合")
    if need is not None and need.max_rent_per_m2_day is not None:
        if space.rent_per_m2_day is None or space.rent_per_m2_day > need.max_rent_per_m2_day:
            if need.max_sale_price is None:
                return None
        else:
            reasons.append("租金在预算内")
            score -= int(space.rent_per_m2_day / need.max_rent_per_m2_day * 10)
    if need is not None and need.max_sale_price is not None and "租金在预算内" not in reasons:
        if space.sale_price is None or space.sale_price > need.max_sale_price:
            return None
        reasons.append("售价在预算内")
    return Match(space=space, score=max(score, 0), reasons=reasons)


def rank(
    spaces: list[Space], need: SpaceNeed | None, land_mu: Decimal | None = None
) -> list[Match]:
    """The spaces that fit, best first."""
    found = [m for s in spaces if (m := fit(s, need, land_mu)) is not None]
    return sorted(found, key=lambda m: (-m.score, m.space.id))
