"""Field labels (for form errors) and the English text of the event pages."""

from __future__ import annotations

from biopark.web import i18n

LABELS = {
    "name": "名称",
    "kind": "活动类型",
    "starts_on": "开始日期",
    "ends_on": "结束日期",
    "city": "城市",
    "place": "地点",
    "description": "活动说明",
    "capacity": "人数上限",
    "company": "单位名称",
    "contact_name": "联系人",
    "title": "职务",
    "phone": "手机号码",
    "note": "备注",
    "lead_id": "线索编号",
}

i18n.register({})
