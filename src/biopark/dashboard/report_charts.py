"""The monthly report's charts, drawn on the server with matplotlib (a bare Figure renders
through the Agg canvas: no display, no pyplot state).

matplotlib is the long-maintained standard for static charts in Python: it writes
titles, axes, tick labels and value labels as real text, with any TrueType/OpenType
font. CJK text uses Noto Sans CJK (Debian fonts-noto-cjk, installed by `make report-deps`);
without a CJK font the charts would show empty boxes, so that is refused loudly.
"""

from __future__ import annotations

import io
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from biopark.dashboard.report import Report

CJK_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
)
CJK_FAMILY = "Noto Sans CJK SC"
BLUE, GREEN, GREY, RED = "#1d4ed8", "#16a34a", "#94a3b8", "#dc2626"
YI = Decimal(10) ** 8


@lru_cache
def _font() -> str:
    for path in CJK_FONTS:
        if path.exists():
            font_manager.fontManager.addfont(str(path))
    names = {f.name for f in font_manager.fontManager.ttflist}
    if CJK_FAMILY not in names:
        raise RuntimeError(
            "缺少中文字体 Noto Sans CJK（请安装 fonts-noto-cjk）/ "
            "CJK font missing: install fonts-noto-cjk"
        )
    return CJK_FAMILY


def _figure(width: float, height: float) -> Figure:
    matplotlib.rcParams["font.family"] = [_font()]
    matplotlib.rcParams["axes.unicode_minus"] = False
    fig = Figure(figsize=(width, height), dpi=200)
    return fig


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def _yi(value: Decimal | int) -> float:
    return float(Decimal(value) / YI)


def months_chart(rep: Report) -> bytes:
    """Agreed investment and funds in place per month of the year, in 亿元, with values."""
    fig = _figure(6.4, 3.0)
    ax = fig.add_subplot()
    months = [int(m["month"]) for m in rep.months]
    agreed = [_yi(m["agreed_investment"]) for m in rep.months]
    funds = [_yi(m["funds_in_place"]) for m in rep.months]
    x = list(range(len(months)))
    w = 0.38
    b1 = ax.bar([i - w / 2 for i in x], agreed, w, label="协议投资额", color=BLUE)
    b2 = ax.bar([i + w / 2 for i in x], funds, w, label="到位资金", color=GREEN)
    for bars, values in ((b1, agreed), (b2, funds)):
        ax.bar_label(bars, labels=[f"{v:.1f}" if v else "" for v in values], fontsize=6, padding=1)
    ax.set_xticks(x, [f"{m}月" for m in months], fontsize=7)
    ax.set_xlabel("月份", fontsize=8)
    ax.set_ylabel("金额（亿元）", fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(fontsize=7, frameon=False, loc="upper right")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e2e8f0", linewidth=0.6)
    ax.set_axisbelow(True)
    top = max([*agreed, *funds, 1.0])
    ax.set_ylim(0, top * 1.2)
    return _png(fig)


def progress_chart(rep: Report) -> bytes:
    """Year-to-date completion of each annual target in %, against the time elapsed."""
    fig = _figure(6.4, 2.2)
    ax = fig.add_subplot()
    labels = [i.label for i in rep.indicators]
    values = [float(i.progress) if i.progress is not None else 0.0 for i in rep.indicators]
    colors = [
        GREY if i.progress is None else (BLUE if i.progress >= rep.time_progress else RED)
        for i in rep.indicators
    ]
    bars = ax.barh(labels, values, color=colors, height=0.5)
    ax.bar_label(
        bars,
        labels=[
            f"{v:.1f}%" if i.progress is not None else "未设目标"
            for v, i in zip(values, rep.indicators, strict=True)
        ],
        fontsize=7,
        padding=2,
    )
    tp = float(rep.time_progress)
    ax.axvline(tp, color="#0f172a", linestyle="--", linewidth=0.8)
    ax.invert_yaxis()
    ax.text(tp, -0.55, f"时序进度 {tp:.1f}%", fontsize=7, ha="center", va="bottom")
    ax.set_xlim(0, max([*values, tp, 100.0]) * 1.15)
    ax.set_xlabel("年度目标完成率（%）", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def pipeline_chart(rep: Report) -> bytes:
    """The park's drugs per development stage, with counts."""
    fig = _figure(6.4, 2.8)
    ax = fig.add_subplot()
    stages = [s for s in rep.dashboard.funnel.stages if s.stage != "discontinued"]
    bars = ax.barh([s.label for s in stages], [s.count for s in stages], color=BLUE, height=0.6)
    ax.bar_label(bars, fontsize=7, padding=2)
    ax.invert_yaxis()
    ax.set_xlabel("药物数量（个）", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    top = max([s.count for s in stages] or [1])
    ax.set_xlim(0, top * 1.15 + 1)
    return _png(fig)


def charts(rep: Report) -> list[tuple[str, bytes]]:
    """(caption, PNG) of every chart of the report, in order."""
    return [
        (f"图1  {rep.year}年各月协议投资额与到位资金（亿元）", months_chart(rep)),
        (f"图2  1—{rep.month_no}月年度目标完成进度（虚线为时序进度）", progress_chart(rep)),
        ("图3  园区创新药管线阶段分布（个）", pipeline_chart(rep)),
    ]
