"""The login rate limit under real concurrency: separate connections, committed rows."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from biopark.accounts import service
from biopark.accounts.models import LoginAttempt, Role
from biopark.config import get_settings
from biopark.db import WRITER_OPTION
from biopark.errors import RateLimited
from biopark.parks.models import Park
from tests.builders import make_park, make_user


def test_40_simultaneous_wrong_passwords_check_at_most_the_limit(engine: Engine) -> None:
    writer = engine.execution_options(**{WRITER_OPTION: True})
    with Session(writer) as setup:
        park = make_park(setup)
        user = make_user(setup, park, Role.leader)
        setup.commit()
        username, park_id = user.username, park.id
    checked = 0
    refused = 0
    lock = threading.Lock()
    barrier = threading.Barrier(40)

    def attempt(_: int) -> None:
        nonlocal checked, refused
        barrier.wait()
        with Session(writer) as s:
            try:
                assert (
                    service.authenticate(s, username=username, password="wrong", address="7.7.7.7")
                    is None
                )
                s.commit()
                with lock:
                    checked += 1
            except RateLimited:
                s.rollback()
                with lock:
                    refused += 1

    try:
        with ThreadPoolExecutor(40) as pool:
            list(pool.map(attempt, range(40)))
        assert checked + refused == 40
        assert 1 <= checked <= get_settings().login_max_failures, checked
    finally:
        with Session(writer) as cleanup:
            cleanup.execute(delete(LoginAttempt).where(LoginAttempt.username == username))
            cleanup.execute(delete(Park).where(Park.id == park_id))
            cleanup.commit()
