"""Field labels (for form errors) and the English text of the space pages."""

from __future__ import annotations

from biopark.web import i18n

LABELS = {
    "kind": "类型",
    "name": "名称",
    "parent_id": "上级",
    "status": "状态",
    "area_m2": "面积（m²）",
    "land_mu": "用地（亩）",
    "zoning": "用地性质",
    "rent_per_m2_day": "租金（元/m²/天）",
    "sale_price": "售价",
    "cleanroom_grade": "洁净等级",
    "ventilation": "通风",
    "floor_load_kn_m2": "楼面荷载（kN/m²）",
    "address": "地址",
    "occupant": "入驻企业",
    "notes": "备注",
    "area_min_m2": "最小面积（m²）",
    "area_max_m2": "最大面积（m²）",
    "max_rent_per_m2_day": "租金上限（元/m²/天）",
    "max_sale_price": "购置预算",
    "starts_at": "看房时间",
    "visitor": "来访方",
    "lead_id": "线索编号",
    "project_id": "项目编号",
    "note": "备注",
}

i18n.register({})
