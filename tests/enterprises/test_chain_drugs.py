"""The enterprise file shows the enterprise's chain links and pipeline drugs, role-scoped."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.enterprises import records
from biopark.enterprises.service import get_enterprise
from biopark.pipeline.stages import Stage
from tests.builders import make_enterprise, make_park, make_user, page_login
from tests.chain.builders import link_of, place
from tests.pipeline.builders import make_drug, make_member


def test_chain_and_drugs_of_one_enterprise(session: Session) -> None:
    park = make_park(session)
    ent, other = make_enterprise(session, park), make_enterprise(session, park)
    place(session, park, "antibody", ent, leader=True)
    place(session, park, "cdmo", ent)
    place(session, park, "vaccine", other)
    make_drug(session, park, name="乙药", enterprise_id=ent.id, stage=Stage.phase1)
    make_drug(session, park, name="甲药", enterprise_id=ent.id, stage=Stage.ind_approved)
    make_drug(session, park, name="别家药", enterprise_id=other.id)
    leader = make_member(session, park, Role.leader)
    got = records.chain_and_drugs(
        session, user=leader, enterprise=get_enterprise(session, user=leader, enterprise_id=ent.id)
    )
    antibody = link_of(session, park, "antibody")
    assert got["links"][0] == {"name": "抗体与ADC", "url": f"/chain/links/{antibody.id}"}
    assert [link["name"] for link in got["links"]] == ["抗体与ADC", "CDMO与生产制造"]
    assert [(d["name"], d["stage"]) for d in got["drugs"]] == [
        ("乙药", "I期临床"),
        ("甲药", "IND获批"),
    ]
    # An enterprise user reads its own links (no chain page for it) and drugs.
    own = make_member(session, park, Role.enterprise, enterprise_id=ent.id)
    got = records.chain_and_drugs(
        session, user=own, enterprise=get_enterprise(session, user=own, enterprise_id=ent.id)
    )
    assert [link["url"] for link in got["links"]] == [None, None]
    assert len(got["drugs"]) == 2


def test_detail_page_sections_and_isolation(session: Session, client: TestClient) -> None:
    park = make_park(session)
    ent, other = make_enterprise(session, park), make_enterprise(session, park)
    place(session, park, "antibody", ent)
    place(session, park, "vaccine", other)
    drug = make_drug(session, park, name="自家药", enterprise_id=ent.id)
    theirs = make_drug(session, park, name="别家疫苗", enterprise_id=other.id)
    leader = make_user(session, park, Role.leader)
    page_login(client, leader)
    html = client.get(f"/enterprises/{ent.id}").text
    assert "产业链与管线" in html
    assert f'href="/chain/links/{link_of(session, park, "antibody").id}"' in html
    assert f'href="/pipeline/drugs/{drug.id}"' in html and "别家疫苗" not in html
    client.cookies.clear()
    user = make_user(session, park, Role.enterprise, enterprise_id=ent.id)
    page_login(client, user)
    html = client.get(f"/enterprises/{ent.id}").text
    assert "抗体与ADC" in html and not re.search(r'href="/chain/links/\d', html)
    assert f'href="/pipeline/drugs/{drug.id}"' in html
    assert "疫苗" not in html and "别家疫苗" not in html
    assert client.get(f"/enterprises/{other.id}").status_code == 404
    assert client.get(f"/pipeline/drugs/{theirs.id}").status_code == 404
