"""Reading a candidate-firm list (xlsx or csv) into checked rows. No session here."""

from __future__ import annotations

from dataclasses import dataclass

from biopark.kit.sheets import SheetError, read_rows

HEADERS = {
    "link": ("环节", "产业链环节", "link"),
    "name": ("企业名称", "名称", "name", "company"),
    "region": ("地区", "所在地", "region"),
    "reason": ("推荐理由", "理由", "reason"),
    "contact": ("联系方式", "联系人", "contact"),
}
LIMITS = {"link": 60, "name": 200, "region": 60, "reason": 500, "contact": 200}
TEMPLATE_HEADER = ["环节", "企业名称", "地区", "推荐理由", "联系方式"]


@dataclass(frozen=True)
class CandidateRow:
    line: int
    link: str
    name: str
    region: str | None
    reason: str | None
    contact: str | None


def _cell(raw: list[str], index: int | None) -> str:
    return raw[index].strip() if index is not None and index < len(raw) else ""


def read_candidates(filename: str, content: bytes) -> tuple[list[CandidateRow], list[str]]:
    """Rows and per-row errors (Chinese); a file-level problem is the only error when present."""
    try:
        numbered = read_rows(content, filename=filename)
    except SheetError as exc:
        return [], [str(exc)]
    table = [(line, ["" if v is None else str(v).strip() for v in row]) for line, row in numbered]
    if not table:
        return [], ["文件中没有数据"]
    header = table[0][1]
    columns: dict[str, int] = {}
    for key, names in HEADERS.items():
        for i, cell in enumerate(header):
            if cell.lower() in names or cell in names:
                columns[key] = i
                break
    missing = [HEADERS[k][0] for k in ("link", "name") if k not in columns]
    if missing:
        return [], [f"缺少列：{'、'.join(missing)}（表头应为：{'、'.join(TEMPLATE_HEADER)}）"]
    rows: list[CandidateRow] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for offset, raw in table[1:]:
        values = {k: _cell(raw, columns.get(k)) for k in HEADERS}
        problems = []
        if not values["link"]:
            problems.append("环节为空")
        if len(values["name"]) < 2:
            problems.append("企业名称为空或太短")
        for key, limit in LIMITS.items():
            if len(values[key]) > limit:
                problems.append(f"{HEADERS[key][0]}超过 {limit} 字")
        if values["name"] and values["name"][0] in "=+-@":
            problems.append("企业名称不能以 = + - @ 开头")
        pair = (values["link"], values["name"])
        if not problems and pair in seen:
            problems.append(f"与第 {seen[pair]} 行重复")
        if problems:
            errors.append(f"第 {offset} 行：{'，'.join(problems)}")
            continue
        seen[pair] = offset
        rows.append(
            CandidateRow(
                line=offset,
                link=values["link"],
                name=values["name"],
                region=values["region"] or None,
                reason=values["reason"] or None,
                contact=values["contact"] or None,
            )
        )
    return rows, errors
