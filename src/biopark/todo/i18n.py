"""English for the to-do list's labels and actions."""

from __future__ import annotations

from biopark.web.i18n import register

register(
    {
        "我的待办": "My to-do",
        "待办": "To-do",
        "待办事项、超时提醒与各模块入口": "What waits for you, overdue alerts and every module",
        "超时升级的诉求": "Escalated requests",
        "新闻与台账不一致": "News vs. ledger discrepancies",
        "线索首次联系": "Leads to contact",
        "项目下一步": "Project next actions",
        "诉求办理": "Requests to handle",
        "派发待答复": "Dispatched requests to answer",
        "诉求待评价": "Requests to rate",
        "重点任务进展": "Key tasks to report on",
        "任务里程碑": "Task milestones",
        "一企一策跟进": "One-company plan follow-ups",
        "政策待推送": "Policies to push",
        "管线里程碑待审核": "Pipeline proposals to review",
        "首次联系": "First contact",
        "跟进线索": "Follow up the lead",
        "推进项目": "Move the project on",
        "响应诉求": "Respond to the request",
        "响应重新打开的诉求": "Respond to the reopened request",
        "制定办理方案": "Make the handling plan",
        "派发或办结诉求": "Dispatch or close the request",
        "部门已答复，办结诉求": "Departments answered: close the request",
        "答复派发的诉求": "Answer the dispatched request",
        "评价办理结果": "Rate how it was handled",
        "报告推进情况": "Report progress",
        "完成里程碑": "Complete the milestone",
        "跟进一企一策": "Follow up the one-company plan",
        "推送政策": "Push the policy",
        "审核管线里程碑": "Review the proposed milestone",
        "督办超时诉求": "Chase the overdue request",
        "核对新闻与台账": "Check the news against the ledger",
        "已逾期": "Overdue",
        "逾期": "Overdue",
        "截止": "Due",
        "无期限": "No deadline",
        "项": "items",
        "共": "Total",
        "暂无待办事项": "Nothing is waiting for you",
        "管理员没有个人待办；请从下方进入各模块。": (
            "Administrators have no personal to-do list; open a module below."
        ),
        "查看全部待办": "See the whole list",
        "各模块": "Modules",
    }
)
