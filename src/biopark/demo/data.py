"""The demo park: Chongqing International Bio City (重庆国际生物城), Banan District.

Names and tags follow public reports on the park; founding dates, credit codes
and capital are left empty where no public figure was at hand.
"""

from __future__ import annotations

PARK = {
    "code": "cq-biocity",
    "name": "重庆国际生物城",
    "name_en": "Chongqing International Bio City",
    "aliases": "重庆生物城\n国际生物城\nChongqing Bio City",
    "district": "巴南区",
    "city": "重庆市",
    "description": "重庆“1+5+N”生物医药产业体系中的核心“1”，创新药产业的重要承载地。",
}

# The 21 municipal departments of the coordination mechanism (专项协调机制).
DEPARTMENTS = [
    ("重庆市发展和改革委员会", "市发展改革委"),
    ("重庆市经济和信息化委员会", "市经济信息委"),
    ("重庆市教育委员会", "市教委"),
    ("重庆市科学技术局", "市科技局"),
    ("重庆市财政局", "市财政局"),
    ("重庆市人力资源和社会保障局", "市人力社保局"),
    ("重庆市规划和自然资源局", "市规划自然资源局"),
    ("重庆市生态环境局", "市生态环境局"),
    ("重庆市住房和城乡建设委员会", "市住房城乡建委"),
    ("重庆市商务委员会", "市商务委"),
    ("重庆市卫生健康委员会", "市卫生健康委"),
    ("重庆市国有资产监督管理委员会", "市国资委"),
    ("重庆市市场监督管理局", "市市场监管局"),
    ("重庆市医疗保障局", "市医保局"),
    ("重庆市药品监督管理局", "市药监局"),
    ("重庆市知识产权局", "市知识产权局"),
    ("重庆市地方金融管理局", "市金融管理局"),
    ("重庆市大数据应用发展管理局", "市大数据发展局"),
    ("中华人民共和国重庆海关", "重庆海关"),
    ("国家税务总局重庆市税务局", "市税务局"),
    ("重庆市巴南区人民政府", "巴南区政府"),
]

# (name, short name, cluster, tags)
ENTERPRISES = [
    (
        "重庆智翔金泰生物制药股份有限公司",
        "智翔金泰",
        "生物药",
        ["高新技术企业", "龙头企业", "上市"],
    ),
    ("重庆智睿生物医药有限公司", "智睿生物", "生物药", ["高新技术企业", "龙头企业"]),
    ("重庆博唯佰泰生物制药有限公司", "博唯生物", "生物药", ["高新技术企业", "专精特新"]),
    ("重庆精准生物技术有限公司", "精准生物", "生物药", ["高新技术企业", "专精特新"]),
    ("重庆宸安生物制药有限公司", "宸安生物", "生物药", ["高新技术企业"]),
    ("重庆美莱德生物医药有限公司", "美莱德生物", "生物药", ["关键配套"]),
    ("雅培制药（重庆）有限公司", "雅培", "化学药", ["龙头企业"]),
    ("重庆科瑞制药（集团）有限公司", "科瑞制药", "化学药", ["高新技术企业", "龙头企业"]),
    ("重庆植恩药业有限公司", "植恩", "现代中药", ["高新技术企业"]),
    ("重庆伍舒芳药业有限公司", "伍舒芳", "现代中药", ["专精特新"]),
    ("重庆全干医科技术有限公司", "全干医科", "医疗器械", ["专精特新"]),
    ("重庆嘉奥手术机器人有限公司", "嘉奥手术机器人", "医疗器械", ["高新技术企业"]),
    ("重庆嘉士腾生物科技有限公司", "嘉士腾", "医疗器械", ["高新技术企业"]),
    ("重庆百亚卫生用品股份有限公司", "百亚股份", "其他", ["龙头企业", "上市"]),
    ("重庆钛业股份有限公司", "重庆钛业", "其他", ["关键配套"]),
]

# One demo user per role: (username, display name, role, enterprise short name, department short name)
USERS = [
    ("demo-admin", "平台管理员", "admin", None, None),
    ("demo-leader", "王主任", "leader", None, None),
    ("demo-investment", "李招商", "investment_officer", None, None),
    ("demo-commissioner", "陈专员", "commissioner", None, None),
    ("demo-department", "市经济信息委联络员", "department", None, "市经济信息委"),
    ("demo-enterprise", "智翔金泰联络人", "enterprise", "智翔金泰", None),
    ("demo-analyst", "赵分析", "analyst", None, None),
]
