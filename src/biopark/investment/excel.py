"""Project ledger (招商项目台账) in Excel: import all-or-nothing, export in print layout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.errors import ValidationFailed
from biopark.investment import service, stages
from biopark.investment.models import (
    OPEN_STAGES,
    STAGE_DATE_FIELD,
    FundsEntry,
    Project,
    Stage,
    StageChange,
)
from biopark.investment.schemas import ProjectCreate, to_money
from biopark.investment.stages import rank
from biopark.kit.sheets import SheetError, read_rows
from biopark.web.forms import error_messages

_WAN = Decimal(10000)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str  # text, money, mu, date, stage, owner, seq, code
    width: int = 12


COLUMNS = (
    Column("序号", "seq", "seq", 6),
    Column("项目编号", "code", "code", 13),
    Column("项目名称", "name", "text", 28),
    Column("企业名称", "company", "text", 26),
    Column("阶段", "stage", "stage", 8),
    Column("负责人", "owner", "owner", 10),
    Column("链长团队", "team", "text", 12),
    Column("产业链", "chain", "text", 12),
    Column("产业链环节", "chain_link", "text", 14),
    Column("项目地点", "site", "text", 16),
    Column("用地（亩）", "land_mu", "mu", 10),
    Column("协议投资额（万元）", "agreed_investment", "money", 14),
    Column("到位资金（万元）", "funds_in_place", "money", 14),
    Column("最近到位日期", "funds_on", "date", 12),
    Column("签约日期", "signed_on", "date", 12),
    Column("入库日期", "registered_on", "date", 12),
    Column("开工日期", "started_on", "date", 12),
    Column("投产日期", "produced_on", "date", 12),
    Column("终止原因", "terminated_reason", "text", 16),
    Column("下一步工作", "next_action", "text", 24),
    Column("截止日期", "due_on", "date", 12),
    Column("备注", "notes", "text", 24),
)
HEADERS = {c.header: c for c in COLUMNS}
_LABELS = {c.field: c.header for c in COLUMNS} | {"owner_id": "负责人"}


class ImportRejected(ValidationFailed):
    """The whole file was refused; `errors` has one line per bad row."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(
            f"导入被拒绝，共 {len(errors)} 处错误，未导入任何数据：" + "；".join(errors[:5]),
            en=f"Import rejected with {len(errors)} errors; nothing was imported",
        )
        self.errors = errors


def _cell_money(value: Any, header: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        # A bare number in a 万元 column is in 万元; text such as "1.5亿" carries its own unit.
        return to_money(Decimal(str(value)) * (_WAN if "万元" in header else 1))
    text = str(value).strip()
    if text.replace(",", "").replace(".", "", 1).isdigit() and "万元" in header:
        return to_money(Decimal(text.replace(",", "")) * _WAN)
    return to_money(text)


def _cell_date(value: Any) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"日期格式不对：{value}（应为 YYYY-MM-DD）")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@dataclass(frozen=True)
class ImportResult:
    """How many ledger rows created projects and how many updated existing ones (by code)."""

    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


@dataclass
class _Row:
    line: int
    project: Project | None
    data: ProjectCreate
    stage: Stage
    dates: dict[str, date | None]
    terminated_reason: str | None
    funds: Decimal | None
    funds_on: date | None


def _read_rows(content: bytes) -> tuple[list[str], list[tuple[int, tuple[Any, ...]]]]:
    try:
        numbered = read_rows(content)
    except SheetError as exc:
        raise ValidationFailed(str(exc)) from None
    header: list[str] | None = None
    rows: list[tuple[int, tuple[Any, ...]]] = []
    for line, row in numbered:
        if header is None:
            cells = [_text(c) or "" for c in row]
            if "项目名称" in cells:
                header = cells
            continue
        if _text(row[0]) in ("合计", "总计"):
            # The totals row ends the ledger; what follows is a footer.
            break
        rows.append((line, row))
    if header is None:
        raise ValidationFailed("找不到表头（须含“项目名称”列）", en="No header row with 项目名称")
    return header, rows


