"""How policies read in a change history."""

from __future__ import annotations

from biopark.audit.describe import BOOL, DATE, HIDDEN, Choice, Ref, register, register_en
from biopark.policies.models import BENEFITS, Policy
from biopark.policies.pages import LABELS

register(
    "policy",
    noun=("政策", "policy"),
    record=Ref(Policy, "title"),
    url="/policies/{id}",
    labels=LABELS,
    kinds={
        "benefit": Choice(BENEFITS),
        "auto_grant": BOOL,
        "published": BOOL,
        "valid_from": DATE,
        "valid_to": DATE,
        "slug": HIDDEN,
    },
)
register_en(
    {
        "截止日期": "Valid to",
        "申报条件": "Conditions",
        "金额规则": "Amount rule",
        "免申即享": "Granted without application",
        "发布": "Published",
        "原文链接": "Source link",
    }
)
