"""The history renderer: money, enums, ids, None, dates and unknown fields in both languages."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.audit import describe
from biopark.audit import service as audit
from biopark.audit.models import AuditEntry
from tests.builders import make_enterprise, make_park
from tests.pipeline.builders import make_member

AT = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 07:30 on 2 March in Beijing


def _entry(session: Session, park_id: int, actor, **kw) -> AuditEntry:  # type: ignore[no-untyped-def]
    entry = audit.record(
        session,
        actor=actor,
        park_id=park_id,
        action=kw.pop("action", "update"),
        entity_type=kw.pop("entity_type", "investment_project"),
        entity_id=kw.pop("entity_id", None),
        changes=kw.pop("changes"),
    )
    entry.at = AT
    session.flush()
    return entry


def test_money_enum_and_none_read_as_a_sentence(session: Session) -> None:
    park = make_park(session)
    wang = make_member(session, park, Role.leader)
    wang.display_name = "王主任"
    entry = _entry(
        session,
        park.id,
        wang,
        changes={"agreed_investment": [None, "350000000.00"], "stage": ["洽谈", "签约"]},
    )
    zh = describe.describe([entry], "zh", session)[0]
    assert zh.text == "王主任 将协议投资额从 — 改为 3.5亿元，将阶段从 洽谈 改为 签约"
    assert zh.when == "2026-03-02 07:30"
    en = describe.describe([entry], "en", session)[0]
    assert en.text == (
        "王主任 changed agreed investment from — to 350 million yuan; "
        "stage from negotiating to signed"
    )


def test_ids_become_names_in_one_lookup(session: Session) -> None:
    park = make_park(session)
    officer = make_member(session, park, Role.investment_officer)
    officer.display_name = "李专员"
    ent = make_enterprise(session, park, name="重庆甲生物有限公司")
    entry = _entry(
        session,
        park.id,
        None,
        changes={"owner_id": [None, officer.id], "enterprise_id": [ent.id, 999999]},
    )
    zh = describe.describe([entry], "zh", session)[0].text
    assert zh == "系统 将负责人从 — 改为 李专员，将落地企业从 重庆甲生物有限公司 改为 （已删除）"
    en = describe.describe([entry], "en", session)[0].text
    assert en.startswith("System changed owner from — to 李专员;")
    assert "(deleted)" in en


def test_other_actions_list_their_facts_and_skip_empty_ones(session: Session) -> None:
    park = make_park(session)
    entry = _entry(
        session,
        park.id,
        None,
        action="stage",
        changes={"stage": ["洽谈", "签约"], "reason": None, "effective_on": "2026-03-02"},
    )
    zh = describe.describe([entry], "zh", session)[0].text
    assert zh == "系统 变更了项目阶段：阶段：洽谈 → 签约；生效日期：2026-03-02"
    en = describe.describe([entry], "en", session)[0].text
    assert en.startswith("System moved the project's stage: stage: negotiating → signed; ")
    assert en.endswith(": 2026-03-02") and "None" not in en


def test_unknown_fields_dicts_and_instants_never_leak(session: Session) -> None:
    park = make_park(session)
    entry = _entry(
        session,
        park.id,
        None,
        entity_type="policy",
        changes={
            "conditions": [{"field": "tags", "op": "has"}, {"field": "tags", "op": "any"}],
            "mystery_code_id": [1, 2],
            "auto_grant": [False, True],
        },
    )
    text = describe.describe([entry], "zh", session)[0].text
    assert "{" not in text and "_id" not in text and "None" not in text
    assert "免申即享从 否 改为 是" in text
    instant = describe.format_value("2026-03-01 23:30:00+00:00", describe.TEXT, "zh")
    assert instant == "2026-03-02 07:30"


def test_money_in_english() -> None:
    assert describe.money_en(Decimal("350000000")) == "350 million yuan"
    assert describe.money_en(Decimal("10200000000")) == "10.2 billion yuan"
    assert describe.money_en(Decimal("50000")) == "50,000 yuan"
    assert describe.format_value(None, describe.MONEY, "en") == "—"


def test_every_audited_field_has_a_label() -> None:
    # Fields written by services must not fall back to a column-derived word.
    for entity_type in (
        "investment_project",
        "investment_lead",
        "enterprise",
        "service_request",
        "coord_task",
        "policy",
        "drug",
        "chain_link",
    ):
        ent = describe.entity(entity_type)
        assert ent is not describe.entity("no_such_type"), entity_type
        assert all("_" not in label for label in ent.labels.values())
