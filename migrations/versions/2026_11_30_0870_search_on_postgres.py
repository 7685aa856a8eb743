"""full-text search and trigram list filters on PostgreSQL

Revision ID: 0870
Revises: 0720
Create Date: 2026-11-30 00:30:00

PostgreSQL only: SQLite keeps the tantivy folder and LIKE filters, so nothing
changes there. The tsvector column is filled by `biopark intel reindex` (it
needs rjieba's segmentation); until then documents are found with LIKE.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0870"
down_revision: str | Sequence[str] | None = "0830"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index name, table, column) of the free-text list filters.
TRIGRAM = [
    ("ix_investment_project_name_trgm", "investment_project", "name"),
    ("ix_investment_project_company_trgm", "investment_project", "company"),
    ("ix_investment_lead_company_trgm", "investment_lead", "company"),
    ("ix_investment_lead_contact_name_trgm", "investment_lead", "contact_name"),
    ("ix_enterprise_name_trgm", "enterprise", "name"),
    ("ix_enterprise_short_name_trgm", "enterprise", "short_name"),
    ("ix_enterprise_credit_code_trgm", "enterprise", "credit_code"),
    ("ix_service_request_title_trgm", "service_request", "title"),
]


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _postgres():
        return
    op.execute("ALTER TABLE intel_document ADD COLUMN search_vector tsvector")
    op.execute(
        "CREATE INDEX ix_intel_document_search_vector ON intel_document USING gin (search_vector)"
    )
    # Nothing is in the new index yet: the LIKE fallback covers these until a reindex.
    op.execute("UPDATE intel_document SET indexed_at = NULL")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM:
        op.execute(f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    if not _postgres():
        return
    for name, _table, _column in TRIGRAM:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("DROP INDEX IF EXISTS ix_intel_document_search_vector")
    op.execute("ALTER TABLE intel_document DROP COLUMN IF EXISTS search_vector")
