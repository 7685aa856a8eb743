"""notify.send: one notice per user and dedupe key, deliveries by preference, the inbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.errors import NotFound, ValidationFailed
from biopark.notify import service
from biopark.notify.models import Delivery, Notice
from tests.builders import make_park, make_user


def test_send_creates_one_notice_per_user_and_never_twice(session: Session) -> None:
    park = make_park(session)
    a, b = make_user(session, park, Role.leader), make_user(session, park, Role.leader)
    first = service.send(
        session, to=[a, b.id, a], kind="lead_new", title="新线索", url="/x/1", dedupe_key="k1"
    )
    again = service.send(
        session, to=[a, b], kind="lead_new", title="新线索", url="/x/1", dedupe_key="k1"
    )
    assert len(first) == 2 and again == []
    assert session.scalar(select(Notice.id).where(Notice.user_id == a.id)) is not None
    assert len(list(session.scalars(select(Notice).where(Notice.dedupe_key == "k1")))) == 2


def test_inactive_users_get_nothing(session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.leader)
    user.active = False
    session.flush()
    assert service.send(session, to=user, kind="lead_new", title="t", url="/", dedupe_key="x") == []


def test_preferences_choose_immediate_channels(session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.leader)
    service.set_preferences(
        session,
        user=user,
        email="wang@example.cn",
        modes={
            ("*", "email"): "immediate",
            ("lead_new", "email"): "digest",
            ("*", "wecom"): "immediate",
        },
    )
    made = service.send(session, to=user, kind="task_assigned", title="t", url="/t", dedupe_key="a")
    chans = set(session.scalars(select(Delivery.channel).where(Delivery.notice_id == made[0].id)))
    assert chans == {"inapp", "email", "wecom"}
    # The kind's own row (digest) overrides '*' (immediate): no e-mail now.
    made = service.send(session, to=user, kind="lead_new", title="t", url="/l", dedupe_key="b")
    chans = set(session.scalars(select(Delivery.channel).where(Delivery.notice_id == made[0].id)))
    assert chans == {"inapp", "wecom"}


@pytest.mark.parametrize(
    ("email", "modes", "message"),
    [
        (None, {("*", "email"): "immediate"}, "邮箱"),
        ("no-at-sign", {}, "邮箱"),
        ("a@b.cn", {("*", "fax"): "immediate"}, "渠道"),
        ("a@b.cn", {("bogus", "email"): "immediate"}, "类型"),
        ("a@b.cn", {("*", "email"): "sometimes"}, "方式"),
    ],
)
def test_bad_preferences_are_refused_and_nothing_is_written(
    session: Session, email: str | None, modes: dict[tuple[str, str], str], message: str
) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.leader)
    with pytest.raises(ValidationFailed, match=message):
        service.set_preferences(session, user=user, email=email, modes=modes)
    assert service.preferences(session, user=user) == {"email": None, "modes": {}}


def test_mark_read_only_own_notices(session: Session) -> None:
    park = make_park(session)
    a, b = make_user(session, park, Role.leader), make_user(session, park, Role.leader)
    (notice,) = service.send(session, to=a, kind="lead_new", title="t", url="/", dedupe_key="r")
    with pytest.raises(NotFound):
        service.mark_read(session, user=b, notice_id=notice.id)
    assert service.unread_count(session, user_id=a.id) == 1
    service.mark_read(session, user=a, notice_id=notice.id)
    assert service.unread_count(session, user_id=a.id) == 0
    service.send(session, to=a, kind="lead_new", title="t", url="/", dedupe_key="r2")
    service.send(session, to=a, kind="lead_new", title="t", url="/", dedupe_key="r3")
    assert service.mark_all_read(session, user=a) == 2


def test_robot_url_must_be_http(session: Session) -> None:
    park = make_park(session)
    admin = make_user(session, park, Role.admin)
    with pytest.raises(ValidationFailed):
        service.set_robot(
            session, user=admin, park_id=park.id, channel="wecom", url="file:///etc/x"
        )
    assert service.robots(session, park_id=park.id) == {}
