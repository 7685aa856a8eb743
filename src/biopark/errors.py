"""Domain errors. Services raise these; app.py turns them into responses."""

from __future__ import annotations

from typing import Any


class BioparkError(Exception):
    """A failure to report to the user: Chinese message first, English optional."""

    status = 400

    def __init__(self, message: str, *, en: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.en = en or message
        if status is not None:
            self.status = status

    def text(self, lang: str) -> str:
        """The message in the user's language."""
        return self.en if lang == "en" else self.message

    def detail(self, lang: str) -> Any:
        """Structured detail for the JSON error body (e.g. every bad row); None for most."""
        return None


class ValidationFailed(BioparkError):
    status = 422


class NotFound(BioparkError):
    status = 404

    def __init__(self, message: str = "记录不存在", *, en: str | None = "Record not found") -> None:
        super().__init__(message, en=en)


class Forbidden(BioparkError):
    status = 403

    def __init__(self, message: str = "无权访问", *, en: str | None = "Access denied") -> None:
        super().__init__(message, en=en)


class AuthRequired(BioparkError):
    status = 401

    def __init__(self, message: str = "请先登录", *, en: str | None = "Please sign in") -> None:
        super().__init__(message, en=en)


class Conflict(BioparkError):
    status = 409


class RateLimited(BioparkError):
    status = 429
