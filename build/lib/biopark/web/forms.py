"""Turning HTML form posts into schemas, with errors people can read."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

_MESSAGES_ZH = {
    "missing": "必填",
    "string_too_short": "太短",
    "string_too_long": "太长",
    "string_pattern_mismatch": "格式不对",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "decimal_parsing": "应为数字",
    "int_parsing": "应为整数",
    "greater_than_equal": "不能为负数",
    "too_long": "选项太多",
}


def error_messages(exc: ValidationError, labels: dict[str, str], lang: str = "zh") -> list[str]:
    """One line per invalid field: '<label>: <reason>' in the user's language."""
    lines = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else ""
        label = labels.get(field, field)
        if err["type"] == "value_error":
            reason = str(err["msg"]).removeprefix("Value error, ")
        elif lang == "en":
            reason = str(err["msg"])
        else:
            reason = _MESSAGES_ZH.get(err["type"], "无效")
        lines.append(f"{label}：{reason}" if label else reason)
    return lines


def blank_to_none(data: dict[str, Any]) -> dict[str, Any]:
    """Empty form fields mean 'not given'."""
    return {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in data.items()}


def parse_form(model: type[M], data: dict[str, Any]) -> M:
    """Validate form data against a schema (raises ValidationError)."""
    return model.model_validate(blank_to_none(data))
