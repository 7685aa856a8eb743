from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.audit import service as audit
from biopark.enterprises import service
from biopark.enterprises.schemas import EnterpriseCreate, EnterpriseUpdate
from biopark.errors import Conflict, Forbidden, NotFound
from tests.builders import make_enterprise, make_park, make_user


def test_create_update_and_history(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    ent = service.create_enterprise(
        session,
        user=officer,
        data=EnterpriseCreate(name="重庆甲乙生物医药有限公司", tags=["专精特新"]),
    )
    service.update_enterprise(
        session, user=officer, enterprise_id=ent.id, data=EnterpriseUpdate(cluster="生物药")
    )
    entries = audit.history(session, park_id=park.id, entity_type="enterprise", entity_id=ent.id)
    assert [e.action for e in entries] == ["update", "create"]
    assert entries[0].changes == {"cluster": [None, "生物药"]}
    assert entries[0].actor_name == officer.username


def test_duplicate_names_are_refused_per_park(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    make_enterprise(session, park, name="重庆丙丁制药有限公司")
    with pytest.raises(Conflict):
        service.create_enterprise(
            session, user=officer, data=EnterpriseCreate(name="重庆丙丁制药有限公司")
        )
    other_officer = make_user(session, make_park(session), Role.investment_officer)
    service.create_enterprise(
        session, user=other_officer, data=EnterpriseCreate(name="重庆丙丁制药有限公司")
    )


def test_filters_by_tag_cluster_and_text(session: Session) -> None:
    park = make_park(session)
    leader = make_user(session, park, Role.leader)
    make_enterprise(session, park, name="重庆戊己生物有限公司", cluster="生物药", tags=["专精特新"])
    make_enterprise(
        session, park, name="重庆庚辛医疗器械有限公司", cluster="医疗器械", tags=["上市"]
    )
    assert [
        e.name for e in service.list_enterprises(session, user=leader, tag="专精特新").items
    ] == ["重庆戊己生物有限公司"]
    assert service.list_enterprises(session, user=leader, cluster="医疗器械").total == 1
    assert service.list_enterprises(session, user=leader, q="庚辛").total == 1


def test_other_parks_records_are_invisible(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    leader = make_user(session, park, Role.leader)
    foreign = make_enterprise(session, other)
    with pytest.raises(NotFound):
        service.get_enterprise(session, user=leader, enterprise_id=foreign.id)


def test_department_users_cannot_browse_the_registry(session: Session) -> None:
    dept_user = make_user(session, make_park(session), Role.department)
    with pytest.raises(Forbidden):
        service.list_enterprises(session, user=dept_user)


def test_enterprise_users_cannot_edit(session: Session) -> None:
    user = make_user(session, make_park(session), Role.enterprise)
    assert user.enterprise_id is not None
    with pytest.raises(Forbidden):
        service.update_enterprise(
            session, user=user, enterprise_id=user.enterprise_id, data=EnterpriseUpdate(address="x")
        )
