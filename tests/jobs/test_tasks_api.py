"""Background task API and pages: 202 and polling, refusals, owners only, both languages."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.jobs.models import BackgroundTask
from tests.builders import csrf_of, make_park, make_user, page_login, token_headers
from tests.chain.builders import xlsx_bytes
from tests.intel.builders import demo_bytes

GOOD = [["环节", "企业名称"], ["cdmo", "甲CDMO有限公司"]]
BAD = [["环节", "企业名称"], ["cdmo", "甲CDMO有限公司"], ["nowhere", "乙公司"]]
XLSX = "application/octet-stream"


def _poll(client: TestClient, url: str, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    for _ in range(20):
        body = client.get(url, headers=headers).json()
        if body["status"] in ("done", "failed"):
            return body  # type: ignore[no-any-return]
    raise AssertionError(f"task never finished: {body}")


def test_upload_returns_202_and_the_status_url_gives_the_result(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    h = token_headers(client, make_user(session, park, Role.analyst))
    resp = client.post(
        "/api/jobs/tasks",
        data={"kind": "candidate_import"},
        files={"file": ("c.xlsx", xlsx_bytes(GOOD), XLSX)},
        headers=h,
    )
    assert resp.status_code == 202, resp.text
    body = resp.json()
    assert body["status_url"] == f"/api/jobs/tasks/{body['task_id']}"
    done = _poll(client, body["status_url"], h)
    assert done["status"] == "done" and done["progress"] == {"done": 1, "total": 1}
    assert done["result"]["created"] == 1 and done["error"] is None


def test_a_rejected_import_reports_its_reason_in_the_users_language(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    h = token_headers(client, make_user(session, park, Role.analyst))
    resp = client.post(
        "/api/jobs/tasks",
        data={"kind": "candidate_import"},
        files={"file": ("c.xlsx", xlsx_bytes(BAD), XLSX)},
        headers=h,
    )
    url = resp.json()["status_url"]
    zh = _poll(client, url, h)
    assert zh["status"] == "failed" and zh["error"].startswith("导入未执行")
    assert any("第 3 行" in e for e in zh["result"]["errors"])
    en = client.get(url + "?lang=en", headers=h).json()
    assert en["error"].startswith("Nothing imported") and en["label"] == "Chain candidate import"


def test_intel_batch_of_several_files(client: TestClient, session: Session) -> None:
    park = make_park(session)
    h = token_headers(client, make_user(session, park, Role.analyst))
    files = [("file", (f"{p}.txt", demo_bytes(p), "text/plain")) for p in ("04", "05", "04")]
    resp = client.post("/api/jobs/tasks", data={"kind": "intel_batch"}, files=files, headers=h)
    body = _poll(client, resp.json()["status_url"], h)
    assert body["progress"] == {"done": 3, "total": 3}
    assert [i["status"] for i in body["result"]["items"]] == ["new", "new", "duplicate"]


def test_refusals_are_4xx_with_an_error_body_and_write_nothing(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    analyst = token_headers(client, make_user(session, park, Role.analyst))
    leader = token_headers(client, make_user(session, park, Role.leader))
    one = {"file": ("c.xlsx", xlsx_bytes(GOOD), XLSX)}
    cases = [
        (analyst, {"kind": "nope"}, one, 422),
        (leader, {"kind": "candidate_import"}, one, 403),
        (analyst, {"kind": "candidate_import"}, {"file": ("c.xlsx", b"", XLSX)}, 422),
        (
            analyst,
            {"kind": "intel_batch"},
            {"file": ("a.txt", b"x" * (5 * 1024 * 1024 + 1), "text/plain")},
            422,
        ),
    ]
    for headers, data, files, status in cases:
        resp = client.post("/api/jobs/tasks", data=data, files=files, headers=headers)
        assert resp.status_code == status, resp.text
        assert set(resp.json()["error"]) >= {"code", "message"}
    en = client.post(
        "/api/jobs/tasks?lang=en", data={"kind": "nope"}, files=one, headers=analyst
    ).json()
    assert en["error"]["message"].startswith("Unknown task kind")
    assert session.scalar(select(func.count()).select_from(BackgroundTask)) == 0


def test_someone_elses_task_is_404(client: TestClient, session: Session) -> None:
    park = make_park(session)
    owner = token_headers(client, make_user(session, park, Role.analyst))
    resp = client.post(
        "/api/jobs/tasks",
        data={"kind": "candidate_import"},
        files={"file": ("c.xlsx", xlsx_bytes(GOOD), XLSX)},
        headers=owner,
    )
    url = resp.json()["status_url"]
    other = make_user(session, park, Role.analyst)
    resp = client.get(url, headers=token_headers(client, other))
    assert resp.status_code == 404 and resp.json()["error"]["message"] == "没有这个后台任务"
    admin = token_headers(client, make_user(session, park, Role.admin))
    assert client.get(url, headers=admin).status_code == 200


def test_page_upload_redirects_to_a_status_page_with_the_result(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    analyst = make_user(session, park, Role.analyst)
    page_login(client, analyst)
    csrf = csrf_of(client.get("/chain/gaps").text)
    resp = client.post(
        "/jobs/tasks",
        data={"kind": "candidate_import", "csrf_token": csrf},
        files={"file": ("c.xlsx", xlsx_bytes(GOOD), XLSX)},
        follow_redirects=False,
    )
    assert resp.status_code == 303 and resp.headers["location"].startswith("/jobs/tasks/")
    page = client.get(resp.headers["location"])
    assert page.status_code == 200
    assert "文件已上传，正在后台处理" in page.text and "已完成" in page.text
    assert "新增 1" in page.text and 'hx-trigger="every 2s"' not in page.text
    fragment = client.get(resp.headers["location"] + "/status?lang=en")
    assert "Done" in fragment.text and "Created 1" in fragment.text


def test_page_shows_a_failed_import_and_refuses_a_bad_upload(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.analyst))
    csrf = csrf_of(client.get("/chain/gaps").text)
    resp = client.post(
        "/jobs/tasks",
        data={"kind": "candidate_import", "csrf_token": csrf},
        files={"file": ("c.xlsx", xlsx_bytes(BAD), XLSX)},
    )
    assert "失败原因" in resp.text and "第 3 行" in resp.text and "未做任何修改" in resp.text
    nothing = client.post(
        "/jobs/tasks", data={"kind": "candidate_import", "csrf_token": csrf}, follow_redirects=False
    )
    assert nothing.status_code == 303 and nothing.headers["location"] == "/chain/gaps"
    assert "请选择要上传的文件" in client.get("/chain/gaps").text


def test_enterprise_and_ledger_pages_hand_uploads_to_tasks(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    admin = make_user(session, park, Role.admin)
    h = token_headers(client, admin)
    page_login(client, admin)
    csrf = csrf_of(client.get("/enterprises/import").text)
    export = client.get("/api/enterprises/export.xlsx", headers=h).content
    resp = client.post(
        "/enterprises/import",
        data={"csrf_token": csrf},
        files={"file": ("e.xlsx", export, XLSX)},
        follow_redirects=False,
    )
    assert resp.status_code == 303 and resp.headers["location"].startswith("/jobs/tasks/")
    assert "已完成" in client.get(resp.headers["location"]).text
    junk = client.post(
        "/investment/projects/import?lang=en",
        data={"csrf_token": csrf},
        files={"file": ("x.xlsx", b"not a workbook", XLSX)},
    )
    assert junk.status_code == 422 and "Spreadsheet refused" in junk.text
    assert session.scalar(select(func.count()).select_from(BackgroundTask)) == 1
