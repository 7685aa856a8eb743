"""`biopark spaces ...` and `biopark events ...` on a fresh SQLite database with the demo park."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from biopark import db, migrate
from biopark.demo.service import load_demo
from biopark.events.cli import app as events_app
from biopark.events.models import Event, EventLead, Registration
from biopark.spaces import stats
from biopark.spaces.cli import app as spaces_app
from biopark.spaces.models import Space, SpaceNeed, SpaceVisit


def _clear_caches() -> None:
    db.forget()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    var = tmp_path_factory.mktemp("spaces-cli")
    url = f"sqlite:///{var}/cli.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BIOPARK_VAR_DIR", str(var))
        mp.setenv("BIOPARK_DATABASE_URL", url)
        _clear_caches()
        migrate.upgrade(url)
        with db.session_scope() as session:
            load_demo(session, password="cli-pass-123")
        yield var
        db.get_engine().dispose()
        _clear_caches()
    _clear_caches()


def _counts() -> tuple[int, ...]:
    with db.session_scope() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(m)) or 0
            for m in (Space, SpaceNeed, SpaceVisit, Event, Registration, EventLead)
        )


def test_demo_is_idempotent_and_has_the_bio_city_space(demo_db: Path) -> None:
    before = _counts()
    with db.session_scope() as session:
        load_demo(session, password="cli-pass-123")
    assert _counts() == before
    with db.session_scope() as session:
        parcel = session.scalar(select(Space).where(Space.name == "生物城西区A3地块"))
        assert parcel is not None and parcel.land_mu == 300
        centre = session.scalar(select(Space).where(Space.name == "生物城创新中心"))
        assert centre is not None and centre.area_m2 == 100000
        panel = stats.dashboard_panel(session, park_id=parcel.park_id, period=None)
        assert panel is not None and panel["occupancy_rate"] is not None


def test_cli_commands(demo_db: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(spaces_app, ["occupancy"])
    assert out.exit_code == 0, out.output
    assert "出租率" in out.output and "亩" in out.output
    out = runner.invoke(spaces_app, ["list", "--available"])
    assert out.exit_code == 0 and "GMP中试车间" in out.output and "渝康" not in out.output
    out = runner.invoke(events_app, ["results"])
    assert out.exit_code == 0, out.output
    assert "亿元" in out.output
    out = runner.invoke(events_app, ["list"])
    assert out.exit_code == 0 and "/signup/" in out.output
    assert runner.invoke(spaces_app, ["occupancy", "--park", "nope"]).exit_code == 1
