"""一窗综办 catalogue upkeep: change, retire and import items; every refusal writes nothing."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.audit.models import AuditEntry
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.onewindow import catalogue, itemsheet, service
from biopark.onewindow.itemsheet import ImportRejected
from biopark.onewindow.models import MaterialKind, ServiceItem
from biopark.onewindow.schemas import ItemUpdate, MaterialIn
from tests.builders import make_department, make_park, make_user
from tests.onewindow.builders import (
    LICENCE,
    department_user,
    make_item,
    make_sheet,
    two_departments,
)

MB = 10 * 1024 * 1024


def _count(session: Session, park_id: int) -> int:
    return int(
        session.scalar(select(func.count(ServiceItem.id)).where(ServiceItem.park_id == park_id))
        or 0
    )


def _audits(session: Session, item_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "onewindow_item", AuditEntry.entity_id == item_id)
            .order_by(AuditEntry.id)
        )
    )


def test_update_item_checks_like_create_and_audits_before_after(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    d1, d2 = two_departments(session, park)
    foreign, _ = two_departments(session, other)
    admin = make_user(session, park, Role.admin)
    item = make_item(session, park, [d1])
    taken = make_item(session, park, [d1])

    changed = catalogue.update_item(
        session,
        user=admin,
        item_id=item.id,
        data=ItemUpdate(name="新名称事项", department_ids=[d1.id, d2.id, d2.id], materials=[]),
    )
    assert changed.name == "新名称事项" and changed.department_ids == [d1.id, d2.id]
    assert changed.materials == [] and changed.code == item.code  # untouched fields stay
    last = _audits(session, item.id)[-1]
    assert last.action == "update"
    assert last.changes["name"][1] == "新名称事项"
    assert last.changes["department_ids"] == [[d1.id], [d1.id, d2.id]]
    assert last.changes["materials"] == ["企业名称|record|name", ""]

    with pytest.raises(Conflict, match="事项编码已存在"):
        catalogue.update_item(
            session, user=admin, item_id=item.id, data=ItemUpdate(code=taken.code)
        )
    with pytest.raises(ValidationFailed, match="部门不属于本园区"):
        catalogue.update_item(
            session, user=admin, item_id=item.id, data=ItemUpdate(department_ids=[foreign.id])
        )
    with pytest.raises(ValidationFailed, match="零材料事项不能要求上传"):
        catalogue.update_item(
            session, user=admin, item_id=item.id, data=ItemUpdate(materials=[LICENCE])
        )
    bad = MaterialIn(name="x", kind=MaterialKind.record, source="password_hash")
    with pytest.raises(ValidationFailed, match="未知的企业档案字段"):
        catalogue.update_item(
            session, user=admin, item_id=item.id, data=ItemUpdate(materials=[bad])
        )
    # Turning zero-material off allows the upload; turning it on again with it is refused.
    catalogue.update_item(
        session,
        user=admin,
        item_id=item.id,
        data=ItemUpdate(zero_material=False, materials=[LICENCE]),
    )
    with pytest.raises(ValidationFailed, match="零材料事项不能要求上传"):
        catalogue.update_item(
            session, user=admin, item_id=item.id, data=ItemUpdate(zero_material=True)
        )

    officer = make_user(session, park, Role.commissioner)
    with pytest.raises(Forbidden, match="仅管理员"):
        catalogue.update_item(
            session, user=officer, item_id=item.id, data=ItemUpdate(name="改名事项")
        )
    stranger = make_user(session, other, Role.admin)
    with pytest.raises(NotFound):
        catalogue.update_item(
            session, user=stranger, item_id=item.id, data=ItemUpdate(name="改名事项")
        )
    # A change that changes nothing leaves no audit entry.
    before = len(_audits(session, item.id))
    catalogue.update_item(session, user=admin, item_id=item.id, data=ItemUpdate(name=changed.name))
    assert len(_audits(session, item.id)) == before


def test_retired_item_refuses_new_submissions_but_existing_go_on(
    session: Session, tmp_path: Path
) -> None:
    park = make_park(session)
    d1, _ = two_departments(session, park)
    admin = make_user(session, park, Role.admin)
    item = make_item(session, park, [d1])
    first, second = (make_user(session, park, Role.enterprise) for _ in range(2))
    sub = service.submit(session, user=first, item_id=item.id, var_dir=tmp_path, max_bytes=MB)

    catalogue.set_active(session, user=admin, item_id=item.id, active=False)
    assert _audits(session, item.id)[-1].action == "retire"
    assert _audits(session, item.id)[-1].changes == {"active": [True, False]}
    assert item not in catalogue.list_items(session, user=second)
    assert item not in catalogue.list_items(session, user=second, retired=True)  # admins only
    assert item in catalogue.list_items(session, user=admin, retired=True)
    with pytest.raises(Conflict, match="该事项已停止受理") as refused:
        service.submit(session, user=second, item_id=item.id, var_dir=tmp_path, max_bytes=MB)
    assert "no longer accepted" in refused.value.en
    # The application made before the item was retired is still worked.
    clerk = department_user(session, park, d1)
    part = service.act(session, user=clerk, part_id=sub.parts[0].id, action="approve")
    assert part.submission.status.value == "approved"

    catalogue.set_active(session, user=admin, item_id=item.id, active=True)
    assert _audits(session, item.id)[-1].action == "reactivate"
    service.submit(session, user=second, item_id=item.id, var_dir=tmp_path, max_bytes=MB)


def test_import_creates_and_updates_all_rows(session: Session) -> None:
    park = make_park(session)
    d1, d2 = two_departments(session, park)
    admin = make_user(session, park, Role.admin)
    known = make_item(session, park, [d1], name="旧的事项名称")
    rows = [
        [
            known.code,
            "改过的事项名称",
            "药品监管",
            "说明文字",
            "是",
            3,
            "市药监局",
            "企业名称|record|name",
        ],
        [
            "NEW-1",
            "药品生产许可证核发",
            "药品监管",
            None,
            "否",
            20,
            f"市药监局、{d2.name}",
            "企业名称|record|name\n营业执照|document|营业执照；前序结果|item|NEW-0",
        ],
    ]
    content = make_sheet(rows)
    report = catalogue.import_file(
        session, park_id=park.id, content=content, filename="清单.xlsx", user=admin
    )
    assert report.created == ["NEW-1"] and report.updated == [known.code]
    assert known.name == "改过的事项名称" and known.time_limit_days == 3
    new = session.scalars(select(ServiceItem).where(ServiceItem.code == "NEW-1")).one()
    assert new.department_ids == [d1.id, d2.id] and not new.zero_material
    assert [(m.name, m.kind, m.source) for m in new.materials] == [
        ("企业名称", MaterialKind.record, "name"),
        ("营业执照", MaterialKind.document, "营业执照"),
        ("前序结果", MaterialKind.submission, "NEW-0"),
    ]
    assert _audits(session, new.id)[-1].action == "import_create"
    upd = _audits(session, known.id)[-1]
    assert upd.action == "import_update" and upd.changes["name"] == [
        "旧的事项名称",
        "改过的事项名称",
    ]
    # The same sheet again changes nothing.
    again = catalogue.import_file(
        session, park_id=park.id, content=content, filename="清单.xlsx", user=admin
    )
    assert again.unchanged == [known.code, "NEW-1"] and not again.created and not again.updated


def test_import_dry_run_reports_and_writes_nothing(session: Session) -> None:
    park = make_park(session)
    d1, _ = two_departments(session, park)
    known = make_item(session, park, [d1], name="旧的事项名称")
    content = make_sheet(
        [
            [known.code, "改过的事项名称", None, None, "是", None, "市药监局", None],
            ["NEW-2", "新的事项", None, None, None, None, "市药监局", None],
        ]
    )
    report = catalogue.import_file(
        session, park_id=park.id, content=content, filename="a.xlsx", user=None, dry_run=True
    )
    assert report.dry_run and report.created == ["NEW-2"] and report.updated == [known.code]
    session.expire_all()
    assert (
        _count(session, park.id) == 1 and session.get(ServiceItem, known.id).name == "旧的事项名称"
    )  # type: ignore[union-attr]


def test_import_reports_every_bad_row_with_its_column_and_writes_nothing(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    d1, _ = two_departments(session, park)
    foreign_name = "外园区部门"
    make_department(session, other, name=foreign_name)
    admin = make_user(session, park, Role.admin)
    rows = [
        ["OK-1", "一个正确的事项", None, None, "是", 5, "市药监局", None],  # row 2
        ["OK-1", "重复编码的事项", None, None, "是", 5, "市药监局", None],  # row 3
        ["B-1", None, None, None, "是", 5, "市药监局", None],  # row 4: no name
        ["B-2", "部门不存在", None, None, "是", 5, "不存在的局", None],  # row 5
        ["B-3", "别的园区部门", None, None, "是", 5, foreign_name, None],  # row 6
        ["B-4", "材料写错", None, None, "否", 5, "市药监局", "营业执照|document"],  # row 7
        ["B-5", "类型写错", None, None, "否", 5, "市药监局", "营业执照|photo|营业执照"],  # row 8
        ["B-6", "零材料要上传", None, None, "是", 5, "市药监局", "营业执照|document|营业执照"],
        ["B-7", "零材料写错", None, None, "也许", 5, "市药监局", None],  # row 10
        ["B-8", "时限写错", None, None, "否", "十天", "市药监局", None],  # row 11
        ["B 9", "编码写错", None, None, "否", 5, "市药监局", None],  # row 12
        [None, "没有编码", None, None, "否", 5, None, None],  # row 13
        ["B-10", "档案字段写错", None, None, "否", 5, "市药监局", "密码|record|password_hash"],
        ["B-11", "时限超出", None, None, "否", 400, "市药监局", None],  # row 15
    ]
    with pytest.raises(ImportRejected) as refused:
        catalogue.import_file(
            session, park_id=park.id, content=make_sheet(rows), filename="a.xlsx", user=admin
        )
    where = {(e.row, e.column) for e in refused.value.errors}
    assert where >= {
        (3, "事项编码"),
        (4, "事项名称"),
        (5, "办理部门"),
        (6, "办理部门"),
        (7, "材料"),
        (8, "材料"),
        (9, "材料"),
        (10, "零材料"),
        (11, "办理时限（工作日）"),
        (12, "事项编码"),
        (13, "事项编码"),
        (13, "办理部门"),
        (14, "材料"),
        (15, "办理时限（工作日）"),
    }, where
    assert 2 not in {e.row for e in refused.value.errors}
    first = refused.value.errors[0]
    assert first.message.startswith("第 3 行「事项编码」") and first.en.startswith("Row 3, Code")
    assert "导入失败，未做任何修改" in refused.value.message
    assert "nothing changed" in refused.value.en
    assert _count(session, park.id) == 0
    assert d1.id  # the department the good row named was there


def test_import_update_checks_the_merged_item(session: Session) -> None:
    park = make_park(session)
    d1, _ = two_departments(session, park)
    item = make_item(session, park, [d1], zero_material=False, materials=[LICENCE])
    content = make_sheet(
        [[item.code, item.name, "是", "市药监局"]], ["事项编码", "事项名称", "零材料", "办理部门"]
    )
    with pytest.raises(ImportRejected) as refused:
        catalogue.import_file(
            session, park_id=park.id, content=content, filename="a.xlsx", user=None
        )
    assert refused.value.errors[0].row == 2 and "零材料事项不能要求上传" in refused.value.message
    assert item.zero_material is False


def _sheet_of(rows: int, *, write_only: bool = True) -> bytes:
    # A write-only workbook declares no <dimension>, so the declared-size check cannot help.
    book = Workbook(write_only=write_only)
    ws = book.create_sheet() if write_only else book.active
    assert ws is not None
    ws.append(["事项编码", "事项名称", "办理部门"])
    for n in range(rows):
        ws.append([f"X-{n}", f"事项{n}", "市药监局"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("content", "filename", "needle"),
    [
        (b"not a spreadsheet at all", "a.xlsx", "不是有效的 Excel 文件"),
        (b"%PDF-1.4", "a.pdf", "仅支持 .xlsx 或 .csv 文件"),
        (b"", "a.xlsx", "文件为空"),
        (b"x" * (5 * 1024 * 1024 + 1), "a.xlsx", "文件超过 5 MB"),
        (
            make_sheet([["F-1", "=1+1", None, None, "是", 5, "市药监局", None]]),
            "a.xlsx",
            "单元格 B2 含公式",
        ),
        (
            "事项编码,事项名称,办理部门\nC-1,=HYPERLINK(1),市药监局\n".encode(),
            "a.csv",
            "不能包含公式",
        ),
        (make_sheet([], ["事项名称", "办理部门", "颜色"]), "a.xlsx", "未知列“颜色”"),
        (make_sheet([], ["事项名称", "办理部门"]), "a.xlsx", "「事项编码」：缺少必需的列"),
    ],
)
def test_import_refuses_bad_files(
    session: Session, content: bytes, filename: str, needle: str
) -> None:
    park = make_park(session)
    two_departments(session, park)
    with pytest.raises(ValidationFailed) as refused:
        catalogue.import_file(
            session, park_id=park.id, content=content, filename=filename, user=None
        )
    assert needle in refused.value.message, refused.value.message
    assert refused.value.en != refused.value.message
    assert _count(session, park.id) == 0


@pytest.mark.parametrize("write_only", [True, False])
def test_a_ten_thousand_row_sheet_is_refused_quickly(session: Session, write_only: bool) -> None:
    park = make_park(session)
    two_departments(session, park)
    content = _sheet_of(10_000, write_only=write_only)
    started = time.perf_counter()
    with pytest.raises(ImportRejected, match="超过"):
        catalogue.import_file(
            session, park_id=park.id, content=content, filename="a.xlsx", user=None
        )
    assert time.perf_counter() - started < 0.5
    assert _count(session, park.id) == 0


def test_a_full_sheet_at_the_cap_imports_in_seconds(session: Session) -> None:
    park = make_park(session)
    two_departments(session, park)
    content = _sheet_of(itemsheet.MAX_ROWS)
    started = time.perf_counter()
    report = catalogue.import_file(
        session, park_id=park.id, content=content, filename="a.xlsx", user=None
    )
    assert len(report.created) == itemsheet.MAX_ROWS
    assert time.perf_counter() - started < 30
    assert _count(session, park.id) == itemsheet.MAX_ROWS


def test_only_admins_import(session: Session) -> None:
    park = make_park(session)
    two_departments(session, park)
    clerk = make_user(session, park, Role.commissioner)
    with pytest.raises(Forbidden):
        catalogue.import_file(
            session, park_id=park.id, content=make_sheet([]), filename="a.xlsx", user=clerk
        )


def test_template_has_the_columns_and_an_example_the_importer_accepts(session: Session) -> None:
    park = make_park(session)
    two_departments(session, park)
    content = itemsheet.template()
    rows = itemsheet.read(content, filename="t.xlsx")
    assert list(rows[0][1]) == [c.header for c in itemsheet.COLUMNS] and len(rows) == 2
    report = catalogue.import_items(session, park_id=park.id, rows=rows, user=None)
    assert report.created == ["CQ-YJ-001"]
