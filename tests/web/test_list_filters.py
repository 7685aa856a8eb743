"""Free-text list filters: LIKE on SQLite, backed by pg_trgm GIN indexes on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.enterprises import service as enterprises
from biopark.investment.projects import ProjectFilter, list_projects
from tests.builders import make_enterprise, make_park, make_user
from tests.investment.builders import make_project
from tests.pipeline.builders import make_member

TRIGRAM = {
    "ix_investment_project_name_trgm",
    "ix_investment_project_company_trgm",
    "ix_investment_lead_company_trgm",
    "ix_investment_lead_contact_name_trgm",
    "ix_enterprise_name_trgm",
    "ix_enterprise_short_name_trgm",
    "ix_enterprise_credit_code_trgm",
    "ix_service_request_title_trgm",
}


def test_text_filters_find_inner_words(session: Session) -> None:
    park = make_park(session)
    admin = make_user(session, park, Role.admin)
    make_enterprise(session, park, name="重庆澄江抗体药业有限公司")
    make_enterprise(session, park, name="重庆青岚器械有限公司")
    found = enterprises.list_enterprises(session, user=admin, q="抗体药业")
    assert [e.name for e in found.items] == ["重庆澄江抗体药业有限公司"]
    owner = make_member(session, park, Role.investment_officer)
    make_project(session, owner, name="双抗平台产业化项目")
    make_project(session, owner, name="医疗器械总部项目")
    projects = list_projects(session, user=owner, flt=ProjectFilter(q="产业化"))
    assert [p.name for p in projects.items] == ["双抗平台产业化项目"]


def test_postgres_filters_use_the_trigram_indexes(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("pg_trgm indexes exist on PostgreSQL only; SQLite keeps LIKE")
    names = set(
        session.scalars(text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_trgm'"))
    )
    assert names >= TRIGRAM
    session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        session.scalars(text("EXPLAIN SELECT id FROM enterprise WHERE name ILIKE '%抗体药业%'"))
    )
    assert "ix_enterprise_name_trgm" in plan
