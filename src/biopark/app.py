"""FastAPI application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from biopark import __version__, registry
from biopark.config import Settings, get_settings
from biopark.errors import AuthRequired, BioparkError
from biopark.web.i18n import LANGUAGES
from biopark.web.templating import lang_of, render

STATIC_DIR = Path(__file__).resolve().parent / "web" / "static"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/healthz",)


def _error_response(request: Request, status: int, message: str, code: str, detail: Any = None):
    if _wants_json(request):
        body: dict[str, Any] = {"error": {"code": code, "message": message}}
        if detail is not None:
            body["error"]["detail"] = detail
        return JSONResponse(body, status_code=status)
    return render(request, "error.html", {"status": status, "message": message}, status_code=status)


async def _on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BioparkError)
    if isinstance(exc, AuthRequired) and not _wants_json(request):
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    return _error_response(request, exc.status, exc.text(lang_of(request)), type(exc).__name__)


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    en = lang_of(request) == "en"
    fields = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        fields.append({"field": loc, "message": err.get("msg", "")})
    message = (
        "Invalid input"
        if en
        else "输入有误：" + "；".join(f["field"] for f in fields if f["field"])
    )
    return _error_response(request, 422, message, "ValidationFailed", fields)


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    en = lang_of(request) == "en"
    messages = {
        404: ("页面不存在", "Not found"),
        405: ("不支持该请求方法", "Method not allowed"),
    }
    zh, english = messages.get(exc.status_code, (str(exc.detail), str(exc.detail)))
    return _error_response(request, exc.status_code, english if en else zh, "HTTPError")


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    en = lang_of(request) == "en"
    return _error_response(
        request, 500, "Internal error" if en else "系统内部错误，请稍后再试", "InternalError"
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web application with every domain's API and pages."""
    settings = settings or get_settings()
    app = FastAPI(
        title="biopark API",
        version=__version__,
        description="创新药产业生态圈数字平台 JSON API. Authenticate with POST /api/auth/token.",
    )
    # Routes that keep files under var_dir (the search index) read it from here.
    app.state.settings = settings

    @app.middleware("http")
    async def language(request: Request, call_next):  # type: ignore[no-untyped-def]
        chosen = request.query_params.get("lang")
        lang = chosen or request.cookies.get("lang") or settings.default_language
        request.state.lang = lang if lang in LANGUAGES else "zh"
        response = await call_next(request)
        if chosen in LANGUAGES:
            response.set_cookie("lang", chosen, max_age=365 * 86400, samesite="lax")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.resolved_secret_key(),
        session_cookie="biopark_session",
        max_age=settings.session_max_age_hours * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_exception_handler(BioparkError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)

    @app.get("/healthz", tags=["system"])
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    for domain in registry.DOMAINS:
        for role in ("api", "pages"):
            module = registry.domain_module(domain, role)
            if module is not None and hasattr(module, "router"):
                app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
