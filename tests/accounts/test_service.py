from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from biopark.accounts import service
from biopark.accounts.models import Role
from biopark.accounts.schemas import UserCreate
from biopark.errors import Conflict, RateLimited, ValidationFailed
from tests.builders import PASSWORD, make_park, make_user


def test_password_is_hashed_with_argon2_and_verifies(session: Session) -> None:
    user = make_user(session, make_park(session), Role.analyst)
    assert user.password_hash.startswith("$argon2")
    assert PASSWORD not in user.password_hash
    assert service.verify_password(user.password_hash, PASSWORD)
    assert not service.verify_password(user.password_hash, "wrong-password")


def test_authenticate_records_attempts_and_rate_limits(session: Session) -> None:
    user = make_user(session, make_park(session), Role.leader)
    for _ in range(5):
        assert (
            service.authenticate(session, username=user.username, password="bad", address="1.2.3.4")
            is None
        )
    with pytest.raises(RateLimited):
        service.authenticate(session, username=user.username, password=PASSWORD, address="1.2.3.4")


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
