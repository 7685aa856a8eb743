"""Demo pipeline of 重庆国际生物城: a few publicly reported drugs plus generated demo candidates.

The named products (赛立奇单抗注射液, 普基奥仑赛注射液, GR1803注射液 and its
USD 712,000,000 licensing deal) follow public reports; every other drug here
is invented for the demo (code names such as ZX-101, is_demo=True) so that the
funnel shows the park's reported totals from records: 56 in research, 20 in
clinical stages; the city 100+ in research, 42 in clinical.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.enterprises.models import Enterprise
from biopark.parks.models import Park
from biopark.pipeline.models import Drug, LicensingDeal, Milestone
from biopark.pipeline.stages import Stage, label

# (short name, code prefix, modalities, targets, indications)
MAKERS = [
    (
        "智翔金泰",
        "ZX",
        ["antibody", "bispecific"],
        ["IL-4Rα", "TSLP", "PD-1×VEGF", "CD20×CD3"],
        ["特应性皮炎", "哮喘", "非小细胞肺癌", "B细胞淋巴瘤"],
    ),
    (
        "智睿生物",
        "ZR",
        ["antibody", "adc"],
        ["HER2", "TROP2", "Claudin18.2", "B7-H3"],
        ["乳腺癌", "胃癌", "小细胞肺癌", "尿路上皮癌"],
    ),
    (
        "博唯生物",
        "BW",
        ["vaccine"],
        ["HPV", "RSV", "带状疱疹病毒"],
        ["宫颈癌预防", "RSV感染预防", "带状疱疹预防"],
    ),
    (
        "精准生物",
        "JZ",
        ["cell_therapy"],
        ["CD19", "BCMA", "GPC3"],
        ["急性淋巴细胞白血病", "多发性骨髓瘤", "肝细胞癌"],
    ),
    (
        "宸安生物",
        "CA",
        ["insulin", "peptide"],
        ["GLP-1R", "胰岛素受体", "GIPR/GLP-1R"],
        ["2型糖尿病", "肥胖症", "1型糖尿病"],
    ),
    (
        "科瑞制药",
        "KR",
        ["small_molecule"],
        ["JAK1", "KRAS G12C", "DPP-4"],
        ["类风湿关节炎", "结直肠癌", "2型糖尿病"],
    ),
    ("植恩", "ZE", ["small_molecule", "tcm"], ["5-HT受体", "NMDA受体"], ["抑郁症", "失眠"]),
    ("伍舒芳", "WSF", ["tcm"], ["—"], ["慢性咽炎", "功能性消化不良"]),
]

# Stage mix of the generated park drugs: 56 in research, of which 20 in Phase I–III.
PARK_STAGES = (
    [Stage.preclinical] * 22
    + [Stage.ind_filed] * 6
    + [Stage.ind_approved] * 5
    + [Stage.phase1] * 9
    + [Stage.phase2] * 6
    + [Stage.phase3] * 4
    + [Stage.nda_filed] * 3
)
# Drugs elsewhere in the city (city-level): 48 more in research, 22 more in clinical.
CITY_STAGES = (
    [Stage.preclinical] * 14
    + [Stage.ind_filed] * 6
    + [Stage.ind_approved] * 6
    + [Stage.phase1] * 10
    + [Stage.phase2] * 8
    + [Stage.phase3] * 4
)
CITY_COMPANIES = [
    "重庆两江示例生物药业（演示）",
    "重庆西永示例医药科技（演示）",
    "重庆璧山示例创新药业（演示）",
]
CITY_MODALITIES = ["antibody", "small_molecule", "vaccine", "peptide", "tcm", "adc"]

SUFFIX = {"small_molecule": "片", "tcm": "颗粒"}
BASE_DAY = date(2024, 1, 15)
DEMO_SOURCE = "演示数据：园区管线台账"


def _named(ents: dict[str, Enterprise]) -> list[dict[str, object]]:
    zx, jz = ents["智翔金泰"].id, ents["精准生物"].id
    return [
        dict(
            code="GR1501",
            name="赛立奇单抗注射液",
            enterprise_id=zx,
            modality="antibody",
            target="IL-17A",
            indication="中重度斑块状银屑病",
            stage=Stage.approved,
            stage_since=date(2024, 8, 28),
            is_demo=False,
        ),
        dict(
            code="GR1803",
            name="GR1803注射液",
            enterprise_id=zx,
            modality="bispecific",
            target="BCMA×CD3",
            indication="复发/难治性多发性骨髓瘤",
            stage=Stage.phase1,
            stage_since=date(2023, 6, 1),
            is_demo=False,
        ),
        dict(
            code="JZ-CD19",
            name="普基奥仑赛注射液",
            enterprise_id=jz,
            modality="cell_therapy",
            target="CD19",
            indication="成人复发/难治性B细胞急性淋巴细胞白血病",
            stage=Stage.approved,
            stage_since=date(2025, 3, 1),
            is_demo=False,
        ),
        dict(
            code="CA-201",
            name="门冬胰岛素注射液（演示）",
            enterprise_id=ents["宸安生物"].id,
            modality="insulin",
            target="胰岛素受体",
            indication="糖尿病",
            stage=Stage.marketed,
            stage_since=date(2023, 11, 1),
            is_demo=True,
        ),
        dict(
            code="KR-090",
            name="KR-090片",
            enterprise_id=ents["科瑞制药"].id,
            modality="small_molecule",
            target="DPP-4",
            indication="2型糖尿病",
            stage=Stage.discontinued,
            stage_since=date(2025, 2, 10),
            is_demo=True,
        ),
    ]


def _generated(ents: dict[str, Enterprise]) -> list[dict[str, object]]:
    # GR1803 is one of the 56 in research and one of the 20 in clinical: generate one fewer Phase I.
    out: list[dict[str, object]] = []
    for i, stage in enumerate(PARK_STAGES):
        short, prefix, modalities, targets, indications = MAKERS[i % len(MAKERS)]
        n = i // len(MAKERS)
        modality = modalities[n % len(modalities)]
        code = f"{prefix}-{101 + n}"
        out.append(
            dict(
                code=code,
                name=f"{code}{SUFFIX.get(modality, '注射液')}",
                enterprise_id=ents[short].id,
                modality=modality,
                target=targets[n % len(targets)],
                indication=indications[(n + i) % len(indications)],
                stage=stage,
                stage_since=BASE_DAY + timedelta(days=(i * 37) % 640),
                is_demo=True,
            )
        )
    for i, stage in enumerate(CITY_STAGES):
        modality = CITY_MODALITIES[i % len(CITY_MODALITIES)]
        code = f"CQ-{301 + i}"
        out.append(
            dict(
                code=code,
                name=f"{code}{SUFFIX.get(modality, '注射液')}",
                company_name=CITY_COMPANIES[i % len(CITY_COMPANIES)],
                modality=modality,
                target=None,
                indication=None,
                stage=stage,
                stage_since=BASE_DAY + timedelta(days=(i * 53) % 640),
                scope="city",
                is_demo=True,
            )
        )
    return out


def load(session: Session, *, park: Park) -> None:
    """Create the demo drugs, milestones and the GR1803 deal that are not there yet."""
    ents = {
        e.short_name or e.name: e
        for e in session.scalars(select(Enterprise).where(Enterprise.park_id == park.id))
    }
    if "智翔金泰" not in ents:
        return
    existing = {
        d.code: d for d in session.scalars(select(Drug).where(Drug.park_id == park.id)) if d.code
    }
    for spec in [*_named(ents), *_generated(ents)]:
        code = str(spec["code"])
        if code in existing:
            continue
        drug = Drug(park_id=park.id, **spec)
        session.add(drug)
        session.flush()
        existing[code] = drug
        if drug.stage != Stage.preclinical and drug.stage_since:
            session.add(
                Milestone(
                    park_id=park.id,
                    drug_id=drug.id,
                    occurred_on=drug.stage_since,
                    title=f"进入{label(drug.stage)}",
                    stage=drug.stage,
                    reason="研发策略调整（演示）" if drug.stage == Stage.discontinued else None,
                    source_title=DEMO_SOURCE if drug.is_demo else "公开报道（演示录入）",
                    actor_name="demo",
                )
            )
    gr1803 = existing["GR1803"]
    if not session.scalar(select(LicensingDeal.id).where(LicensingDeal.drug_id == gr1803.id)):
        session.add(
            LicensingDeal(
                park_id=park.id,
                drug_id=gr1803.id,
                partner="海外合作方（演示：名称待核实）",
                territory="大中华区以外全球",
                total=Decimal("712000000"),
                currency="USD",
                signed_on=date(2024, 9, 1),
                source_title="公开报道：GR1803注射液海外授权，交易总额 7.12 亿美元",
            )
        )
    session.flush()
