"""Demo chain map: demo enterprises placed on links, some links left as gaps, candidate firms.

The candidate firms are invented for the demo (marked 演示) and go through the
same import as an uploaded file.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.chain import gaps, service
from biopark.chain.models import ChainCandidate, ChainLink, LinkPlacement
from biopark.enterprises.models import Enterprise
from biopark.parks.models import Park

# link code -> [(enterprise short name, is leader)]; discovery, equipment, cdmo, clinical,
# distribution and market access are left empty on purpose: they are the demo's gaps.
PLACEMENTS = {
    "api": [("科瑞制药", False)],
    "materials": [("美莱德生物", False)],
    "antibody": [("智翔金泰", True), ("智睿生物", True)],
    "vaccine": [("博唯生物", False)],
    "cgt": [("精准生物", False)],
    "peptide": [("宸安生物", False)],
    "chemical": [("雅培", True), ("科瑞制药", True), ("植恩", False)],
    "tcm": [("植恩", False), ("伍舒芳", False)],
    "devices": [("全干医科", False), ("嘉奥手术机器人", False), ("嘉士腾", False)],
}

CANDIDATES_CSV = """环节,企业名称,地区,推荐理由,联系方式
discovery,成都示例新药研发服务有限公司（演示）,四川成都,抗体发现与药效评价平台，可就近服务园区抗体企业,
discovery,苏州示例结构生物科技有限公司（演示）,江苏苏州,冷冻电镜结构解析服务,
cdmo,上海示例生物制剂CDMO有限公司（演示）,上海,2000L一次性生物反应器产能，承接抗体与双抗工艺开发,
cdmo,武汉示例细胞治疗CDMO有限公司（演示）,湖北武汉,CAR-T病毒载体与细胞制备GMP产线,
clinical,北京示例临床研究服务有限公司（演示）,北京,肿瘤与免疫领域I–III期临床运营（CRO/SMO）,
equipment,浙江示例制药装备有限公司（演示）,浙江杭州,一次性生物工艺袋与配液系统,
"""


def load(session: Session, *, park: Park) -> None:
    """Create the chain map, the demo placements and candidates that are not there yet."""
    chain = service.ensure_map(session, park_id=park.id)
    links = {
        link.code: link
        for link in session.scalars(select(ChainLink).where(ChainLink.map_id == chain.id))
    }
    ents = {
        e.short_name or e.name: e
        for e in session.scalars(select(Enterprise).where(Enterprise.park_id == park.id))
    }
    placed = {
        (p.link_id, p.enterprise_id)
        for p in session.scalars(select(LinkPlacement).where(LinkPlacement.park_id == park.id))
    }
    for code, members in PLACEMENTS.items():
        link = links.get(code)
        if link is None:
            continue
        for short, leader in members:
            ent = ents.get(short)
            if ent is None or (link.id, ent.id) in placed:
                continue
            session.add(
                LinkPlacement(
                    park_id=park.id, link_id=link.id, enterprise_id=ent.id, is_leader=leader
                )
            )
    session.flush()
    has_candidates = session.scalar(
        select(func.count()).select_from(ChainCandidate).where(ChainCandidate.park_id == park.id)
    )
    if not has_candidates:
        gaps.import_candidates(
            session,
            park_id=park.id,
            filename="demo-candidates.csv",
            content=CANDIDATES_CSV.encode("utf-8"),
            is_demo=True,
        )
