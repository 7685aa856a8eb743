"""Intel pages confirm an ingest and each review."""

from __future__ import annotations

import re

from biopark.accounts.models import Role
from tests.builders import csrf_of, make_park, make_user, page_login
from tests.intel.builders import demo_bytes


def test_ingest_and_review_flash_success(client, session) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.analyst))
    csrf = csrf_of(client.get("/intel").text)
    page = client.post(
        "/intel/ingest", data={"csrf_token": csrf}, files={"file": ("a.txt", demo_bytes("05"))}
    )
    assert 'class="flash flash-success">文件已上传，正在后台处理<' in page.text
    doc_url = re.search(r'href="(/intel/documents/\d+)"', page.text).group(1)  # type: ignore[union-attr]
    page = client.get(doc_url)
    metric_id = re.search(r'id="metric-(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    page = client.post(
        f"/intel/facts/metric/{metric_id}/review", data={"action": "confirm", "csrf_token": csrf}
    )
    assert 'class="flash flash-success">已确认该条抽取结果<' in page.text
