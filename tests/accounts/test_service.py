from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from biopark.accounts import service
from biopark.accounts.models import Role, User
from biopark.accounts.schemas import UserCreate
from biopark.errors import Conflict, RateLimited, ValidationFailed
from biopark.kit.models import utcnow
from tests.builders import PASSWORD, make_park, make_user


def test_password_is_hashed_with_argon2_and_verifies(session: Session) -> None:
    user = make_user(session, make_park(session), Role.analyst)
    assert user.password_hash.startswith("$argon2")
    assert PASSWORD not in user.password_hash
    assert service.verify_password(user.password_hash, PASSWORD)
    assert not service.verify_password(user.password_hash, "wrong-password")


def test_lockout_is_per_user_and_address_with_progressive_delays(session: Session) -> None:
    user = make_user(session, make_park(session), Role.leader)
    t0 = utcnow()

    def attempt(password: str, address: str, after: float) -> User | None:
        return service.authenticate(
            session,
            username=user.username,
            password=password,
            address=address,
            now=t0 + timedelta(seconds=after),
        )

    assert attempt("bad", "1.2.3.4", 0) is None
    assert attempt("bad", "1.2.3.4", 0.1) is None
    # After the second failure the next try waits 2 s, then 4 s, then 8 s.
    with pytest.raises(RateLimited, match="秒后再试"):
        attempt("bad", "1.2.3.4", 0.5)
    assert attempt("bad", "1.2.3.4", 2.5) is None
    with pytest.raises(RateLimited, match="秒后再试"):
        attempt("bad", "1.2.3.4", 5)
    assert attempt("bad", "1.2.3.4", 7) is None
    assert attempt("bad", "1.2.3.4", 16) is None
    # Five failures: this address is locked out for this user, even with the right password.
    with pytest.raises(RateLimited, match="分钟后再试"):
        attempt(PASSWORD, "1.2.3.4", 60)
    # The real user elsewhere is not locked out by the stranger.
    found = attempt(PASSWORD, "10.0.0.8", 61)
    assert found is not None and found.id == user.id
    # The window passes and the pair may try again.
    assert attempt(PASSWORD, "1.2.3.4", 16 * 60 + 20) is not None


def test_password_spraying_from_one_address_is_refused(session: Session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from biopark.config import get_settings

    monkeypatch.setattr(get_settings(), "login_max_failures_per_address", 3)
    park = make_park(session)
    users = [make_user(session, park, Role.leader) for _ in range(4)]
    for u in users[:3]:
        assert (
            service.authenticate(session, username=u.username, password="x", address="5.5.5.5")
            is None
        )
    with pytest.raises(RateLimited, match="该地址"):
        service.authenticate(
            session, username=users[3].username, password=PASSWORD, address="5.5.5.5"
        )


def test_authenticate_succeeds_with_right_password(session: Session) -> None:
    user = make_user(session, make_park(session), Role.leader)
    found = service.authenticate(
        session, username=user.username, password=PASSWORD, address="9.9.9.9"
    )
    assert found is not None and found.id == user.id
    assert found.last_login_at is not None


def test_enterprise_user_needs_an_enterprise_of_the_same_park(session: Session) -> None:
    park = make_park(session)
    with pytest.raises(ValidationFailed):
        service.create_user(
            session,
            park=park,
            data=UserCreate(
                username="ent-x", display_name="x", password=PASSWORD, role=Role.enterprise
            ),
            actor=None,
        )
    other = make_park(session)
    foreign = make_user(session, other, Role.enterprise)
    with pytest.raises(ValidationFailed):
        service.create_user(
            session,
            park=park,
            data=UserCreate(
                username="ent-y",
                display_name="y",
                password=PASSWORD,
                role=Role.enterprise,
                enterprise_id=foreign.enterprise_id,
            ),
            actor=None,
        )


def test_duplicate_username_is_refused(session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.analyst)
    with pytest.raises(Conflict):
        make_user(session, park, Role.analyst, username=user.username)


def test_tokens_resolve_until_revoked(session: Session) -> None:
    user = make_user(session, make_park(session), Role.analyst)
    plain, _ = service.issue_token(session, user=user)
    assert service.user_for_token(session, token=plain) == user
    service.revoke_token(session, token=plain)
    assert service.user_for_token(session, token=plain) is None
    assert service.user_for_token(session, token="bp_not-a-token") is None


@pytest.mark.parametrize(
    "password",
    ["short-pass1", "password2024!", "qwertyuiop12", "123456789012", "zzzzzzzzzzzz", "Admin@2026"],
)
def test_weak_passwords_are_refused(session: Session, password: str) -> None:
    park = make_park(session)
    with pytest.raises(ValidationFailed, match="密码"):
        make_user(session, park, Role.leader, password=password)
    user = make_user(session, park, Role.leader)
    with pytest.raises(ValidationFailed, match="密码"):
        service.set_password(session, user=user, password=password, actor=None)


def test_password_may_not_contain_the_username(session: Session) -> None:
    user = make_user(session, make_park(session), Role.leader)
    with pytest.raises(ValidationFailed, match="用户名"):
        service.set_password(session, user=user, password=f"x{user.username}-9", actor=None)
