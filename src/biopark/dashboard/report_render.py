"""The monthly report's three renderers: HTML, PDF (from that HTML) and .docx.

PDF: WeasyPrint, because it lays out the very HTML and CSS the report already has (one
template for the screen and the page, CSS `@page` for A4 and page numbers) with Pango's
CJK line breaking; reportlab would need a second layout written in Python.
.docx: python-docx, on an A4 section (11906 x 16838 twips), with Chinese fonts set
for East Asian text so Word does not fall back to a Latin face.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from biopark.config import get_settings
from biopark.dashboard.report import Report
from biopark.dashboard.report_charts import charts
from biopark.web.numbers import money, percent

FORMATS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html"}
RED = RGBColor(0xC0, 0x00, 0x00)


def absolute(url: str | None) -> str | None:
    """Links in a circulated file must open outside the platform: platform paths get its base URL."""
    if not url:
        return None
    if url.startswith("/"):
        return get_settings().base_url.rstrip("/") + url
    return url


def change_text(ch: Any) -> str:
    """A change as "+12.5%", "-3.0%", "持平", "新增" or "—"."""
    if ch.previous is None:
        return "—"
    if ch.previous == 0:
        return "—" if ch.current == 0 else "新增"
    if ch.direction == "flat":
        return "持平"
    sign = "+" if ch.direction == "up" else "-"
    return sign + percent(abs(ch.pct))


def table_rows(rep: Report) -> list[list[str]]:
    """The figures table: indicator, month, last month, MoM, same month last year, YoY,
    year to date, target, completion."""
    rows = []
    for i in rep.indicators:
        rows.append(
            [
                i.label,
                i.show(i.month),
                i.show(i.last_month),
                change_text(i.mom),
                i.show(i.same_month_last_year),
                change_text(i.yoy),
                i.show(i.ytd),
                i.show(i.target),
                percent(i.progress) if i.progress is not None else "—",
            ]
        )
    return rows


HEADERS = ["指标", "本月", "上月", "环比", "上年同月", "同比", "1月至今累计", "年度目标", "完成率"]


def deal_text(deal: dict[str, Any]) -> str:
    total = deal.get("total")
    amount = money(total, "zh", str(deal.get("currency") or "CNY")) if total is not None else "—"
    return f"{deal['drug']} 授权 {deal['partner']}，交易总额 {amount}"


def context(rep: Report, *, for_print: bool = False) -> dict[str, Any]:
    """Template context of the HTML (and PDF) report; charts inline as data URIs."""
    return {
        "report": rep,
        "d": rep.dashboard,
        "headers": HEADERS,
        "rows": table_rows(rep),
        "charts": [
            (caption, "data:image/png;base64," + base64.b64encode(png).decode())
            for caption, png in charts(rep)
        ],
        "deals": [deal_text(x) for x in rep.deals],
        "link": absolute if for_print else (lambda u: u),
        "for_print": for_print,
    }


def to_html(rep: Report, *, for_print: bool = False) -> str:
    """The stand-alone HTML of the report (no site navigation)."""
    from biopark.web.templating import templates

    env = templates().env
    return env.get_template("dashboard/report_doc.html").render(**context(rep, for_print=for_print))


def to_pdf(rep: Report) -> bytes:
    """The report as an A4 PDF."""
    from weasyprint import HTML

    pdf = HTML(string=to_html(rep, for_print=True), base_url=".").write_pdf()
    assert pdf is not None
    return bytes(pdf)


# -- docx ---------------------------------------------------------------------------------------


def _font(run: Any, *, east_asia: str = "仿宋", size: float = 12, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "Times New Roman"
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asia)


def _para(doc: Any, text: str = "", **kw: Any) -> Paragraph:
    align = kw.pop("align", None)
    indent = kw.pop("indent", False)
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(kw.get("size", 12) * 2)
    p.paragraph_format.space_after = Pt(4)
    if text:
        _font(p.add_run(text), **kw)
    return p


def _hyperlink(p: Paragraph, text: str, url: str) -> None:
    rid = p.part.relate_to(
        url,
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
        is_external=True,
    )
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    for tag, attrs in (
        ("w:rFonts", {"w:eastAsia": "仿宋"}),
        ("w:color", {"w:val": "1F4E9A"}),
        ("w:u", {"w:val": "single"}),
        ("w:sz", {"w:val": "21"}),
    ):
        el = OxmlElement(tag)
        for k, v in attrs.items():
            el.set(qn(k), v)
        rpr.append(el)
    run.append(rpr)
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    p._p.append(link)


def _rule(p: Paragraph) -> None:
    """A red line under the header paragraph (the 公文 红线)."""
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.append(border)


def to_docx(rep: Report) -> bytes:
    """The report as an A4 Word document."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(30), Mm(25)
    section.left_margin, section.right_margin = Mm(26), Mm(24)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")

    head = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    run = head.add_run(f"{rep.park.name}工作月报")
    _font(run, east_asia="方正小标宋简体", size=26, bold=True)
    run.font.color.rgb = RED
    issue = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _font(issue.add_run(rep.issue), size=14)
    meta = _para(doc)
    _font(meta.add_run(rep.office), size=12)
    meta.add_run("\t")
    _font(meta.add_run(f"{rep.issued_on.year}年{rep.issued_on.month}月{rep.issued_on.day}日"))
    meta.paragraph_format.tab_stops.add_tab_stop(Mm(160), alignment=2)
    _rule(meta)

    _para(doc, rep.title, align=WD_ALIGN_PARAGRAPH.CENTER, east_asia="黑体", size=16, bold=True)
    _para(doc, "一、总体情况", east_asia="黑体", size=14)
    for text in rep.narrative:
        _para(doc, text, indent=True)

    _para(doc, "二、主要指标", east_asia="黑体", size=14)
    table = doc.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), east_asia="黑体", size=9, bold=True)
    for row in table_rows(rep):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), size=9)
    _para(doc, "注：环比为本月与上月比较，同比为本月与上年同月比较；“新增”表示上期为零。", size=9)

    _para(doc, "三、图表", east_asia="黑体", size=14)
    for caption, png in charts(rep):
        doc.add_picture(io.BytesIO(png), width=Cm(15.5))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _para(doc, caption, align=WD_ALIGN_PARAGRAPH.CENTER, size=10)

    if rep.deals:
        _para(doc, "四、本月授权交易", east_asia="黑体", size=14)
        for deal in rep.deals:
            _para(doc, deal_text(deal), indent=True)

    n = "五" if rep.deals else "四"
    _para(doc, f"{n}、{rep.month_no}月大事记", east_asia="黑体", size=14)
    if not rep.events:
        _para(doc, "本月无记录的大事。", indent=True)
    for ev in rep.events:
        p = _para(doc, f"{ev.on or ''}  {ev.text}", indent=True)
        if ev.source:
            _font(p.add_run("（来源："), size=10.5)
            url = absolute(ev.url)
            if url:
                _hyperlink(p, ev.source, url)
            else:
                _font(p.add_run(ev.source), size=10.5)
            _font(p.add_run("）"), size=10.5)

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def render(rep: Report, fmt: str) -> bytes:
    """The report in a format: "pdf", "docx" or "html"."""
    if fmt == "pdf":
        return to_pdf(rep)
    if fmt == "docx":
        return to_docx(rep)
    return to_html(rep, for_print=True).encode("utf-8")
