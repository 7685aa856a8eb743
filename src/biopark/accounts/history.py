"""How user accounts read in a change history."""

from __future__ import annotations

from biopark.accounts.models import User
from biopark.audit.describe import Ref, register

register(
    "user",
    noun=("用户", "user"),
    record=Ref(User, "display_name"),
    actions={"set_password": ("重设了用户密码", "reset the user's password")},
)
