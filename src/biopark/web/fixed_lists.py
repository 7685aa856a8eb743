"""English for the fixed Chinese lists the domains store as values (tags, pools, bands ...).

Kept in one table so the lists stay consistent wherever a value is shown;
tests/web/test_fixed_lists.py walks every domain's lists and fails on a gap.
"""

from __future__ import annotations

from biopark.web.i18n import register

register(
    {
        # enterprises: TAGS, POOLS, CLUSTERS
        "高新技术企业": "High-tech enterprise",
        "专精特新": "Specialised & innovative SME",
        "关键配套": "Key supplier",
        "上市": "Listed",
        "上市后备": "IPO pipeline",
        "生物药": "Biologics",
        "化学药": "Chemical drugs",
        "现代中药": "Modern TCM",
        "医疗器械": "Medical devices",
        # enterprises: REVENUE_BANDS
        "2000万元以下": "Under 20 million yuan",
        "2000万-1亿元": "20–100 million yuan",
        "1亿-5亿元": "100–500 million yuan",
        "5亿-20亿元": "0.5–2 billion yuan",
        "20亿元以上": "Over 2 billion yuan",
        # enterprises: PRODUCT_KINDS
        "药品": "Drug",
        "原料/中间体": "API / intermediate",
        "服务": "Service",
        # policies: LEVELS
        "国家级": "National",
        "区级": "District-level",
        # policies: OPERATOR_LABELS
        "等于": "equals",
        "不等于": "does not equal",
        "属于": "is one of",
        "不属于": "is none of",
        "不低于": "at least",
        "不高于": "at most",
        "高于": "more than",
        "低于": "less than",
        "具有标签": "has tag",
        "在培育库": "is in pool",
        "位于产业链环节": "is in chain link",
        "成立满（年）": "founded at least (years)",
        "成立不超过（年）": "founded at most (years)",
        # services: CATEGORIES; "其他" (other) closes several lists
        "审评审批": "Review & approval",
        "临床试验对接": "Clinical trial matching",
        "市场准入": "Market access",
        "融资贷款": "Financing & loans",
        "用地": "Land",
        "人才": "Talent",
        "其他": "Other",
        # chart axes
        "亿元": "100 million yuan",
        # tasks: TASK_CATEGORIES
        "编制产业发展规划": "Industry development plan",
        "政策落实": "Policy implementation",
        "项目建设": "Project construction",
        "市场主体培育": "Growing market players",
        "要素保障": "Resource support",
    }
)
