"""FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from anyio import to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError, ResponseValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import Scope

from biopark import __version__, registry
from biopark.config import Settings, get_settings
from biopark.errors import AuthRequired, BioparkError, Forbidden
from biopark.kit.logs import configure_logging
from biopark.web.i18n import LANGUAGES, register
from biopark.web.middleware import Admission, CatchAll, Language, RequestContext
from biopark.web.posted import read_posted_form
from biopark.web.templating import lang_of, render

log = logging.getLogger("biopark.app")

register({"请求编号": "Request id"})

STATIC_DIR = Path(__file__).resolve().parent / "web" / "static"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/healthz", "/readyz")


def _error_response(request: Request, status: int, message: str, code: str, detail: Any = None):
    request_id = str(getattr(request.state, "request_id", ""))
    if _wants_json(request):
        body: dict[str, Any] = {"error": {"code": code, "message": message}}
        if detail is not None:
            body["error"]["detail"] = detail
        if request_id:
            body["error"]["request_id"] = request_id
        return JSONResponse(body, status_code=status)
    ctx = {"status": status, "message": message, "request_id": request_id}
    return render(request, "error.html", ctx, status_code=status)


def _record_denial(request: Request) -> None:
    """A refused permission goes to the audit trail, in its own transaction.

    The request's own transaction has been rolled back by now.
    """
    from biopark.accounts.service import record_denial
    from biopark.db import get_session, session_scope

    user = getattr(request.state, "user", None)
    if user is None:
        return
    # The database the request used (tests override the request session dependency).
    override = request.app.dependency_overrides.get(get_session)
    scope = contextmanager(override)() if override else session_scope()
    try:
        with scope as session:
            record_denial(
                session,
                user_id=user.id,
                username=user.username,
                park_id=user.park_id,
                target=f"{request.method} {request.url.path}"[:200],
            )
    except Exception:
        log.exception("could not record a permission denial")


async def _on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BioparkError)
    if isinstance(exc, Forbidden):
        await run_in_threadpool(_record_denial, request)
    if isinstance(exc, AuthRequired) and not _wants_json(request):
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    lang = lang_of(request)
    return _error_response(
        request, exc.status, exc.text(lang), type(exc).__name__, exc.detail(lang)
    )


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
    if exc.status_code == 413:
        mb = request.app.state.settings.max_body_mb
        zh, english = f"请求内容过大（上限 {mb} MB）", f"Request body too large ({mb} MB limit)"
    return _error_response(request, exc.status_code, english if en else zh, "HTTPError")


async def _on_model_error(request: Request, exc: Exception) -> Response:
    # A schema built inside a service from stored data and input (e.g. a project name
    # made from a long company name) failed: the input is at fault, say which field.
    assert isinstance(exc, ValidationError)
    en = lang_of(request) == "en"
    fields = [
        {"field": ".".join(str(p) for p in err.get("loc", ())), "message": err.get("msg", "")}
        for err in exc.errors()
    ]
    names = "；".join(f["field"] for f in fields if f["field"])
    message = "Invalid input" if en else f"输入有误：{names}" if names else "输入有误"
    return _error_response(request, 422, message, "ValidationFailed", fields)


async def _on_integrity_error(request: Request, exc: Exception) -> Response:
    # A safety net: services should refuse such input themselves with a clear message.
    en = lang_of(request) == "en"
    message = (
        "The change conflicts with existing records"
        if en
        else "提交的内容与现有记录冲突（重复或关联无效），未保存"
    )
    return _error_response(request, 409, message, "Conflict")


async def _on_bad_value(request: Request, exc: Exception) -> Response:
    # Numbers past 2^63 or text the database cannot store: the input's fault, not ours.
    en = lang_of(request) == "en"
    message = (
        "A number or text in the request is out of range"
        if en
        else "请求中的数字超出范围或文字含非法字符"
    )
    return _error_response(request, 422, message, "ValidationFailed")


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    en = lang_of(request) == "en"
    return _error_response(
        request, 500, "Internal error" if en else "系统内部错误，请稍后再试", "InternalError"
    )


async def _on_unexpected_scope(scope: Scope, exc: Exception) -> Response:
    if isinstance(exc, IntegrityError):
        return await _on_integrity_error(Request(scope), exc)
    if isinstance(exc, OverflowError | DataError):
        return await _on_bad_value(Request(scope), exc)
    return await _on_unexpected(Request(scope), exc)


def _lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Routes are sync and run on AnyIO's thread pool (40 threads by default). More
        # threads than database connections would make requests open connections of their
        # own, and more than a few per core only add GIL contention.
        to_thread.current_default_thread_limiter().total_tokens = settings.threads
        yield

    return lifespan


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web application with every domain's API and pages."""
    settings = settings or get_settings()
    configure_logging()
    app = FastAPI(
        lifespan=_lifespan(settings),
        title="biopark API",
        version=__version__,
        description="创新药产业生态圈数字平台 JSON API. Authenticate with POST /api/auth/token.",
        # The interactive docs are for signed-in admins only (see _add_docs); the
        # machine-readable /openapi.json stays public, as the project itself is.
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(read_posted_form)],
        # Declared and streamed request bodies over the cap get 413 before buffering.
        max_body_size=settings.max_body_mb * 1024 * 1024,
        # No OpenTelemetry exporter is configured, so FastAPI's built-in spans, metrics and
        # logs would be made and dropped on every request (about a third of a simple page's
        # time); request ids and the JSON log already trace requests.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    # Routes that keep files under var_dir (the search index) read it from here.
    app.state.settings = settings

    app.add_middleware(Admission, limit=settings.threads)
    app.add_middleware(CatchAll, on_error=_on_unexpected_scope)

    app.add_middleware(Language, default=settings.default_language, languages=LANGUAGES)

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.resolved_secret_key(),
        session_cookie="biopark_session",
        max_age=settings.session_max_age_hours * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    _wrap_outermost(app, settings)
    app.add_exception_handler(BioparkError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(ValidationError, _on_model_error)
    app.add_exception_handler(IntegrityError, _on_integrity_error)
    app.add_exception_handler(OverflowError, _on_bad_value)
    app.add_exception_handler(DataError, _on_bad_value)
    app.add_exception_handler(ResponseValidationError, _on_unexpected)

    @app.get("/healthz", tags=["system"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok", "version": __version__}

    @app.get("/readyz", tags=["system"], responses={503: {}})
    def readyz() -> Response:
        """Readiness: the database answers a query."""
        from biopark.db import get_engine

        try:
            with get_engine().connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            log.exception("readiness check failed")
            body = {"status": "unavailable", "database": "unreachable", "version": __version__}
            return JSONResponse(body, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok", "version": __version__})

    _add_docs(app)

    for domain in registry.DOMAINS:
        for role in ("api", "pages"):
            module = registry.domain_module(domain, role)
            if module is not None and hasattr(module, "router"):
                app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _add_docs(app: FastAPI) -> None:
    """/docs and /redoc for signed-in admins only."""
    from biopark.accounts.deps import require_roles
    from biopark.accounts.models import Role

    admin = [Depends(require_roles(Role.admin))]

    @app.get("/docs", include_in_schema=False, dependencies=admin)
    def docs() -> Response:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="biopark API")

    @app.get("/redoc", include_in_schema=False, dependencies=admin)
    def redoc() -> Response:
        return get_redoc_html(openapi_url="/openapi.json", title="biopark API")


def _wrap_outermost(app: FastAPI, settings: Settings) -> None:
    """Put RequestContext outside everything, FastAPI's own body limit and 500 page included.

    So every response, even the 413 for a declared oversize body, carries the
    request id and the security headers, in the caller's language.
    """
    build = app.build_middleware_stack

    def build_with_context() -> Any:
        return RequestContext(
            build(),
            hsts=settings.secure_cookies,
            max_body_bytes=settings.max_body_mb * 1024 * 1024,
        )

    app.build_middleware_stack = build_with_context  # type: ignore[method-assign]
