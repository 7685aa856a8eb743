"""Year-on-year (同比) and period-on-period (环比) comparisons of the dashboard's headline figures.

A period of n months (within one year) is set against
- the same months of the year before (同比), and
- the n months just before it (环比; for a single month, the month before), which may
  reach into the previous year.
Figures that only exist as a snapshot of today (pipeline counts, chain gaps) have no
history and are not compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from biopark.investment import service as investment
from biopark.investment.schemas import YearStats
from biopark.kit.dates import SHANGHAI

_ONE_DECIMAL = Decimal("0.1")
MONTHS_EN = (
    "",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


@dataclass(frozen=True)
class Window:
    """Consecutive months (year, month), possibly across a year boundary."""

    months: tuple[tuple[int, int], ...]

    @property
    def start(self) -> date:
        y, m = self.months[0]
        return date(y, m, 1)

    @property
    def end_exclusive(self) -> date:
        y, m = self.months[-1]
        return date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)

    @property
    def label(self) -> str:
        (y0, m0), (y1, m1) = self.months[0], self.months[-1]
        if (y0, m0) == (y1, m1):
            return f"{y0}年{m0}月"
        if y0 == y1:
            return f"{y0}年{m0}—{m1}月"
        return f"{y0}年{m0}月—{y1}年{m1}月"

    @property
    def label_en(self) -> str:
        (y0, m0), (y1, m1) = self.months[0], self.months[-1]
        if (y0, m0) == (y1, m1):
            return f"{MONTHS_EN[m0]} {y0}"
        if y0 == y1:
            return f"{MONTHS_EN[m0]}-{MONTHS_EN[m1]} {y0}"
        return f"{MONTHS_EN[m0]} {y0}-{MONTHS_EN[m1]} {y1}"

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes (Shanghai midnight)."""
        return (
            datetime.combine(self.start, time(), SHANGHAI),
            datetime.combine(self.end_exclusive, time(), SHANGHAI),
        )


def window(year: int, month_from: int, month_to: int) -> Window:
    """The months month_from..month_to of year."""
    return Window(tuple((year, m) for m in range(month_from, month_to + 1)))


def shift(w: Window, months: int) -> Window:
    """The window moved by a number of months (negative: earlier)."""
    out = []
    for y, m in w.months:
        index = y * 12 + (m - 1) + months
        out.append((index // 12, index % 12 + 1))
    return Window(tuple(out))


def previous_period(w: Window) -> Window:
    """The window of the same length just before (环比)."""
    return shift(w, -len(w.months))


def last_year(w: Window) -> Window:
    """The same months one year earlier (同比)."""
    return shift(w, -12)


@dataclass(frozen=True)
class Change:
    """A figure against an earlier one: the difference and the change in % (None when the
    earlier figure is zero or missing: a rise from nothing has no percentage)."""

    current: Decimal | None
    previous: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def pct(self) -> Decimal | None:
        if self.current is None or self.previous is None or self.previous == 0:
            return None
        return ((self.current - self.previous) * 100 / abs(self.previous)).quantize(
            _ONE_DECIMAL, ROUND_HALF_UP
        )

    @property
    def direction(self) -> str:
        """ "up", "down", "flat" or "" (nothing to compare)."""
        d = self.delta
        if d is None:
            return ""
        return "up" if d > 0 else "down" if d < 0 else "flat"


@dataclass(frozen=True)
class WindowFigures:
    """The ledger's figures over a window."""

    signed_projects: int
    agreed_investment: Decimal
    funds_in_place: Decimal


class LedgerReader:
    """Reads window figures from investment.year_stats, one query set per year."""

    def __init__(self, session: Session, *, park_id: int) -> None:
        self.session = session
        self.park_id = park_id
        self._years: dict[int, YearStats] = {}

    def year(self, year: int) -> YearStats:
        if year not in self._years:
            self._years[year] = investment.year_stats(
                self.session, park_id=self.park_id, year=year, month_to=12
            )
        return self._years[year]

    def has_data(self, year: int) -> bool:
        """Whether the ledger holds anything for the year (a year before the ledger began
        has no figures to compare with, which is not the same as a year of zeros)."""
        return any(
            row.signed_projects or row.agreed_investment or row.funds_in_place
            for row in self.year(year).months
        )

    def figures(self, w: Window, *, require_data: bool = True) -> WindowFigures | None:
        """Signed projects, agreed investment and funds in place over the window; None when
        a year of the window has no ledger data at all (unless not `require_data`)."""
        if require_data and not all(self.has_data(y) for y in {y for y, _ in w.months}):
            return None
        signed, agreed, funds = 0, Decimal(0), Decimal(0)
        for y, m in w.months:
            for row in self.year(y).months:
                if row.month == m:
                    signed += row.signed_projects
                    agreed += row.agreed_investment
                    funds += row.funds_in_place
        return WindowFigures(signed, agreed, funds)


def dec(value: int | Decimal | None) -> Decimal | None:
    """A figure as Decimal (None stays None)."""
    return None if value is None else Decimal(value)