def import_ledger(session: Session, *, user: User, content: bytes) -> ImportResult:
    """Check the whole ledger, then import every row or none (ImportRejected lists the errors).

    A row with a 项目编号 updates that project; a row without one creates a project.
    """
    service.check_access(user)
    header, raw_rows = _read_rows(content)
    unknown = [h for h in header if h and h not in HEADERS]
    errors: list[str] = [f"未知列：{h}" for h in unknown]
    owners = service.officers(session, park_id=user.park_id)
    by_name = {u.username: u for u in owners} | {u.display_name: u for u in owners}
    park_projects = list(session.scalars(select(Project).where(Project.park_id == user.park_id)))
    by_code = {p.code: p for p in park_projects if p.code}
    name_owner = {p.name: p.id for p in park_projects}
    service.decorate_projects(session, park_projects)
    seen: set[str] = set()
    seen_codes: set[str] = set()
    parsed: list[_Row] = []
    for line, row in raw_rows:
        cells = {
            header[i]: row[i] for i in range(min(len(header), len(row))) if header[i] in HEADERS
        }
        values, extra, problems = _read_cells(cells, by_name)
        code = extra.get("code")
        project = by_code.get(code) if code else None
        name = _text(values.get("name"))
        if code and project is None:
            problems.append(f"项目编号不存在：{code}（新项目请留空编号）")
        elif code and code in seen_codes:
            problems.append(f"项目编号在文件中重复：{code}")
        if code:
            seen_codes.add(code)
        if name and name in name_owner and (project is None or name_owner[name] != project.id):
            problems.append(
                f"项目已存在：{name}（更新请填写项目编号）"
                if not code
                else f"项目名称已被其他项目使用：{name}"
            )
        elif name in seen:
            problems.append(f"项目名称在文件中重复：{name}")
        if name:
            seen.add(name)
        data: ProjectCreate | None = None
        try:
            data = ProjectCreate.model_validate({k: v for k, v in values.items() if v is not None})
        except ValidationError as exc:
            problems.extend(error_messages(exc, _LABELS))
        stage = extra.get("stage", Stage.lead)
        problems.extend(_row_rules(values, extra, stage, project))
        if problems:
            errors.append(f"第 {line} 行：" + "；".join(problems))
        elif data is not None:
            parsed.append(
                _Row(
                    line=line,
                    project=project,
                    data=data,
                    stage=stage,
                    dates={f: extra.get(f) for f in STAGE_DATE_FIELD.values()},
                    terminated_reason=extra.get("terminated_reason"),
                    funds=extra.get("funds_in_place"),
                    funds_on=extra.get("funds_on"),
                )
            )
    if not raw_rows and not errors:
        errors.append("文件中没有数据行")
    if errors:
        raise ImportRejected(errors)
    for r in parsed:
        if r.project is None:
            _store(session, user=user, row=r)
        else:
            _update(session, user=user, row=r, project=r.project)
    updated = sum(1 for r in parsed if r.project is not None)
    return ImportResult(created=len(parsed) - updated, updated=updated)


