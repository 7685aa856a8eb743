"""Pages count their rows, or stop counting a broad result past a limit and say so."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.enterprises.models import Enterprise
from biopark.kit.pagination import paginate
from biopark.parks.models import Park
from tests.builders import make_enterprise, make_park, make_user, page_login


def _fill(session: Session, n: int) -> tuple[Park, Select[tuple[Enterprise]]]:
    park = make_park(session)
    for _ in range(n):
        make_enterprise(session, park)
    return park, select(Enterprise).where(Enterprise.park_id == park.id).order_by(Enterprise.id)


def test_exact_count_unless_a_limit_is_given(session: Session) -> None:
    _, stmt = _fill(session, 25)
    whole = paginate(session, stmt, page=2, size=10)
    assert (whole.total, whole.pages, whole.more, len(whole.items)) == (25, 3, False, 10)

    capped = paginate(session, stmt, page=1, size=5, count_up_to=10)
    assert (capped.total, capped.pages, capped.more, len(capped.items)) == (10, 2, True, 5)
    # The limit counts from the page's first row: the pager always sees what follows.
    later = paginate(session, stmt, page=3, size=5, count_up_to=10)
    assert (later.total, later.more) == (20, True)
    last = paginate(session, stmt, page=4, size=5, count_up_to=10)
    assert (last.total, last.pages, last.more, len(last.items)) == (25, 5, False, 5)
    # Fewer rows than the limit: the exact count.
    assert paginate(session, stmt, page=1, size=5, count_up_to=100).total == 25


def test_a_list_page_says_more_and_still_offers_the_next_page(client, session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("biopark.enterprises.pages.PAGE_COUNT_LIMIT", 35)
    park, _ = _fill(session, 70)
    page_login(client, make_user(session, park, role=Role.admin))
    html = client.get("/enterprises").text
    assert "共 35+ 条" in html
    assert "1 / 2+" in html and "page=2" in html
    html = client.get("/enterprises?page=3").text
    assert "共 70 条" in html and "3 / 3" in html and "page=4" not in html
