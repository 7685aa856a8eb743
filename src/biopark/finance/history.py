"""How financial products and financing needs read in a change history."""

from __future__ import annotations

from biopark.audit.describe import MONEY, Choice, Ref, register, register_en
from biopark.finance.models import PRODUCT_KINDS, FinanceProduct, FinancingNeed

register(
    "finance_product",
    noun=("金融产品", "financial product"),
    record=Ref(FinanceProduct, "name"),
    labels={"name": "产品名称", "kind": "产品类型"},
    kinds={"kind": Choice(PRODUCT_KINDS)},
    actions={"create": ("新增了金融产品", "added the product")},
)
register(
    "financing_need",
    noun=("融资需求", "financing need"),
    record=Ref(FinancingNeed, "purpose"),
    url="/finance/needs/{id}",
    labels={
        "amount": "融资金额",
        "purpose": "资金用途",
        "product": "金融产品",
        "provider": "金融机构",
        "granted_amount": "获批金额",
        "reason": "原因",
    },
    kinds={"amount": MONEY, "granted_amount": MONEY},
    actions={
        "post": ("发布了融资需求", "posted the financing need"),
        "refer": ("推荐至金融机构", "referred it to a provider"),
        "grant": ("登记了获批结果", "recorded the grant"),
        "decline": ("登记了未获批", "recorded the refusal"),
        "withdraw": ("撤回了融资需求", "withdrew the need"),
    },
)
register_en({"金融机构": "Provider"})
