from biopark.accounts.models import Role
from biopark.intel.brief import theme_of, to_html, to_markdown
from biopark.intel.service.briefs import build_brief
from tests.builders import make_park, make_user
from tests.intel.builders import ingest_demo


def test_themes() -> None:
    assert theme_of(event_type="licensing_deal", sentence="签署授权协议") == "deals"
    assert theme_of(event_type="clinical_approval", sentence="获批临床") == "pipeline"
    assert theme_of(event_type=None, sentence="印发若干措施，给予奖励") == "policy"
    assert theme_of(event_type=None, sentence="建设中试公共服务平台") == "platforms"
    assert theme_of(event_type=None, sentence="签约项目27个，协议投资额136亿元") == "investment"


def test_brief_groups_points_cites_every_source_of_a_cluster_once(session) -> None:
    park = make_park(session)
    docs = ingest_demo(session, park)
    user = make_user(session, park, Role.leader)
    brief = build_brief(session, user=user, topic="重庆国际生物城 创新药")
    sections = {s.key: s for s in brief.sections}
    assert (
        sections["pipeline"].points and sections["investment"].points and sections["policy"].points
    )
    numbers = {s.number: s.document_id for s in brief.sources}
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    signing = [p for p in sections["investment"].points if "136亿元" in p.sentence]
    assert len(signing) == 1
    cited = {numbers[n] for n in signing[0].citations}
    assert cited == {docs["01"].id, docs["02"].id, docs["03"].id}
    sentences = [p.sentence for s in brief.sections for p in s.points]
    assert len(sentences) == len(set(sentences))
    md = to_markdown(brief)
    assert md.startswith("# 简报：重庆国际生物城 创新药") and "## 来源" in md and "[1]" in md
    assert to_markdown(build_brief(session, user=user, topic="重庆国际生物城 创新药")) == md
    page = to_html(brief)
    assert '<a href="#src-1">[1]</a>' in page and 'id="src-1"' in page


def test_empty_brief(session) -> None:
    park = make_park(session)
    brief = build_brief(
        session, user=make_user(session, park, Role.analyst), topic="不存在的主题词"
    )
    assert brief.empty and "未找到相关资料" in to_markdown(brief)
