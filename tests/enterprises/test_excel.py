"""Excel import and export: whole-file checks, all or nothing, round trip."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.enterprises import excel
from biopark.enterprises.models import Enterprise
from biopark.errors import Forbidden
from tests.builders import make_enterprise, make_park, make_user

VALID = "91500113MA5U5YQ432"


def xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_creates_and_updates(session: Session) -> None:
    park = make_park(session)
    commissioner = make_user(session, park, Role.commissioner)
    existing = make_enterprise(session, park, name="重庆老牌制药有限公司", employees=10)
    content = xlsx(
        [
            [
                "名称",
                "统一社会信用代码",
                "注册资本（元）",
                "标签",
                "员工人数",
                "研发投入（元）",
                "服务专员",
                "产业链环节",
            ],
            [
                "重庆新锐生物有限公司",
                VALID,
                "3000万元",
                "高新技术企业、专精特新",
                120,
                5000000,
                commissioner.username,
                "抗体药物，CRO",
            ],
            ["重庆老牌制药有限公司", None, 50000000, None, 300, None, None, None],
        ]
    )
    result = excel.import_xlsx(session, park_id=park.id, actor=None, content=content)
    assert (result.created, result.updated) == (1, 1)
    new = session.scalar(select(Enterprise).where(Enterprise.name == "重庆新锐生物有限公司"))
    assert new is not None
    assert new.registered_capital == Decimal("30000000")
    assert new.tags == ["高新技术企业", "专精特新"]
    assert new.chain_links == ["抗体药物", "CRO"]
    assert new.commissioner_id == commissioner.id
    assert existing.employees == 300 and existing.registered_capital == Decimal("50000000")
    again = excel.import_xlsx(session, park_id=park.id, actor=None, content=content)
    assert (again.created, again.updated) == (0, 0)


def test_one_bad_row_rejects_the_whole_file(session: Session) -> None:
    park = make_park(session)
    content = xlsx(
        [
            ["名称", "统一社会信用代码", "成立日期", "员工人数", "服务专员"],
            ["重庆好好生物有限公司", None, "2020-01-01", 10, None],
            ["重庆坏坏生物有限公司", "123", "2020-13-01", -1, "nobody"],
            ["重庆好好生物有限公司", None, None, None, None],
        ]
    )
    with pytest.raises(excel.ImportRejected) as err:
        excel.import_xlsx(session, park_id=park.id, actor=None, content=content)
    rows = err.value.rows
    assert (
        rows[0].startswith("第 3 行：") and "统一社会信用代码" in rows[0] and "员工人数" in rows[0]
    )
    assert rows[1] == "第 4 行：与第 2 行重复（重庆好好生物有限公司）"
    assert session.scalar(select(Enterprise).where(Enterprise.park_id == park.id)) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "不是有效的 Excel"),
        (xlsx([["公司", "名称"]]), "未知列“公司”"),
        (xlsx([["简称"]]), "缺少“名称”列"),
        (xlsx([["名称", "注册资本（元）"], ["重庆某某有限公司", "很多钱"]]), "无法识别的金额"),
    ],
)
def test_malformed_files_are_refused_in_chinese(
    session: Session, content: bytes, message: str
) -> None:
    park = make_park(session)
    with pytest.raises(excel.ImportRejected) as err:
        excel.import_xlsx(session, park_id=park.id, actor=None, content=content)
    assert message in err.value.message


def test_only_leaders_and_admins_import(session: Session) -> None:
    park = make_park(session)
    with pytest.raises(Forbidden):
        excel.import_xlsx(
            session, park_id=park.id, actor=make_user(session, park, Role.commissioner), content=b""
        )


def test_export_round_trips_through_import(session: Session) -> None:
    park = make_park(session)
    make_enterprise(
        session,
        park,
        name="重庆往返生物有限公司",
        tags=["上市"],
        rd_spending=Decimal("1234.50"),
        chain_links=["CRO"],
    )
    content = excel.export_xlsx(
        session, stmt=select(Enterprise).where(Enterprise.park_id == park.id)
    )
    ws = load_workbook(io.BytesIO(content)).active
    assert ws is not None
    assert ws["A1"].value == "名称"
    assert ws["A2"].value == "重庆往返生物有限公司"
    result = excel.import_xlsx(session, park_id=park.id, actor=None, content=content)
    assert (result.created, result.updated) == (0, 0)
