"""Chinese-first interface text with an English switch.

Keys are the Chinese strings themselves, so templates stay readable; each
domain registers its English translations with `register`.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")
_EN: dict[str, str] = {}


def register(pairs: dict[str, str]) -> None:
    """Add Chinese -> English pairs."""
    _EN.update(pairs)


def translate(text: str, lang: str) -> str:
    """The text in the language (Chinese is the source)."""
    if lang == "en":
        return _EN.get(text, text)
    return text


register(
    {
        "生物城数字平台": "Bio Park Platform",
        "首页": "Home",
        "企业": "Enterprises",
        "企业库": "Enterprise registry",
        "用户": "Users",
        "审计日志": "Audit log",
        "登录": "Sign in",
        "退出": "Sign out",
        "用户名": "Username",
        "密码": "Password",
        "角色": "Role",
        "名称": "Name",
        "简称": "Short name",
        "统一社会信用代码": "Unified social credit code",
        "成立日期": "Founded",
        "注册资本": "Registered capital",
        "标签": "Tags",
        "产业集群": "Cluster",
        "地址": "Address",
        "简介": "Description",
        "部门": "Departments",
        "园区": "Park",
        "操作": "Action",
        "时间": "Time",
        "操作人": "Actor",
        "对象": "Record",
        "变更": "Changes",
        "保存": "Save",
        "搜索": "Search",
        "新建企业": "New enterprise",
        "编辑": "Edit",
        "返回": "Back",
        "共": "Total",
        "条": "records",
        "出错了": "Something went wrong",
        "页面不存在": "Page not found",
        "欢迎": "Welcome",
        "您的角色": "Your role",
        "可用模块": "Modules",
        "变更历史": "History",
        "历史": "History",
        "上一页": "Previous",
        "下一页": "Next",
        "无记录": "No records",
        "管理员": "Administrator",
        "领导": "Leader",
        "招商专员": "Investment officer",
        "服务专员": "Service commissioner",
        "市级部门": "Department",
        "入驻企业": "Enterprise",
        "情报分析员": "Analyst",
        "我的企业": "My enterprise",
        "English": "中文",
        "主导航": "Main navigation",
        "菜单": "Menu",
        "招商": "Investment",
        "企业服务": "Enterprise services",
        "产业": "Industry",
        "情报": "Intelligence",
        "管理": "Administration",
    }
)

# Shared templates and small texts of several domains' pages.
register(
    {
        "请求编号": "Request id",
        "导入被拒绝，未导入任何数据": "Import refused; nothing was imported",
        "个项目": "projects",
        "整份文件先校验，全部正确才导入；有错误时逐行列出，不导入任何数据。": (
            "The whole file is checked first and imported only if every row is valid; "
            "errors are listed by row and nothing is imported."
        ),
        "例：重庆国际生物城 创新药": "e.g. Chongqing International Bio City innovative drugs",
        "例：创新药 临床": "e.g. innovative drug clinical",
        "例：1.5亿 / 3,000万元": "e.g. 150000000 or 1.5亿",
        "例：102亿元 / 3,000万元": "e.g. 10200000000 or 102亿元",
        "例：110亿元": "e.g. 11000000000 or 110亿元",
        "例：45亿元": "e.g. 4500000000 or 45亿元",
        "退回、终止或恢复时必填": "Required when sending back, stopping or resuming",
        "输入有误": "Invalid input",
        "选择日期": "Choose a date",
        "确定要这样做吗？": "Are you sure?",
        "确定终止该项目吗？终止后需填写原因方可重启。": (
            "Terminate this project? Reopening it later needs a reason."
        ),
        "确定将该药物标记为终止研发吗？": "Mark this drug as discontinued?",
        "确定关闭这条线索吗？": "Close this lead?",
        "确定撤回这次派发吗？": "Withdraw this dispatch?",
        "确定撤回这条诉求吗？撤回后不再办理。": "Withdraw this request? It will not be handled any further.",
        "确定删除这位联系人吗？": "Delete this contact?",
        "确定删除这项产品吗？": "Delete this product?",
        "确定驳回吗？": "Reject this?",
    }
)
