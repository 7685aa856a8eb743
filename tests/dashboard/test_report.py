"""The monthly report (月报): figures and narrative, own-park key events, A4 PDF and .docx."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy.orm import Session

from biopark.dashboard import report, report_render
from biopark.errors import ValidationFailed
from biopark.intel.models import IntelDocument, IntelEvent
from biopark.pipeline.models import Drug, LicensingDeal
from biopark.pipeline.stages import Stage as DrugStage
from tests.builders import make_enterprise
from tests.dashboard.builders import make_world

YI = Decimal(100_000_000)


def _event(session: Session, park_id: int, day: date, quote: str, subjects: list[str]) -> None:
    doc = IntelDocument(
        park_id=park_id,
        origin=f"test:{quote[:6]}",
        url=f"https://news.example.org/{abs(hash(quote))}",
        title=f"报道：{quote[:10]}",
        text=quote,
        published_at=day,
    )
    session.add(doc)
    session.flush()
    session.add(
        IntelEvent(
            park_id=park_id,
            document_id=doc.id,
            type="licensing_deal",
            event_date=day,
            subjects=subjects,
            quote=quote,
        )
    )
    session.flush()


def _world_with_news(session: Session):  # type: ignore[no-untyped-def]
    w = make_world(session)
    ent = make_enterprise(session, w.park, name="重庆青禾生物制药有限公司", short_name="青禾生物")
    _event(session, w.park.id, date(2025, 2, 5), "测试生物城举办项目推介会，签约项目6个。", [])
    _event(
        session,
        w.park.id,
        date(2025, 2, 8),
        "青禾生物与张江药谷的一家企业签署抗体授权协议。",
        ["青禾生物", "上海某抗体公司"],
    )
    # Other cities' companies and parks: read in the same news feed, not this park's events.
    _event(
        session,
        w.park.id,
        date(2025, 2, 9),
        "苏州远帆医药科技有限公司宣布与海外药企达成授权合作，首付款3000万美元。",
        ["苏州远帆医药科技有限公司"],
    )
    _event(session, w.park.id, date(2025, 2, 12), "光谷生物城新签约项目12个。", [])
    drug = Drug(
        park_id=w.park.id,
        enterprise_id=ent.id,
        name="QH-101注射液",
        code="QH-101",
        modality="antibody",
        stage=DrugStage.phase1,
    )
    session.add(drug)
    session.flush()
    session.add(
        LicensingDeal(
            park_id=w.park.id,
            drug_id=drug.id,
            partner="海外合作方",
            total=Decimal("712000000"),
            upfront=Decimal("30000000"),
            currency="USD",
            signed_on=date(2025, 2, 8),
        )
    )
    session.flush()
    return w


def test_figures_and_narrative(session: Session) -> None:
    w = make_world(session)
    rep = report.build(session, park_id=w.park.id, month="2025-02", issued_on=date(2025, 3, 3))
    assert rep.issue == "2025年第2期" and rep.office.endswith("管理委员会办公室")
    signed, agreed, funds = rep.indicators
    assert (signed.month, signed.last_month, signed.ytd) == (2, 1, 3)
    assert agreed.month == 7 * YI and agreed.last_month == 5 * YI
    # No ledger for 2024 at all: nothing to compare with, which is not a year of zeros.
    assert agreed.mom.pct == Decimal("40.0") and agreed.yoy.previous is None
    assert agreed.progress == Decimal("12.0") and rep.time_progress == Decimal("16.7")
    assert funds.month == 1 * YI and funds.mom.direction == "down"
    text = "".join(rep.narrative)
    assert "协议投资额本月7亿元，较上月增长40%（上月5亿元）" in text
    assert "到位资金本月1亿元，较上月下降33.3%（上月1.5亿元）" in text
    assert "2024年无台账数据，本期暂不作同比分析" in text and "慢于时序进度" in text
    assert "上年同月" not in text
    assert "较上月下降的有到位资金" in text


def test_key_events_are_this_parks_only(session: Session) -> None:
    w = _world_with_news(session)
    rep = report.build(session, park_id=w.park.id, month="2025-02")
    news = [e for e in rep.events if e.kind == "资讯"]
    texts = " ".join(e.text for e in news)
    assert "测试生物城举办项目推介会" in texts and "青禾生物与张江药谷" in texts
    assert "苏州远帆" not in texts and "光谷生物城" not in texts
    assert all(e.source and e.url and e.url.startswith("https://") for e in news)


def test_money_is_in_yi_and_wan_never_millions(session: Session) -> None:
    w = _world_with_news(session)
    rep = report.build(session, park_id=w.park.id, month="2025-02")
    html = re.sub(r'data:image/png;base64,[^"]+', "", report_render.to_html(rep, for_print=True))
    assert "7.12亿美元" in html and "亿元" in html
    assert "百万" not in html and "E+" not in html
    doc = Document(io.BytesIO(report_render.to_docx(rep)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "QH-101 授权 海外合作方，交易总额 7.12亿美元" in text
    assert "百万" not in text


def test_docx_is_a4_with_charts(session: Session) -> None:
    w = make_world(session)
    rep = report.build(session, park_id=w.park.id, month="2025-02")
    data = report_render.to_docx(rep)
    xml = io.BytesIO(data)
    doc = Document(xml)
    assert len(doc.inline_shapes) == 3
    import zipfile

    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert re.search(r'<w:pgSz w:w="11906" w:h="16838"', body)


def test_pdf_is_a4_and_renders(session: Session, tmp_path: Path) -> None:
    w = _world_with_news(session)
    rep = report.build(session, park_id=w.park.id, month="2025-02")
    pdf = report_render.to_pdf(rep)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdfinfo") is None or shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils missing (make report-deps installs it)")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "100", str(path)], capture_output=True, text=True, check=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert sizes and all((round(float(w)), round(float(h))) == (595, 842) for w, h in sizes)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "亿元" in text and "百万" not in text and "大事记" in text
    assert "苏州远帆" not in text
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "p")], check=True)
    assert list(tmp_path.glob("p-*.png"))


def test_bad_months_are_refused() -> None:
    for bad in ("2025-13", "2025-00", "1999-05", "2025/02", "25-02", "2025-2", ""):
        with pytest.raises(ValidationFailed):
            report.parse_month(bad)
    assert report.parse_month("2025-02") == (2025, 2)


def test_narrative_compares_with_last_year(session: Session) -> None:
    from biopark.accounts.models import Role
    from tests.builders import make_user
    from tests.investment.builders import make_registered

    w = make_world(session)
    officer = make_user(session, w.park, Role.investment_officer)
    make_registered(session, officer, date(2024, 2, 10), 4 * YI)
    rep = report.build(session, park_id=w.park.id, month="2025-02")
    text = "".join(rep.narrative)
    assert "较上年同月增长75%（上年同月4亿元）" in text
    assert "较上年同期增长200%（上年同期4亿元）" in text
    rows = report_render.table_rows(rep)
    assert rows[1][4:6] == ["4亿元", "+75%"]
