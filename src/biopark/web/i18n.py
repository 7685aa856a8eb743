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
