"""Occupancy and vacancy figures, the dashboard panel function and its template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from biopark.kit.dates import SHANGHAI
from biopark.spaces import stats
from biopark.spaces.models import Availability, SpaceKind, SpaceVisit
from biopark.web.templating import templates
from tests.builders import make_park
from tests.spaces.builders import make_lead, make_space


@dataclass
class Span:
    start: date
    end: date


def test_panel_is_none_for_a_park_without_space(session: Session) -> None:
    park = make_park(session)
    assert stats.dashboard_panel(session, park_id=park.id, period=None) is None


def test_panel_figures(session: Session) -> None:
    park = make_park(session)
    make_space(session, park, area_m2=Decimal(3000), status=Availability.occupied)
    make_space(session, park, area_m2=Decimal(1000), status=Availability.reserved)
    free = make_space(session, park, area_m2=Decimal(2000))
    make_space(session, park, kind=SpaceKind.lab, area_m2=Decimal(2000))
    make_space(session, park, kind=SpaceKind.land, area_m2=Decimal(200000), land_mu=Decimal(300))
    make_space(
        session,
        park,
        kind=SpaceKind.land,
        area_m2=Decimal(53333),
        land_mu=Decimal(80),
        status=Availability.occupied,
    )
    make_space(session, make_park(session), area_m2=Decimal(99999))
    lead = make_lead(session, park)
    at = datetime(2026, 3, 10, 10, tzinfo=SHANGHAI)
    session.add(
        SpaceVisit(
            park_id=park.id,
            space_id=free.id,
            starts_at=at,
            slot_start=at,
            lead_id=lead.id,
            visitor="x",
        )
    )
    session.flush()
    panel = stats.dashboard_panel(
        session, park_id=park.id, period=Span(date(2026, 3, 1), date(2026, 3, 31))
    )
    assert panel is not None
    assert panel["floor_total_m2"] == Decimal(8000)
    assert panel["occupancy_rate"] == Decimal("37.5")
    assert panel["vacancy_rate"] == Decimal("50.0")
    assert panel["lab_vacancy_rate"] == Decimal("100.0")
    assert panel["land_available_mu"] == Decimal(300) and panel["land_total_mu"] == Decimal(380)
    assert panel["visits"] == 1
    later = stats.dashboard_panel(
        session, park_id=park.id, period=Span(date(2026, 4, 1), date(2026, 4, 30))
    )
    assert later is not None and later["visits"] == 0

    for lang, expect in (("zh", "空置率"), ("en", "Vacancy")):
        from biopark.web.i18n import translate

        html = (
            templates()
            .env.get_template("spaces/dashboard_panel.html")
            .render(panel=panel, lang=lang, _=lambda t, lang=lang: translate(t, lang))
        )
        assert expect in html and "37.5%" in html and "300" in html
        assert "E+" not in html and "e+" not in html
