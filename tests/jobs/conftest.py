"""Cheap password hashing for these tests: they create many users, and argon2's
production cost (about half a second per hash here) would dominate their run time."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from biopark.accounts import service as accounts


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
