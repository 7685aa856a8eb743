"""`biopark finance` and `biopark talent` commands, and the demo data of both modules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from biopark.cli import app
from biopark.demo.service import load_demo
from biopark.finance import cli as finance_cli
from biopark.finance.models import FinanceProduct, FinancingNeed, NeedStatus
from biopark.talent import cli as talent_cli
from biopark.talent.models import TalentApplication, TalentEvent, TalentService
from tests.builders import make_park

runner = CliRunner()


@pytest.fixture
def cli_session(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    @contextmanager
    def scope() -> Iterator[Session]:
        yield session
        session.flush()

    monkeypatch.setattr(finance_cli, "session_scope", scope)
    monkeypatch.setattr(talent_cli, "session_scope", scope)
    return session


def test_add_and_list_products(cli_session: Session) -> None:
    park = make_park(cli_session)
    result = runner.invoke(
        app,
        [
            "finance", "add-product", "--park", park.code, "--name", "医药研发贷",
            "--kind", "loan", "--provider", "某农商行", "--amount-max", "3亿元",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["finance", "products", "--park", park.code])
    assert "医药研发贷" in listed.output and "3亿元" in listed.output
    bad = runner.invoke(
        app,
        [
            "finance",
            "add-product",
            "--park",
            park.code,
            "--name",
            "坏",
            "--kind",
            "x",
            "--provider",
            "y",
        ],
    )
    assert bad.exit_code == 2


def test_import_products_is_all_or_nothing(cli_session: Session, tmp_path: Path) -> None:
    park = make_park(cli_session)
    good = tmp_path / "good.csv"
    good.write_text(
        "产品名称,产品类型,提供机构,额度上限,申请条件\n"
        '知识产权质押贷,银行贷款,某银行,5000万,"{""all"": []}"\n'
        "临床试验责任险,保险,某保险公司,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["finance", "import-products", str(good), "--park", park.code])
    assert result.exit_code == 0, result.output
    amounts = {
        n: a
        for n, a in cli_session.execute(
            select(FinanceProduct.name, FinanceProduct.amount_max).where(
                FinanceProduct.park_id == park.id
            )
        )
    }
    assert amounts == {"知识产权质押贷": Decimal("50000000.00"), "临床试验责任险": None}
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "产品名称,产品类型,提供机构\n产品甲,银行贷款,某银行\n产品乙,彩票,某银行\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["finance", "import-products", str(bad), "--park", park.code])
    assert result.exit_code == 2 and "第 3 行" in result.output
    count = cli_session.scalar(
        select(func.count(FinanceProduct.id)).where(FinanceProduct.park_id == park.id)
    )
    assert count == 2


def test_demo_loads_once_with_a_granted_loan_and_talent_records(session: Session) -> None:
    load_demo(session, password="demo-password-1")
    models = (FinanceProduct, FinancingNeed, TalentService, TalentEvent, TalentApplication)

    def counts() -> tuple[int, ...]:
        return tuple(session.scalar(select(func.count()).select_from(m)) or 0 for m in models)

    before = counts()
    load_demo(session, password="demo-password-1")
    assert counts() == before
    assert all(before)
    granted = session.scalar(
        select(FinancingNeed).where(FinancingNeed.status == NeedStatus.granted)
    )
    assert granted is not None and granted.granted_amount == Decimal(300_000_000)
    assert granted.granted_by == "重庆农村商业银行"
    fund = session.scalar(select(FinanceProduct).where(FinanceProduct.kind == "fund"))
    assert fund is not None and "10亿元" in (fund.rate_text or "")


def test_talent_cli_lists(cli_session: Session) -> None:
    park = make_park(cli_session)
    result = runner.invoke(
        app,
        [
            "talent", "add-service", "--park", park.code, "--name", "人才安居住房补贴",
            "--kind", "housing", "--provider", "区住建委",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        "人才安居住房补贴" in runner.invoke(app, ["talent", "services", "--park", park.code]).output
    )
    assert runner.invoke(app, ["talent", "applications", "--park", park.code]).exit_code == 0
