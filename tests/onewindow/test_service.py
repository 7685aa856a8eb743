"""一窗综办 service: reuse of materials on file, parallel parts, refusals that write nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.audit import chain
from biopark.audit.models import AuditEntry
from biopark.errors import Conflict, Forbidden, ValidationFailed
from biopark.notify.models import Notice
from biopark.onewindow import catalogue, service
from biopark.onewindow.files import Upload
from biopark.onewindow.models import (
    MaterialKind,
    OnFileDocument,
    PartStatus,
    Submission,
)
from biopark.onewindow.schemas import ItemCreate, MaterialIn
from tests.builders import make_park, make_user
from tests.onewindow.builders import LICENCE, NAME, PDF, department_user, make_item, two_departments

MB = 1024 * 1024


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_status_derives_from_the_parts() -> None:
    P = PartStatus
    assert service.derive_status([P.received, P.received]) == P.received
    assert service.derive_status([P.approved, P.received]) == P.processing
    assert service.derive_status([P.approved, P.approved]) == P.approved
    assert service.derive_status([P.approved, P.returned]) == P.returned
    assert service.derive_status([P.returned, P.rejected]) == P.rejected


def test_zero_material_item_goes_to_every_department_in_parallel(
    session: Session, tmp_path: Path, empty_chain: None
) -> None:
    park = make_park(session)
    d1, d2 = two_departments(session, park)
    u1, u2 = department_user(session, park, d1), department_user(session, park, d2)
    ent = make_user(session, park, Role.enterprise)
    item = make_item(session, park, [d1, d2])
    before = _count(session, AuditEntry)
    sub = service.submit(session, user=ent, item_id=item.id, var_dir=tmp_path, max_bytes=MB)
    assert sub.status == PartStatus.received
    assert sorted(p.department_id for p in sub.parts) == sorted([d1.id, d2.id])
    assert all(m["reused"] for m in sub.materials)
    assert _count(session, AuditEntry) == before + 3  # the submission and two parts
    assert chain.verify(session).ok
    notices = session.scalars(select(Notice.user_id).where(Notice.kind == "onewindow_submitted"))
    assert set(notices) == {u1.id, u2.id}

    service.act(session, user=u1, part_id=sub.parts[0].id, action="start")
    assert sub.status == PartStatus.processing
    service.act(session, user=u1, part_id=sub.parts[0].id, action="approve")
    assert sub.status == PartStatus.processing
    service.act(session, user=u2, part_id=sub.parts[1].id, action="approve", note="同意")
    assert sub.status == PartStatus.approved and sub.closed_at is not None
    assert session.scalar(
        select(func.count()).select_from(Notice).where(Notice.kind == "onewindow_status")
    )
    assert chain.verify(session).ok


def test_wrong_transitions_are_refused_and_write_nothing(session: Session, tmp_path: Path) -> None:
    park = make_park(session)
    d1, d2 = two_departments(session, park)
    u1 = department_user(session, park, d1)
    ent = make_user(session, park, Role.enterprise)
    item = make_item(session, park, [d1, d2])
    sub = service.submit(session, user=ent, item_id=item.id, var_dir=tmp_path, max_bytes=MB)
    mine, theirs = sub.parts
    service.act(session, user=u1, part_id=mine.id, action="approve")
    entries = _count(session, AuditEntry)
    with pytest.raises(Conflict, match="已办结"):
        service.act(session, user=u1, part_id=mine.id, action="approve")
    with pytest.raises(Forbidden, match="本部门"):
        service.act(session, user=u1, part_id=theirs.id, action="approve")
    with pytest.raises(Forbidden):
        service.act(session, user=ent, part_id=theirs.id, action="approve")
    u2 = department_user(session, park, d2)
    entries = _count(session, AuditEntry)
    with pytest.raises(ValidationFailed, match="理由"):
        service.act(session, user=u2, part_id=theirs.id, action="return", note=" ")
    with pytest.raises(ValidationFailed):
        service.act(session, user=u2, part_id=theirs.id, action="delete")
    with pytest.raises(Conflict, match="重复提交"):
        service.submit(session, user=ent, item_id=item.id, var_dir=tmp_path, max_bytes=MB)
    with pytest.raises(Conflict, match="退回补正"):
        service.resubmit(session, user=ent, submission_id=sub.id, var_dir=tmp_path, max_bytes=MB)
    assert _count(session, AuditEntry) == entries
    assert theirs.status == PartStatus.received and sub.status == PartStatus.processing


def test_return_for_correction_and_resubmit(session: Session, tmp_path: Path) -> None:
    park = make_park(session)
    d1, d2 = two_departments(session, park)
    u1 = department_user(session, park, d1)
    ent = make_user(session, park, Role.enterprise)
    sub = service.submit(
        session,
        user=ent,
        item_id=make_item(session, park, [d1, d2]).id,
        var_dir=tmp_path,
        max_bytes=MB,
    )
    service.act(session, user=u1, part_id=sub.parts[0].id, action="return", note="请补充说明")
    assert sub.status == PartStatus.returned
    service.resubmit(
        session, user=ent, submission_id=sub.id, note="已补充", var_dir=tmp_path, max_bytes=MB
    )
    assert sub.parts[0].status == PartStatus.received and sub.status == PartStatus.received
    service.act(session, user=u1, part_id=sub.parts[0].id, action="reject", note="不符合条件")
    assert sub.status == PartStatus.rejected
    # A rejected application is closed: the enterprise may apply again.
    again = service.submit(session, user=ent, item_id=sub.item_id, var_dir=tmp_path, max_bytes=MB)
    assert again.id != sub.id


def test_missing_materials_and_hostile_uploads_write_nothing(
    session: Session, tmp_path: Path
) -> None:
    park = make_park(session)
    d1, _ = two_departments(session, park)
    ent = make_user(session, park, Role.enterprise)
    item = make_item(session, park, [d1], zero_material=False, materials=[NAME, LICENCE])
    subs, docs = _count(session, Submission), _count(session, OnFileDocument)
    with pytest.raises(ValidationFailed, match="缺少材料：营业执照"):
        service.submit(session, user=ent, item_id=item.id, var_dir=tmp_path, max_bytes=MB)
    exe = Upload("营业执照.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100)
    with pytest.raises(ValidationFailed, match="类型不支持"):
        service.submit(
            session,
            user=ent,
            item_id=item.id,
            uploads={"营业执照": exe},
            var_dir=tmp_path,
            max_bytes=MB,
        )
    big = Upload("营业执照.pdf", PDF + b"0" * MB)
    with pytest.raises(ValidationFailed, match="超过") as too_big:
        service.submit(
            session,
            user=ent,
            item_id=item.id,
            uploads={"营业执照": big},
            var_dir=tmp_path,
            max_bytes=MB,
        )
    assert too_big.value.status == 413
    stray = {"营业执照": Upload("a.pdf", PDF), "身份证": Upload("b.pdf", PDF)}
    with pytest.raises(ValidationFailed, match="不属于该事项"):
        service.submit(
            session, user=ent, item_id=item.id, uploads=stray, var_dir=tmp_path, max_bytes=MB
        )
    assert (_count(session, Submission), _count(session, OnFileDocument)) == (subs, docs)
    assert not (tmp_path / "onewindow").exists()


def test_an_uploaded_licence_is_reused_by_the_next_item(session: Session, tmp_path: Path) -> None:
    park = make_park(session)
    d1, d2 = two_departments(session, park)
    ent = make_user(session, park, Role.enterprise)
    first = make_item(session, park, [d1], zero_material=False, materials=[NAME, LICENCE])
    second = make_item(session, park, [d2], zero_material=False, materials=[LICENCE])
    enterprise = ent.enterprise_id
    assert enterprise is not None
    plan = catalogue.plan_for(session, user=ent, item=second)
    assert plan is not None and not plan[0].on_file
    sub = service.submit(
        session,
        user=ent,
        item_id=first.id,
        uploads={"营业执照": Upload("营业执照.pdf", PDF)},
        var_dir=tmp_path,
        max_bytes=MB,
    )
    licence = next(m for m in sub.materials if m["name"] == "营业执照")
    assert licence["reused"] is False
    stored = session.scalars(select(OnFileDocument)).one()
    assert (tmp_path / "onewindow" / stored.stored_path).read_bytes() == PDF
    plan = catalogue.plan_for(session, user=ent, item=second)
    assert plan is not None and plan[0].on_file and plan[0].detail == "营业执照.pdf"
    reuse = service.submit(session, user=ent, item_id=second.id, var_dir=tmp_path, max_bytes=MB)
    assert all(m["reused"] for m in reuse.materials)


def test_an_earlier_approved_submission_is_reused(session: Session, tmp_path: Path) -> None:
    park = make_park(session)
    d1, _ = two_departments(session, park)
    u1 = department_user(session, park, d1)
    ent = make_user(session, park, Role.enterprise)
    permit = make_item(session, park, [d1])
    earlier = MaterialIn(name="许可证", kind=MaterialKind.submission, source=permit.code)
    change = make_item(session, park, [d1], materials=[earlier])
    with pytest.raises(ValidationFailed, match="缺少材料：许可证"):
        service.submit(session, user=ent, item_id=change.id, var_dir=tmp_path, max_bytes=MB)
    sub = service.submit(session, user=ent, item_id=permit.id, var_dir=tmp_path, max_bytes=MB)
    service.act(session, user=u1, part_id=sub.parts[0].id, action="approve")
    reuse = service.submit(session, user=ent, item_id=change.id, var_dir=tmp_path, max_bytes=MB)
    assert reuse.materials[0]["detail"] == sub.number and reuse.materials[0]["reused"]


def test_a_record_gap_asks_to_complete_the_record(session: Session, tmp_path: Path) -> None:
    park = make_park(session)
    d1, _ = two_departments(session, park)
    ent = make_user(session, park, Role.enterprise)
    credit = MaterialIn(name="统一社会信用代码", kind=MaterialKind.record, source="credit_code")
    item = make_item(session, park, [d1], materials=[NAME, credit])
    with pytest.raises(ValidationFailed, match="企业档案缺少：统一社会信用代码"):
        service.submit(session, user=ent, item_id=item.id, var_dir=tmp_path, max_bytes=MB)


def test_catalogue_checks(session: Session, tmp_path: Path) -> None:
    park = make_park(session)
    other = make_park(session)
    d1, _ = two_departments(session, park)
    foreign, _ = two_departments(session, other)
    with pytest.raises(ValidationFailed, match="零材料事项不能要求上传"):
        make_item(session, park, [d1], materials=[LICENCE])
    with pytest.raises(ValidationFailed, match="部门不属于本园区"):
        make_item(session, park, [foreign])
    bad = MaterialIn(name="x", kind=MaterialKind.record, source="password_hash")
    with pytest.raises(ValidationFailed, match="未知的企业档案字段"):
        make_item(session, park, [d1], materials=[bad])
    item = make_item(session, park, [d1])
    with pytest.raises(Conflict):
        catalogue.create_item(
            session,
            park_id=park.id,
            user=None,
            data=ItemCreate(code=item.code, name="重复编码", department_ids=[d1.id]),
        )
    officer = make_user(session, park, Role.commissioner)
    with pytest.raises(Forbidden, match="仅入驻企业"):
        service.submit(session, user=officer, item_id=item.id, var_dir=tmp_path, max_bytes=MB)


def test_submission_numbers_never_read_as_a_number() -> None:
    numbers = {service.submission_number() for _ in range(3000)}
    assert len(numbers) == 3000
    # 8E6739 would read as 8×10^6739; 0/O and 1/I are easily mixed up.
    shape = re.compile(r"YC\d{8}-[2-9A-DF-HJ-NP-Z]{6}")
    assert all(shape.fullmatch(n) for n in numbers)
