"""Who may read and who may write intelligence."""

from __future__ import annotations

from biopark.accounts.models import Role, User
from biopark.errors import Forbidden

READERS = frozenset({Role.analyst, Role.leader, Role.admin, Role.investment_officer})
WRITERS = frozenset({Role.analyst, Role.admin})


def check_read(user: User) -> None:
    """Raise Forbidden unless the user may read intelligence."""
    if user.role not in READERS:
        raise Forbidden()


def check_write(user: User) -> None:
    """Raise Forbidden unless the user may ingest and review."""
    if user.role not in WRITERS:
        raise Forbidden()
