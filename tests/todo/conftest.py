"""Cheap password hashing: these tests create a user per role and per park."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from biopark.accounts import service as accounts


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