def _read_cells(
    cells: dict[str, Any], by_name: dict[str, User]
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    today = service.today_local()
    problems: list[str] = []
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for h, value in cells.items():
        col = HEADERS[h]
        try:
            if col.kind == "seq":
                continue
            if col.kind == "code":
                extra["code"] = _text(value)
            elif col.kind == "money":
                target = extra if col.field == "funds_in_place" else values
                target[col.field] = _cell_money(value, h)
            elif col.kind == "date":
                d = _cell_date(value)
                if d and d > today and col.field not in ("due_on",):
                    raise ValueError(f"{h}不能晚于今天")
                (values if col.field == "due_on" else extra)[col.field] = d
            elif col.kind == "stage":
                text = _text(value) or Stage.lead.value
                extra["stage"] = Stage(text)
            elif col.kind == "owner":
                name = _text(value)
                if name:
                    if name not in by_name:
                        raise ValueError(f"负责人“{name}”不是本园区的招商人员")
                    values["owner_id"] = by_name[name].id
            elif col.field == "terminated_reason":
                extra[col.field] = _text(value)
            else:
                values[col.field] = _text(value) if col.kind == "text" else value
        except ValueError as exc:
            msg = str(exc)
            if "is not a valid Stage" in msg:
                msg = f"阶段须为：{'、'.join(s.value for s in Stage)}"
            problems.append(f"{h}：{msg}")
    return values, extra, problems


def _row_rules(
    values: dict[str, Any], extra: dict[str, Any], stage: Stage, project: Project | None
) -> list[str]:
    """The stage rules (stages.STAGE_FACTS) and the funds rule, applied to one ledger row."""
    problems: list[str] = []
    dates = {f: extra.get(f) for f in STAGE_DATE_FIELD.values()}
    if stage != Stage.terminated:
        for st, facts in stages.STAGE_FACTS.items():
            missing = [
                f.zh
                for f in facts
                if rank(stage) >= rank(st) and (extra.get(f.field) or values.get(f.field)) is None
            ]
            if missing:
                problems.append(f"阶段为“{stage.value}”须填写{'、'.join(missing)}")
        for st, field in STAGE_DATE_FIELD.items():
            if rank(stage) < rank(st) and dates[field] is not None:
                problems.append(f"阶段为“{stage.value}”不应填写{_header_of(field)}")
    try:
        stages.check_dates(dates, today=service.today_local())
    except ValidationFailed as exc:
        problems.append(exc.message)
    if stage == Stage.terminated and not extra.get("terminated_reason"):
        problems.append("阶段为“终止”须填写终止原因")
    if stage in OPEN_STAGES and (not values.get("next_action") or not values.get("due_on")):
        problems.append("在推项目须填写下一步工作和截止日期")
    funds = extra.get("funds_in_place")
    if funds and not extra.get("funds_on"):
        problems.append("有到位资金须填写最近到位日期")
    current = getattr(project, "funds_in_place", Decimal(0)) if project else Decimal(0)
    if funds is not None and funds < current:
        problems.append(f"到位资金不能少于已登记的 {current / _WAN:,.2f} 万元")
    agreed = values.get("agreed_investment") or (project.agreed_investment if project else None)
    if funds and funds > (agreed or 0) and funds > current:
        problems.append("到位资金超过协议投资额，须在项目页确认后登记")
    return problems


def _header_of(field: str) -> str:
    return next(c.header for c in COLUMNS if c.field == field)


def _store(session: Session, *, user: User, row: _Row) -> Project:
    values = row.data.model_dump()
    values["owner_id"] = values["owner_id"] or user.id
    project = Project(
        park_id=user.park_id,
        stage=row.stage,
        terminated_reason=row.terminated_reason,
        **{k: v for k, v in row.dates.items()},
        **values,
    )
    session.add(project)
    session.flush()
    dated = [d for d in row.dates.values() if d] or [service.today_local()]
    session.add(
        StageChange(
            park_id=project.park_id,
            project_id=project.id,
            from_stage=None,
            to_stage=row.stage,
            effective_on=max(dated),
            reason="Excel 台账导入",
            actor_id=user.id,
            actor_name=user.username,
        )
    )
    if row.funds:
        session.add(
            FundsEntry(
                park_id=project.park_id,
                project_id=project.id,
                received_on=row.funds_on,
                amount=row.funds,
                note="Excel 台账导入（累计）",
                recorded_by=user.id,
            )
        )
    audit.record(
        session,
        actor=user,
        action="import",
        entity_type=service.ENTITY_PROJECT,
        entity_id=project.id,
        park_id=project.park_id,
        changes={"line": row.line, "stage": row.stage.value, "name": project.name},
    )
    return project


def _update(session: Session, *, user: User, row: _Row, project: Project) -> Project:
    values: dict[str, Any] = row.data.model_dump(exclude_unset=True)
    values.update(row.dates)
    if row.stage != project.stage:
        values["stage"] = row.stage
        values["terminated_reason"] = row.terminated_reason
    from_stage = project.stage
    changed = audit.apply_changes(project, values)
    if "stage" in changed:
        dated = [d for d in row.dates.values() if d] or [service.today_local()]
        session.add(
            StageChange(
                park_id=project.park_id,
                project_id=project.id,
                from_stage=from_stage,
                to_stage=row.stage,
                effective_on=max(dated),
                reason="Excel 台账导入（更新）",
                actor_id=user.id,
                actor_name=user.username,
            )
        )
    current = getattr(project, "funds_in_place", Decimal(0))
    if row.funds and row.funds > current and row.funds_on:
        # The ledger holds the cumulative total; what is new is the difference.
        session.add(
            FundsEntry(
                park_id=project.park_id,
                project_id=project.id,
                received_on=row.funds_on,
                amount=row.funds - current,
                note="Excel 台账导入（累计差额）",
                recorded_by=user.id,
            )
        )
        changed["funds_in_place"] = [str(current), str(row.funds)]
    audit.record(
        session,
        actor=user,
        action="import",
        entity_type=service.ENTITY_PROJECT,
        entity_id=project.id,
        park_id=project.park_id,
        changes={"line": row.line, "code": project.code, **changed},
    )
    return project
