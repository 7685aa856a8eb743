"""Inbox (/notifications), the bell in the header, preferences and the park's robots."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from biopark.accounts.deps import CurrentUser, SessionDep, optional_user
from biopark.accounts.models import Role, User
from biopark.errors import BioparkError
from biopark.notify import service
from biopark.notify.models import (
    CHANNEL_LABELS,
    CHANNELS,
    KIND_LABELS,
    MODE_LABELS,
    OFF,
    ROBOTS,
)
from biopark.web.flash import flash
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render, templates

router = APIRouter(include_in_schema=False)

register(
    {
        "通知": "Notifications",
        "通知中心": "Notifications",
        "未读": "Unread",
        "全部标为已读": "Mark all read",
        "标为已读": "Mark read",
        "已读": "Read",
        "暂无通知": "No notifications",
        "通知设置": "Notification settings",
        "已全部标为已读": "All marked read",
        "已标为已读": "Marked read",
        "通知设置已保存": "Notification settings saved",
        "机器人设置已保存": "Robot settings saved",
        "邮箱": "E-mail",
        "全部类型": "Every kind",
        "群机器人": "Group robots",
        "签名密钥（可选）": "Signing secret (optional)",
        "投递记录": "Delivery log",
        "渠道": "Channel",
        "状态": "Status",
        "尝试次数": "Attempts",
        "错误": "Error",
        "保存": "Save",
        "即时": "Immediately",
        "每日汇总": "Daily digest",
        "不发送": "Off",
        "站内": "In-app",
        "邮件": "E-mail",
        "企业微信": "WeCom",
        "钉钉": "DingTalk",
        "飞书": "Feishu",
        "新线索": "New lead",
        "诉求派发": "Request dispatched",
        "任务交办": "Task assigned",
        "诉求超时升级": "SLA escalation",
        "项目逾期": "Project overdue",
        "任务逾期": "Task overdue",
        "一企一策跟进到期": "Follow-up due",
        "信息源抓取失败": "Source poll failed",
        "月报": "Monthly report",
        "站内通知始终保留在通知中心；下面选择其他渠道。": (
            "Every notice stays in the inbox; choose the other channels below."
        ),
    }
)

MANAGERS = {Role.admin, Role.leader}


def _safe_next(value: object) -> str:
    text = value if isinstance(value, str) else ""
    parts = urlsplit(text)
    # Only a path on this site: never send the user to another host after a click.
    if not text.startswith("/") or text.startswith("//") or parts.netloc:
        return "/notifications"
    return text


@router.get("/notifications/bell", response_class=HTMLResponse)
def bell(request: Request, session: SessionDep) -> Response:
    user = optional_user(request, session)
    count = service.unread_count(session, user_id=user.id) if user else 0
    # Not render(): that would consume the flash messages meant for the next page.
    return templates().TemplateResponse(request, "notify/_bell_count.html", {"unread": count})


@router.get("/notifications", response_class=HTMLResponse)
def inbox_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    result = service.inbox(session, user=user, size=100)
    ctx = {
        "notices": result.items,
        "total": result.total,
        "unread": service.unread_count(session, user_id=user.id),
        "kind_labels": KIND_LABELS,
    }
    return render(request, "notify/inbox.html", ctx)


@router.post("/notifications/read-all")
def read_all(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    service.mark_all_read(session, user=user)
    flash(request, "已全部标为已读")
    return RedirectResponse("/notifications", status_code=303)


@router.post("/notifications/{notice_id}/read")
def read_one(request: Request, notice_id: int, user: CurrentUser, session: SessionDep) -> Response:
    notice = service.mark_read(session, user=user, notice_id=notice_id)
    form = form_of(request)
    if form.get("open"):
        return RedirectResponse(_safe_next(notice.url), status_code=303)
    flash(request, "已标为已读")
    return RedirectResponse("/notifications", status_code=303)


def _settings_page(
    request: Request,
    session: Session,
    user: User,
    errors: list[str],
    status: int = 200,
) -> Response:
    prefs = service.preferences(session, user=user)
    ctx = {
        "email": prefs["email"] or "",
        "modes": prefs["modes"],
        "kinds": {"*": "全部类型", **KIND_LABELS},
        "channels": CHANNELS,
        "robot_channels": ROBOTS,
        "channel_labels": CHANNEL_LABELS,
        "mode_labels": MODE_LABELS,
        "off": OFF,
        "errors": errors,
        "can_manage": user.role in MANAGERS,
        "robots": service.robots(session, park_id=user.park_id),
        "log": service.delivery_log(session, user=user, limit=30) if user.role in MANAGERS else [],
    }
    return render(request, "notify/settings.html", ctx, status)


@router.get("/notifications/settings", response_class=HTMLResponse)
def settings_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    return _settings_page(request, session, user, [])


@router.post("/notifications/settings", response_class=HTMLResponse)
def save_settings(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    modes: dict[tuple[str, str], str] = {}
    for key, value in form.multi_items():
        if not key.startswith("mode:") or not isinstance(value, str):
            continue
        _, kind, channel = [*key.split(":", 2), "", ""][:3]
        if value == "" and kind != "*":
            continue
        modes[(kind, channel)] = value
    email = form.get("email")
    try:
        with session.begin_nested():
            service.set_preferences(
                session, user=user, email=email if isinstance(email, str) else None, modes=modes
            )
    except BioparkError as exc:
        return _settings_page(request, session, user, [exc.text(lang_of(request))], 422)
    flash(request, "通知设置已保存")
    return RedirectResponse("/notifications/settings", status_code=303)


@router.post("/notifications/robots", response_class=HTMLResponse)
def save_robots(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    try:
        with session.begin_nested():
            for channel in ROBOTS:
                url, secret = form.get(f"url:{channel}"), form.get(f"secret:{channel}")
                service.set_robot(
                    session,
                    user=user,
                    park_id=user.park_id,
                    channel=channel,
                    url=url if isinstance(url, str) else None,
                    secret=secret if isinstance(secret, str) else None,
                )
    except BioparkError as exc:
        if exc.status == 403:
            raise
        return _settings_page(request, session, user, [exc.text(lang_of(request))], 422)
    flash(request, "机器人设置已保存")
    return RedirectResponse("/notifications/settings", status_code=303)
