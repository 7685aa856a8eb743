"""INSERT … ON CONFLICT DO NOTHING on both databases."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.intel.models import IntelFullKey
from biopark.kit.inserts import insert_new
from tests.builders import make_park


def test_rows_whose_key_is_stored_are_skipped_and_the_stored_row_stands(session: Session) -> None:
    park = make_park(session)
    session.execute(
        insert_new(session, IntelFullKey), [{"park_id": park.id, "key": 1, "members": b"a"}]
    )
    session.execute(
        insert_new(session, IntelFullKey),
        [
            {"park_id": park.id, "key": 1, "members": b"b"},
            {"park_id": park.id, "key": 2, "members": b"c"},
        ],
    )
    rows = session.execute(
        select(IntelFullKey.key, IntelFullKey.members).where(IntelFullKey.park_id == park.id)
    ).all()
    assert sorted(rows) == [(1, b"a"), (2, b"c")]
