"""Field labels every record shares, for the change-history renderer."""

from __future__ import annotations

from biopark.accounts.models import ROLE_LABELS, User
from biopark.audit.describe import (
    BOOL,
    DATETIME,
    HIDDEN,
    LIST,
    Choice,
    Ref,
    register_common,
    register_en,
)
from biopark.enterprises.models import Enterprise
from biopark.parks.models import Department

register_common(
    labels={
        "name": "名称",
        "title": "标题",
        "note": "备注",
        "notes": "备注",
        "reason": "原因",
        "comment": "评价意见",
        "owner_id": "负责人",
        "enterprise_id": "企业",
        "enterprise": "企业",
        "department_id": "部门",
        "department": "部门",
        "departments": "部门",
        "commissioner_id": "服务专员",
        "description": "说明",
        "stage": "阶段",
        "status": "状态",
        "due_on": "截止日期",
        "due_at": "截止时间",
        "username": "用户名",
        "role": "角色",
        "file": "文件",
        "created": "新增",
        "updated": "更新",
        "line": "行号",
        "version": "版本",
        "on_time": "按时",
        "category": "类别",
    },
    kinds={
        "owner_id": Ref(User, "display_name"),
        "commissioner_id": Ref(User, "display_name"),
        "enterprise_id": Ref(Enterprise),
        "department_id": Ref(Department),
        "role": Choice({k.value: v for k, v in ROLE_LABELS.items()}),
        "on_time": BOOL,
        "is_demo": HIDDEN,
        "batch": HIDDEN,
        "departments": LIST,
        "at": DATETIME,
    },
)

register_en(
    {
        "名称": "Name",
        "标题": "Title",
        "备注": "Note",
        "原因": "Reason",
        "评价意见": "Comment",
        "负责人": "Owner",
        "企业": "Enterprise",
        "部门": "Department",
        "服务专员": "Commissioner",
        "说明": "Description",
        "阶段": "Stage",
        "状态": "Status",
        "截止日期": "Due date",
        "截止时间": "Due time",
        "用户名": "Username",
        "角色": "Role",
        "文件": "File",
        "新增": "New",
        "更新": "Updated",
        "行号": "Row",
        "版本": "Version",
        "按时": "On time",
        "类别": "Category",
    }
)
