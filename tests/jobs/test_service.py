"""Each job as a plain function on the test database, and the once-per-period claim."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.enterprises.models import PlanFollowUp
from biopark.investment.models import Project, Stage
from biopark.jobs import runs
from biopark.jobs.models import JobRun
from biopark.jobs.service import (
    first_working_day,
    run_escalate_requests,
    run_monthly_report,
    run_overdue_reminders,
)
from biopark.notify import service as notify
from biopark.notify.digest import run_daily_digest
from biopark.notify.models import Delivery, Notice
from tests.builders import make_department, make_enterprise, make_park, make_user
from tests.services.builders import make_request
from tests.tasks.builders import make_task

# Monday 2026-11-30 10:00 Beijing, a working day.
MONDAY = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def test_escalation_notifies_each_leader_once(session: Session) -> None:
    park = make_park(session)
    leaders = [make_user(session, park, Role.leader) for _ in range(2)]
    ent_user = make_user(session, park, Role.enterprise)
    req = make_request(session, ent_user, now=MONDAY)
    # The respond clock (60 working minutes) runs out at 11:00 Beijing.
    assert run_escalate_requests(session, now=MONDAY + timedelta(minutes=59))["escalated"] == 0
    result = run_escalate_requests(session, now=MONDAY + timedelta(minutes=61))
    assert result == {"escalated": 1, "notices": 2, "talent_escalated": 0}
    assert run_escalate_requests(session, now=MONDAY + timedelta(minutes=62))["notices"] == 0
    notices = list(session.scalars(select(Notice).where(Notice.kind == "sla_escalation")))
    assert {n.user_id for n in notices} == {u.id for u in leaders}
    assert all(n.url == f"/requests/{req.id}" for n in notices)


def test_escalation_counts_working_time_over_the_weekend(session: Session) -> None:
    park = make_park(session)
    make_user(session, park, Role.leader)
    ent_user = make_user(session, park, Role.enterprise)
    friday_evening = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)  # 17:30 Beijing
    make_request(session, ent_user, now=friday_evening)
    # Saturday and Sunday are not working time: the clock is still running on Sunday night.
    sunday = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)
    assert run_escalate_requests(session, now=sunday)["escalated"] == 0
    assert run_escalate_requests(session, now=MONDAY)["escalated"] == 1


def test_overdue_reminders_once_a_day(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    dept = make_department(session, park)
    dept_user = make_user(session, park, Role.department, department_id=dept.id)
    commissioner = make_user(session, park, Role.commissioner)
    session.add(
        Project(
            park_id=park.id,
            name="抗体药物产业化基地",
            stage=Stage.negotiating,
            owner_id=officer.id,
            next_action="二次洽谈",
            due_on=date(2026, 11, 20),
        )
    )
    session.add(
        Project(
            park_id=park.id,
            name="未到期项目",
            stage=Stage.negotiating,
            owner_id=officer.id,
            due_on=date(2026, 12, 20),
        )
    )
    make_task(session, park, dept, deadline=date(2026, 11, 1))
    ent = make_enterprise(session, park, commissioner_id=commissioner.id)
    session.add(
        PlanFollowUp(
            park_id=park.id,
            enterprise_id=ent.id,
            happened_on=date(2026, 11, 1),
            note="走访",
            next_step="回访",
            due_on=date(2026, 11, 28),
        )
    )
    session.flush()
    assert run_overdue_reminders(session, now=MONDAY) == {"projects": 1, "tasks": 1, "followups": 1}
    assert run_overdue_reminders(session, now=MONDAY + timedelta(hours=1)) == {
        "projects": 0,
        "tasks": 0,
        "followups": 0,
    }
    kinds = {(n.user_id, n.kind) for n in session.scalars(select(Notice))}
    assert {
        (officer.id, "project_overdue"),
        (dept_user.id, "task_overdue"),
        (commissioner.id, "followup_due"),
        (dept_user.id, "task_assigned"),
    } <= kinds


def test_monthly_report_only_on_first_working_day(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BIOPARK_VAR_DIR", str(tmp_path))
    from biopark.config import get_settings

    get_settings.cache_clear()
    try:
        park = make_park(session)
        leader = make_user(session, park, Role.leader)
        # 2027-02-01 is a Monday and a working day; 2026-11-01 is a Sunday.
        assert first_working_day(2026, 11) == date(2026, 11, 2)
        sunday = datetime(2026, 10, 31, 23, 0, tzinfo=UTC)  # 07:00 on 1 Nov, Beijing
        assert "skipped" in run_monthly_report(session, now=sunday)
        monday = datetime(2026, 11, 1, 23, 0, tzinfo=UTC)  # 07:00 on 2 Nov
        result = run_monthly_report(session, now=monday)
        assert result["month"] == "2026-10"
        assert (tmp_path / "reports" / f"{park.code}-2026-10.docx").stat().st_size > 1000
        run_monthly_report(session, now=monday + timedelta(minutes=5))
        assert len(list(session.scalars(select(Notice).where(Notice.user_id == leader.id)))) == 1
    finally:
        get_settings.cache_clear()


def test_daily_digest_summarises_the_day_on_digest_channels(session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.leader)
    notify.set_preferences(session, user=user, email="w@x.cn", modes={("*", "email"): "digest"})
    for i in range(3):
        notify.send(
            session,
            to=user,
            kind="lead_new",
            title=f"线索{i}",
            url=f"/l/{i}",
            dedupe_key=f"d{i}",
            now=MONDAY - timedelta(hours=2),
        )
    assert session.scalar(select(Delivery).where(Delivery.channel == "email")) is None
    assert run_daily_digest(session, now=MONDAY) == {"digests": 1}
    assert run_daily_digest(session, now=MONDAY + timedelta(minutes=1)) == {"digests": 0}
    digest = session.scalar(select(Notice).where(Notice.kind == "digest"))
    assert digest is not None and "线索2" in (digest.body or "")
    assert (
        session.scalar(
            select(Delivery.channel).where(
                Delivery.notice_id == digest.id, Delivery.channel != "inapp"
            )
        )
        == "email"
    )


def test_claim_once_per_period_and_takeover_of_a_dead_run(session: Session) -> None:
    now = MONDAY
    lease = timedelta(seconds=60)
    first = runs.claim(
        session, job="escalate_requests", period="p1", now=now, worker="a", lease=lease
    )
    assert first is not None
    assert (
        runs.claim(session, job="escalate_requests", period="p1", now=now, worker="b", lease=lease)
        is None
    )
    later = now + timedelta(seconds=61)
    taken = runs.claim(
        session, job="escalate_requests", period="p1", now=later, worker="b", lease=lease
    )
    assert taken is not None and taken.worker == "b" and taken.attempts == 2
    runs.finish(session, run_id=taken.id, result={"ok": 1}, now=later)
    much_later = later + timedelta(hours=1)
    assert (
        runs.claim(
            session, job="escalate_requests", period="p1", now=much_later, worker="c", lease=lease
        )
        is None
    )
    assert len(list(session.scalars(select(JobRun).where(JobRun.period == "p1")))) == 1


def test_unknown_job_is_refused() -> None:
    from biopark.errors import NotFound

    with pytest.raises(NotFound):
        runs.get_job("rm_rf")


def test_purge_leads_job_anonymises_stale_consultations_once(session: Session) -> None:
    from biopark.investment.consult import ANONYMOUS
    from biopark.investment.models import Lead, LeadStatus
    from biopark.jobs.service import JOBS

    park = make_park(session)
    now = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
    stale = Lead(
        park_id=park.id,
        source="qr",
        status=LeadStatus.new,
        company="旧咨询企业",
        contact_name="李先生",
        phone="13900000001",
        created_at=now - timedelta(days=400),
    )
    recent = Lead(
        park_id=park.id,
        source="qr",
        status=LeadStatus.new,
        company="新咨询企业",
        contact_name="王女士",
        phone="13900000002",
        created_at=now - timedelta(days=30),
    )
    session.add_all([stale, recent])
    session.flush()
    job = JOBS["purge_leads"]
    assert job.run(session, now=now) == {"anonymised": 1}
    assert stale.company == ANONYMOUS and stale.phone == ""
    assert recent.company == "新咨询企业"
    assert job.run(session, now=now) == {"anonymised": 0}
