"""Policy pages confirm saves and pushes; a bad push request is refused with a message."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.policies.models import PolicyPush
from tests.builders import csrf_of, make_enterprise, make_park, make_user, page_login
from tests.policies.builders import make_policy


def test_push_flashes_success_and_refuses_bad_input(client: TestClient, session: Session) -> None:
    park = make_park(session)
    commissioner = make_user(session, park, Role.commissioner)
    ent = make_enterprise(session, park, tags=["高新技术企业"], commissioner_id=commissioner.id)
    policy = make_policy(session, park)
    page_login(client, commissioner)
    token = csrf_of(client.get("/push-list").text)
    page = client.post(
        "/push-list/mark", data={"csrf_token": token, "policy_id": "x", "enterprise_id": "1"}
    )
    assert 'class="flash flash-error">推送失败：参数无效<' in page.text
    assert session.scalar(select(func.count()).select_from(PolicyPush)) == 0
    page = client.post(
        "/push-list/mark",
        data={"csrf_token": token, "policy_id": policy.id, "enterprise_id": ent.id},
    )
    assert 'class="flash flash-success">已标记为已推送<' in page.text


def test_policy_edit_flashes_saved_in_the_users_language(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    policy = make_policy(session, park)
    page_login(client, make_user(session, park, Role.admin))
    client.get("/policies?lang=en")
    form = client.get(f"/policies/{policy.id}/edit").text
    import re

    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form))
    fields.update(
        {
            "csrf_token": csrf_of(form),
            "title": policy.title,
            "issuer": policy.issuer,
            "level": policy.level,
            "benefit": policy.benefit,
            "summary": "更新后的摘要",
            "conditions": '{"all": [{"op": "has_tag", "value": "高新技术企业"}]}',
            "published": "on",
        }
    )
    page = client.post(f"/policies/{policy.id}/edit", data=fields)
    assert page.status_code == 200, page.text[:500]
    assert 'class="flash flash-success">Policy saved<' in page.text
