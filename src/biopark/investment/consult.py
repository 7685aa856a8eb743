"""The public QR consultation: limits per phone and per address, PIPL consent, retention.

Policy when a limit is reached (documented in the README's settings table):

- per phone number (default 3 per Beijing day): the post is refused with a clear message
  (429) and the page shows the visitor what they typed; the earlier submissions from that
  phone are already with the team, so nothing the visitor asked is lost;
- per address (default 300 per hour): a fair's Wi-Fi puts hundreds of visitors behind one
  address, so a valid post above the ceiling is *kept*, flagged for an officer to check,
  never dropped.

Counting is atomic: one counter row per bucket and window, bumped with
`UPDATE ... SET n = n + 1 WHERE n < limit`; the row lock serialises concurrent posts, so
the count never passes the limit.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from biopark.audit import service as audit
from biopark.config import get_settings
from biopark.errors import RateLimited, ValidationFailed
from biopark.investment.access import ENTITY_LEAD
from biopark.investment.config import get_investment_settings
from biopark.investment.leads import pick_owner
from biopark.investment.models import OPEN_LEAD_STATUSES, ConsultCounter, Lead, LeadStatus
from biopark.investment.schemas import ConsultationCreate
from biopark.kit.dates import SHANGHAI, now_utc
from biopark.kit.inserts import insert_new
from biopark.kit.workcal import add_working_hours
from biopark.notify import events
from biopark.parks.models import Park

# Bump when the privacy notice text on the consultation page changes.
PRIVACY_NOTICE_VERSION = "2026-11"
ADDRESS_FLAG = "同一网络提交量超过上限，请核实"


def _digest(kind: str, value: str) -> str:
    # Addresses and phones are counted under a keyed hash, never stored in the clear here.
    key = get_settings().resolved_secret_key().encode()
    return f"{kind}:" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:64]


def bump(session: Session, *, bucket: str, window_start: datetime, limit: int) -> bool:
    """Count one post in the bucket's window; False (and nothing counted) once at the limit."""
    session.execute(
        insert_new(session, ConsultCounter).values(bucket=bucket, window_start=window_start, n=0)
    )
    result = session.execute(
        update(ConsultCounter)
        .where(
            ConsultCounter.bucket == bucket,
            ConsultCounter.window_start == window_start,
            ConsultCounter.n < limit,
        )
        .values(n=ConsultCounter.n + 1)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount == 1


def _windows(now: datetime) -> tuple[datetime, datetime]:
    minutes = max(1, get_investment_settings().consult_address_window_minutes)
    epoch = int(now.timestamp()) // (minutes * 60) * (minutes * 60)
    hour = datetime.fromtimestamp(epoch, tz=now.tzinfo)
    local_day = now.astimezone(SHANGHAI).date()
    day = datetime.combine(local_day, time(0), SHANGHAI)
    return hour, day


def submit_consultation(
    session: Session,
    *,
    park: Park,
    data: ConsultationCreate,
    address: str,
    consent: bool,
    now: datetime | None = None,
) -> Lead:
    """Check consent and the limits, then store the consultation as a lead (flagged if over)."""
    if not consent:
        raise ValidationFailed(
            "请阅读并勾选同意《个人信息保护说明》后再提交",
            en="Please read and accept the privacy notice before submitting",
        )
    cfg = get_investment_settings()
    now = now or now_utc()
    window, day = _windows(now)
    if not bump(
        session,
        bucket=_digest("phone", data.phone),
        window_start=day,
        limit=cfg.consult_phone_limit,
    ):
        raise RateLimited(
            f"该手机号今天已提交 {cfg.consult_phone_limit} 次咨询，我们都已收到，"
            "招商专员会尽快联系您；如有急事请致电园区招商部门",
            en=f"This phone number has already sent {cfg.consult_phone_limit} consultations "
            "today; we have them all and will call you soon",
        )
    within = bump(
        session,
        bucket=_digest("addr", address),
        window_start=window,
        limit=cfg.consult_address_limit,
    )
    return create_consultation(
        session, park=park, data=data, now=now, flag=None if within else ADDRESS_FLAG
    )


def create_consultation(
    session: Session,
    *,
    park: Park,
    data: ConsultationCreate,
    now: datetime | None = None,
    flag: str | None = None,
) -> Lead:
    """Store a public QR consultation as a new lead with an owner and a first-contact deadline."""
    now = now or now_utc()
    deadline = add_working_hours(now, get_investment_settings().first_contact_hours)
    owner = pick_owner(session, park_id=park.id)
    lead = Lead(
        park_id=park.id,
        source="qr",
        status=LeadStatus.new,
        owner_id=owner.id if owner else None,
        next_action="首次联系咨询企业",
        due_at=deadline,
        first_contact_due_at=deadline,
        created_at=now,
        consent_at=now,
        consent_version=PRIVACY_NOTICE_VERSION,
        flag=flag,
        **data.model_dump(),
    )
    session.add(lead)
    session.flush()
    audit.record(
        session,
        actor=None,
        action="consult",
        entity_type=ENTITY_LEAD,
        entity_id=lead.id,
        park_id=park.id,
        changes={"company": lead.company, "source": "qr", "owner_id": lead.owner_id}
        | ({"flag": flag} if flag else {}),
    )
    events.lead_created(session, lead)
    return lead


ANONYMOUS = "（已匿名）"


def purge_stale_leads(session: Session, *, now: datetime, days: int | None = None) -> int:
    """Anonymise leads never converted and older than the retention period; return how many.

    Name, phone, contact and message are cleared; source, industry, chain link, amounts and
    dates stay for the statistics. Old rate-limit counters are deleted on the way.
    """
    days = get_investment_settings().lead_retention_days if days is None else days
    cutoff = now - timedelta(days=days)
    stale = session.scalars(
        select(Lead).where(
            Lead.created_at < cutoff,
            Lead.project_id.is_(None),
            Lead.status != LeadStatus.qualified,
            Lead.anonymised_at.is_(None),
        )
    ).all()
    for lead in stale:
        was_open = lead.status in OPEN_LEAD_STATUSES
        lead.company = ANONYMOUS
        lead.contact_name = ANONYMOUS
        lead.phone = ""
        lead.message = None
        lead.anonymised_at = now
        if was_open:
            lead.status = LeadStatus.closed
            lead.closed_reason = f"超过 {days} 天未转化，已按保存期限匿名化"
        audit.record(
            session,
            actor=None,
            action="anonymise",
            entity_type=ENTITY_LEAD,
            entity_id=lead.id,
            park_id=lead.park_id,
            changes={"retention_days": days},
        )
    session.execute(
        delete(ConsultCounter).where(ConsultCounter.window_start < now - timedelta(days=2))
    )
    session.flush()
    return len(stale)
