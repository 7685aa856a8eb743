"""Channel senders: SMTP e-mail and the group robots of 企业微信, 钉钉 and 飞书.

Each sender raises ChannelError with a short reason; the delivery job records it and retries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import smtplib
import time
import urllib.parse
from email.message import EmailMessage
from typing import Any

import httpx

from biopark.config import Settings
from biopark.notify.models import DINGTALK, FEISHU, WECOM

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class ChannelError(Exception):
    """A channel refused or could not take the message."""


def send_email(settings: Settings, *, to: str, subject: str, text: str) -> None:
    """One plain-text mail through the configured SMTP server."""
    if not settings.smtp_host:
        raise ChannelError("SMTP not configured (BIOPARK_SMTP_HOST)")
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(text)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_tls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise ChannelError(f"SMTP: {type(exc).__name__}: {exc}"[:300]) from exc


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 signature: base64(HMAC-SHA256(key=secret, msg="ts\\nsecret")), URL-quoted."""
    text = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), text, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """飞书 signature: base64(HMAC-SHA256(key="ts\\nsecret", msg=empty))."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def robot_request(
    channel: str, *, url: str, secret: str | None, title: str, text: str, now: float | None = None
) -> tuple[str, dict[str, Any]]:
    """The URL and JSON body a robot expects for one markdown-ish message."""
    now = time.time() if now is None else now
    if channel == WECOM:
        return url, {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{text}"}}
    if channel == DINGTALK:
        if secret:
            ts = int(now * 1000)
            joiner = "&" if "?" in url else "?"
            url = f"{url}{joiner}timestamp={ts}&sign={dingtalk_sign(secret, ts)}"
        return url, {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": f"### {title}\n{text}"},
        }
    if channel == FEISHU:
        body: dict[str, Any] = {"msg_type": "text", "content": {"text": f"{title}\n{text}"}}
        if secret:
            ts = int(now)
            body = {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **body}
        return url, body
    raise ChannelError(f"unknown robot channel: {channel}")


def _accepted(channel: str, payload: Any) -> str | None:
    """None when the robot's JSON answer says OK, else its message."""
    if not isinstance(payload, dict):
        return "unexpected answer"
    if channel == FEISHU:
        code = payload.get("code", payload.get("StatusCode", 0))
        return None if code == 0 else str(payload.get("msg") or payload.get("StatusMessage"))
    return None if payload.get("errcode", 0) == 0 else str(payload.get("errmsg"))


def send_robot(
    channel: str,
    *,
    url: str,
    secret: str | None,
    title: str,
    text: str,
    transport: httpx.BaseTransport | None = None,
) -> None:
    """Post one message to a group robot and check its answer."""
    target, body = robot_request(channel, url=url, secret=secret, title=title, text=text)
    try:
        with httpx.Client(timeout=TIMEOUT, transport=transport) as client:
            resp = client.post(target, json=body)
    except httpx.HTTPError as exc:
        raise ChannelError(f"{channel}: {type(exc).__name__}") from exc
    if resp.status_code >= 400:
        raise ChannelError(f"{channel}: HTTP {resp.status_code}")
    try:
        payload = resp.json()
    except ValueError:
        payload = None
    problem = _accepted(channel, payload)
    if problem is not None:
        raise ChannelError(f"{channel}: {problem}"[:300])
