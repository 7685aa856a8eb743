"""Migration 0650 backfills each project's chain_link_id from the text it was matched by."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from biopark import migrate
from biopark.db import make_engine
from biopark.kit.models import utcnow


def test_backfill_matches_the_text_rule(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, "0400")
    now = utcnow()
    engine = create_engine(url)
    with engine.begin() as conn:
        stamp = {"now": now}
        conn.execute(
            text(
                "INSERT INTO park (id, code, name, created_at, updated_at) "
                "VALUES (1, 'p', '园区', :now, :now)"
            ),
            stamp,
        )
        conn.execute(
            text(
                "INSERT INTO chain_map (id, park_id, name, version, created_at, updated_at) "
                "VALUES (1, 1, '链', 1, :now, :now)"
            ),
            stamp,
        )
        for link_id, code, parent, name in (
            (1, "mid", None, "中游"),
            (2, "biologics", "mid", "生物药"),
            (3, "antibody", "biologics", "抗体与ADC"),
        ):
            conn.execute(
                text(
                    "INSERT INTO chain_link (id, park_id, map_id, code, parent_code, name, stream,"
                    " needs, needs_leader, min_enterprises, modalities, position, created_at,"
                    " updated_at) VALUES (:id, 1, 1, :code, :parent, :name, 'mid', '[]', 0, 1,"
                    " '[]', :id, :now, :now)"
                ),
                {"id": link_id, "code": code, "parent": parent, "name": name, **stamp},
            )
        for pid, link_text, chain_text in (
            (1, "抗体药物", None),
            (2, None, "生物药"),
            (3, "元宇宙", None),
        ):
            conn.execute(
                text(
                    "INSERT INTO investment_project (id, park_id, name, stage, chain_link, chain,"
                    " is_demo, created_at, updated_at) VALUES (:id, 1, :name, 'negotiating',"
                    " :link, :chain, 0, :now, :now)"
                ),
                {"id": pid, "name": f"项目{pid}", "link": link_text, "chain": chain_text, **stamp},
            )
    engine.dispose()
    migrate.upgrade(url)
    eng = make_engine(url)
    with eng.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, chain_link_id FROM investment_project")).all())
    eng.dispose()
    assert rows == {1: 3, 2: 2, 3: None}
