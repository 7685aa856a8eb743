from datetime import date

import pytest

from biopark.accounts.models import Role
from biopark.errors import Forbidden
from biopark.intel.index import Filters, query_terms
from biopark.intel.service.backends import open_backend
from biopark.intel.service.search import index_documents, reindex, search, snippet
from tests.builders import make_park, make_user
from tests.intel.builders import demo_bytes, ingest_demo, make_document


def test_query_terms_use_the_domain_dictionary() -> None:
    assert query_terms("创新药 临床") == ["创新药", "临床"]


def test_snippet_escapes_text_and_marks_terms() -> None:
    out = snippet("前文<b>创新药</b>进入临床", ["创新药", "临床"])
    assert "&lt;b&gt;" in out and "<mark>创新药</mark>" in out and "<mark>临床</mark>" in out


@pytest.mark.parametrize("with_index", [False, True])
def test_search_respects_park_filters_and_collapses_reposts(session, tmp_path, with_index) -> None:
    park, other = make_park(session), make_park(session)
    docs = ingest_demo(session, park)
    make_document(session, other, demo_bytes("04"), origin="other")
    index = None
    if with_index:
        reindex(session, path=tmp_path / "index")
        index = open_backend(session, path=tmp_path / "index")
        assert index is not None
    user = make_user(session, park, Role.analyst)

    result = search(session, user=user, query="创新药 临床", index=index)
    assert result.used_index is with_index
    ids = [h.document.id for h in result.hits]
    assert docs["04"].id in ids and docs["06"].id in ids
    assert all(h.document.park_id == park.id for h in result.hits)
    assert "<mark>" in result.hits[0].snippet

    signing = search(session, user=user, query="签约 协议投资额", index=index)
    clusters = [h for h in signing.hits if h.document.cluster_id == docs["01"].id]
    assert len(clusters) == 1
    assert {s.id for s in clusters[0].sources} == {docs["01"].id, docs["02"].id, docs["03"].id}

    dated = search(
        session,
        user=user,
        query="重庆国际生物城",
        index=index,
        filters=Filters(date_from=date(2025, 11, 5), date_to=date(2025, 11, 6)),
    )
    assert {h.document.id for h in dated.hits} == {docs["04"].id}
    by_event = search(
        session, user=user, query="授权", index=index, filters=Filters(event_type="licensing_deal")
    )
    assert [h.document.id for h in by_event.hits] == [docs["05"].id]
    by_entity = search(
        session,
        user=user,
        query="生物",
        index=index,
        filters=Filters(entity="澄江生物科技有限公司"),
    )
    assert [h.document.cluster_id for h in by_entity.hits] == [docs["01"].id]
    by_unit = search(session, user=user, query="宸安", index=index, filters=Filters(unit="USD"))
    assert [h.document.id for h in by_unit.hits] == [docs["05"].id]
    by_source = search(
        session, user=user, query="签约", index=index, filters=Filters(source="巴渝财经网")
    )
    assert [h.document.id for h in by_source.hits] == [docs["02"].id]
    assert search(session, user=user, query="完全无关的词语组合", index=index).hits == []


def test_documents_added_after_the_index_was_built_are_still_found(session, tmp_path) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.analyst)
    make_document(session, park, demo_bytes("06"))
    reindex(session, path=tmp_path / "index")
    index = open_backend(session, path=tmp_path / "index")
    late = make_document(session, park, demo_bytes("05"))
    assert late.indexed_at is None
    assert [h.document.id for h in search(session, user=user, query="宸安", index=index).hits] == [
        late.id
    ]
    assert index is not None
    index_documents(session, index=index, document_ids=[late.id])
    assert late.indexed_at is not None
    assert [h.document.id for h in search(session, user=user, query="宸安", index=index).hits] == [
        late.id
    ]


def test_enterprise_and_department_users_cannot_search(session) -> None:
    park = make_park(session)
    for role in (Role.enterprise, Role.department, Role.commissioner):
        with pytest.raises(Forbidden):
            search(session, user=make_user(session, park, role), query="创新药")


def test_snippet_survives_text_whose_lower_case_is_longer() -> None:
    # "İ".lower() is two characters: offsets from a lower-cased copy overrun the text.
    text = "İ" * 300 + "BioNTech 与园区签约"
    out = snippet(text, ["biontech", "签约"])
    assert "<mark>BioNTech</mark>" in out
    assert "<mark>签约</mark>" in out
    assert snippet("İSTANBUL İlaç", ["i̇stanbul", "ilaç"]).count("<mark>") >= 1
    assert snippet("İİİ", ["zz"]) == "İİİ"
    assert snippet("İİİ 签约", ["签约"]) == "İİİ <mark>签约</mark>"
