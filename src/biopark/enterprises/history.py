"""How enterprise files read in a change history."""

from __future__ import annotations

from biopark.audit.describe import DATE, LIST, MONEY, Ref, register, register_en
from biopark.enterprises.models import Enterprise
from biopark.enterprises.pages import LABELS, SUB_LABELS

register(
    "enterprise",
    noun=("企业档案", "enterprise file"),
    record=Ref(Enterprise),
    url="/enterprises/{id}",
    labels={
        **SUB_LABELS,
        **LABELS,
        "contact": "联系人",
        "product": "产品",
        "policy": "政策",
        "plan": "一企一策",
    },
    kinds={
        "registered_capital": MONEY,
        "rd_spending": MONEY,
        "founded_on": DATE,
        "tags": LIST,
        "chain_links": LIST,
    },
    actions={
        "pool_enter": ("将企业纳入培育库", "entered the enterprise in a cultivation pool"),
        "pool_leave": ("将企业移出培育库", "took the enterprise out of a cultivation pool"),
        "contact_add": ("添加了联系人", "added a contact"),
        "contact_remove": ("删除了联系人", "removed a contact"),
        "product_add": ("添加了产品", "added a product"),
        "product_remove": ("删除了产品", "removed a product"),
        "plan_update": ("修改了一企一策", "changed the enterprise plan"),
        "follow_up": ("记录了跟进", "logged a follow-up"),
        "assign": ("指派了服务专员", "assigned the commissioner"),
        "policy_push": ("推送了政策", "pushed a policy"),
        "import_create": ("从表格导入了企业档案", "imported the enterprise from a sheet"),
        "import_update": ("从表格更新了企业档案", "updated the enterprise from a sheet"),
    },
)
register_en(
    {
        "产品": "Product",
        "政策": "Policy",
        "一企一策": "Plan",
        "培育库": "Cultivation pool",
        "入库日期": "Entered on",
        "出库日期": "Left on",
        "员工人数": "Employees",
        "研发投入": "R&D spending",
        "营收区间": "Revenue band",
        "产业链环节": "Chain links",
        "跟进日期": "Follow-up date",
        "目标": "Goals",
        "措施": "Measures",
        "期限": "Due",
    }
)
