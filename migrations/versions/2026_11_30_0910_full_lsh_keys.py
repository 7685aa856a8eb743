"""intel: full LSH keys keep their documents in one row

Revision ID: 0910
Revises: 0900
Create Date: 2026-12-01 10:00:00

A key that holds BAND_CAP documents of a park takes no more, so its members never
change. A batch reads them in one row instead of one band-index entry each. Keys
already full are recorded here from the band index; later ones as they fill.
"""

from collections.abc import Iterator, Sequence
from itertools import groupby

import numpy as np
import sqlalchemy as sa
from alembic import op

revision: str = "0910"
down_revision: str | Sequence[str] | None = "0900"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# reposts.BAND_CAP at this revision: a key holds at most this many documents of a park.
BAND_CAP = 12
ROWS_PER_INSERT = 5000


def upgrade() -> None:
    op.create_table(
        "intel_full_key",
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("members", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["park.id"],
            name=op.f("fk_intel_full_key_park_id_park"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("park_id", "key", name=op.f("pk_intel_full_key")),
    )
    table = sa.table(
        "intel_full_key",
        sa.column("park_id", sa.Integer),
        sa.column("key", sa.BigInteger),
        sa.column("members", sa.LargeBinary),
    )
    batch: list[dict[str, object]] = []
    for park_id, key, ids in _full_keys():
        batch.append({"park_id": park_id, "key": key, "members": np.asarray(ids, "<i8").tobytes()})
        if len(batch) >= ROWS_PER_INSERT:
            op.bulk_insert(table, batch)
            batch = []
    if batch:
        op.bulk_insert(table, batch)


def _full_keys() -> Iterator[tuple[int, int, list[int]]]:
    """(park, key, document ids) of every key that holds BAND_CAP documents of a park.

    Read in the order of the band index (key, document), so nothing is sorted.
    """
    rows = op.get_bind().execute(
        sa.text(
            "SELECT b.key, b.document_id, s.park_id FROM intel_document_band b"
            " JOIN intel_document_signature s ON s.document_id = b.document_id"
            " ORDER BY b.key, b.document_id"
        ).execution_options(yield_per=10_000)
    )
    for key, group in groupby(rows, key=lambda r: r[0]):
        by_park: dict[int, list[int]] = {}
        for _, doc_id, park_id in group:
            by_park.setdefault(park_id, []).append(doc_id)
        for park_id, ids in sorted(by_park.items()):
            if len(ids) >= BAND_CAP:
                yield park_id, key, ids


def downgrade() -> None:
    op.drop_table("intel_full_key")
