"""schemathesis over every operation of the API: no input may produce a 5xx.

One test per operation, each with a bounded example count
(BIOPARK_FUZZ_EXAMPLES, default 5) so that the whole run stays within a few
minutes in CI; raise it locally for a deeper probe.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.app import create_app
from biopark.config import Settings
from tests.builders import make_department, make_enterprise, make_park, make_user, token_headers

EXAMPLES = int(os.environ.get("BIOPARK_FUZZ_EXAMPLES", "5"))
SPEC = create_app(Settings(var_dir=Path(tempfile.gettempdir()), secret_key="x")).openapi()
OPERATIONS = [
    (path, method.upper())
    for path, item in sorted(SPEC["paths"].items())
    for method in item
    if method in ("get", "post", "put", "patch", "delete")
]


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_no_input_makes_a_server_error(app, session: Session, path: str, method: str) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session, code=f"fuzz-{abs(hash(path)) % 10**8}")
    make_enterprise(session, park)
    make_department(session, park)
    headers = token_headers(TestClient(app), make_user(session, park, Role.admin))
    operation = schemathesis.openapi.from_asgi("/openapi.json", app)[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def probe(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call(headers={**headers, **(case.headers or {})})
        assert response.status_code < 500, (
            f"{method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
        )

    probe()
