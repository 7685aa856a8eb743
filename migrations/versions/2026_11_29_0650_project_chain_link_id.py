"""investment projects keep their chain link by id

Revision ID: 0650
Revises: 0630
Create Date: 2026-11-29 21:45:00

Projects were matched to links by the text typed on them, so renaming a link lost
its projects. The new column holds the link's id; existing rows are backfilled by
the same text rule the chain map used, and rows whose text names no link keep a
NULL id (the text stays as the fallback).
"""

from collections.abc import Sequence
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

from biopark.chain.service import leaves_first, link_for_text

revision: str = "0650"
down_revision: str | Sequence[str] | None = "0630"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("investment_project") as batch:
        batch.add_column(sa.Column("chain_link_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_investment_project_chain_link_id_chain_link",
            "chain_link",
            ["chain_link_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_investment_project_chain_link_id", ["chain_link_id"], unique=False)
    _backfill()


def _backfill() -> None:
    conn = op.get_bind()
    links_by_park: dict[int, list[SimpleNamespace]] = {}
    rows = conn.execute(
        sa.text("SELECT id, park_id, code, parent_code, name, position FROM chain_link")
    )
    for row in rows:
        links_by_park.setdefault(row.park_id, []).append(
            SimpleNamespace(
                id=row.id,
                code=row.code,
                parent_code=row.parent_code,
                name=row.name,
                position=row.position,
            )
        )
    # Leaves first, as on the chain map, so that ties go to the more specific link.
    ordered = {park: leaves_first(links) for park, links in links_by_park.items()}
    projects = conn.execute(
        sa.text("SELECT id, park_id, chain_link, chain FROM investment_project")
    ).all()
    for project in projects:
        links = ordered.get(project.park_id, [])
        found = link_for_text(links, project.chain_link) or link_for_text(
            links,
            project.chain,
        )
        if found is not None:
            conn.execute(
                sa.text("UPDATE investment_project SET chain_link_id = :link WHERE id = :id"),
                {"link": found.id, "id": project.id},
            )


def downgrade() -> None:
    with op.batch_alter_table("investment_project") as batch:
        batch.drop_index("ix_investment_project_chain_link_id")
        batch.drop_constraint("fk_investment_project_chain_link_id_chain_link", type_="foreignkey")
        batch.drop_column("chain_link_id")
