"""Excel ledger: export in print layout, round trip, all-or-nothing import."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.errors import ValidationFailed
from biopark.investment import excel, excel_export, service
from biopark.investment.excel import COLUMNS, ImportRejected
from biopark.investment.models import FundsEntry, Project, Stage
from tests.builders import make_park, make_user
from tests.investment.builders import add_funds, make_project, make_registered

HEAD = [c.header for c in COLUMNS]


def _xlsx(rows: list[list[object]], header: list[str] = HEAD) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["某园区招商项目台账"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _row(**kw: object) -> list[object]:
    values = {
        "项目名称": "新项目",
        "阶段": "洽谈",
        "下一步工作": "洽谈",
        "截止日期": (service.today_local() + timedelta(days=5)).isoformat(),
        **kw,
    }
    return [values.get(h) for h in HEAD]


def test_round_trip_keeps_every_field(session: Session) -> None:
    park, other = make_park(session, name="甲园区"), make_park(session)
    src = make_user(session, park, Role.investment_officer, display_name="李招商")
    make_user(session, other, Role.investment_officer, display_name="李招商")
    dst = make_user(session, other, Role.leader)
    p = make_registered(
        session, src, date(2025, 3, 1), Decimal("2234567.89"), land_mu=Decimal("300"),
        team="化学药链长团队", chain="化学药", chain_link="原料药", site="生物城B区", notes="备注\n两行",
    )  # fmt: skip
    add_funds(session, p, date(2025, 4, 1), Decimal("1000000.01"))
    add_funds(session, p, date(2025, 6, 1), Decimal("500000"))
    make_project(session, src, stage=Stage.terminated, terminated_reason="企业放弃", due_on=None)
    content = excel_export.export_ledger(session, user=src, flt=service.ProjectFilter())
    ws = load_workbook(io.BytesIO(content)).active
    assert ws is not None
    assert "甲园区招商项目台账" in str(ws["A1"].value)
    assert [c.value for c in ws[2]] == HEAD
    assert ws.print_title_rows == "$2:$2" and ws.page_setup.orientation == "landscape"
    assert any(row[0].value == "合计" for row in ws.iter_rows())

    # Codes belong to the park that made them: another park refuses them, then takes the rows
    # as new projects once the code column is blank.
    with pytest.raises(ImportRejected, match="项目编号不存在"):
        excel.import_ledger(session, user=dst, content=content)
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    assert sheet is not None and sheet["B2"].value == "项目编号" and sheet["B3"].value == p.code
    for row in sheet.iter_rows(min_row=3, min_col=2, max_col=2):
        if row[0].value:
            row[0].value = None
    buf = io.BytesIO()
    book.save(buf)
    assert excel.import_ledger(session, user=dst, content=buf.getvalue()).created == 2
    copied = session.scalar(
        select(Project).where(Project.park_id == other.id, Project.name == p.name)
    )
    assert copied is not None
    for field in ("company", "stage", "team", "chain", "chain_link", "site", "land_mu",
                  "agreed_investment", "signed_on", "registered_on", "next_action", "due_on", "notes"):  # fmt: skip
        assert getattr(copied, field) == getattr(p, field), field
    funds = session.scalar(
        select(func.sum(FundsEntry.amount)).where(FundsEntry.project_id == copied.id)
    )
    assert funds == Decimal("1500000.01")
    dropped = session.scalar(
        select(Project).where(Project.park_id == other.id, Project.stage == Stage.terminated)
    )
    assert dropped is not None and dropped.terminated_reason == "企业放弃"


def test_bad_rows_reject_the_whole_file(session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.investment_officer)
    make_project(session, user, name="已有项目")
    content = _xlsx(
        [
            _row(项目名称="好项目", **{"协议投资额（万元）": "1.5亿"}),
            _row(项目名称="已有项目"),
            _row(项目名称="坏金额", **{"协议投资额（万元）": "很多钱"}),
            _row(项目名称="坏阶段", 阶段="已完成"),
            _row(项目名称="未来", 阶段="入库", 签约日期="2999-01-01", 入库日期="2999-01-01"),
            _row(项目名称="缺入库日期", 阶段="入库", 签约日期="2025-01-01"),
            _row(项目名称="无计划", 下一步工作=None),
            _row(项目名称="生人", 负责人="不存在的人"),
            _row(项目名称=None),
            _row(项目名称="好项目"),
        ]
    )
    before = session.scalar(select(func.count()).select_from(Project))
    with pytest.raises(ImportRejected) as exc:
        excel.import_ledger(session, user=user, content=content)
    errors = exc.value.errors
    assert len(errors) == 9
    assert errors[0].startswith("第 4 行") and "项目已存在" in errors[0]
    joined = "\n".join(errors)
    for expected in ("无法识别的金额", "阶段须为", "不能晚于今天", "须填写入库日期", "下一步工作",
                     "不存在的人", "项目名称：必填", "在文件中重复"):  # fmt: skip
        assert expected in joined
    assert session.scalar(select(func.count()).select_from(Project)) == before


def test_good_file_imports_money_as_written(session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.investment_officer)
    content = _xlsx(
        [
            _row(项目名称="甲项目", **{"协议投资额（万元）": 3000}),
            _row(项目名称="乙项目", **{"协议投资额（万元）": "1.5亿"}),
            _row(项目名称="丙项目", 阶段="投产", 签约日期="2024/01/02", 入库日期="2024-01-03",
                 **{"协议投资额（万元）": 1000},
                 开工日期="2024-02-01", 投产日期="2024-12-01", 下一步工作=None, 截止日期=None,
                 **{"到位资金（万元）": 500, "最近到位日期": "2024-06-01"}),
        ]
    )  # fmt: skip
    assert excel.import_ledger(session, user=user, content=content).created == 3
    by_name = {
        p.name: p for p in session.scalars(select(Project).where(Project.park_id == park.id))
    }
    assert by_name["甲项目"].agreed_investment == Decimal("30000000")
    assert by_name["乙项目"].agreed_investment == Decimal("150000000")
    assert by_name["丙项目"].signed_on == date(2024, 1, 2) and by_name["丙项目"].owner_id == user.id


@pytest.mark.parametrize("content", [b"not an excel file", b""])
def test_not_an_excel_file(session: Session, content: bytes) -> None:
    user = make_user(session, make_park(session), Role.investment_officer)
    with pytest.raises(ValidationFailed, match="Excel"):
        excel.import_ledger(session, user=user, content=content)


def test_file_without_header_or_rows(session: Session) -> None:
    user = make_user(session, make_park(session), Role.investment_officer)
    with pytest.raises(ValidationFailed, match="表头"):
        excel.import_ledger(session, user=user, content=_xlsx([], header=["名称"]))
    with pytest.raises(ImportRejected, match="没有数据"):
        excel.import_ledger(session, user=user, content=_xlsx([]))
