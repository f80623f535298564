"""`create_app`: the review web app (Starlette, server-rendered Jinja2 pages, one small JS file).

Every page needs a login except /login, /static and the `extra_routes` (health and metrics). Every
POST carries the session's CSRF token (form field or X-CSRF-Token header) and is checked against
the user's role on the server (`web.guard.action`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from config.settings import Settings
from lingting.web import admin, auth, cluster_page, queue_page, report_page
from lingting.web.context import WebContext, context_of
from lingting.web.guard import error_page
from lingting.web.sessions import end_session
from store import Store
from store.users import get_user

STATIC = Path(__file__).with_name("static")

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
        " form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class GateMiddleware(BaseHTTPMiddleware):
    """Loads the session and its user, sends anonymous visitors to /login, adds security headers."""

    def __init__(self, app: Callable[..., Awaitable[None]], public: frozenset[str]) -> None:
        super().__init__(app)
        self.public = public

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        ctx = context_of(request)
        session = ctx.codec.load(request)
        user = get_user(ctx.store, session.user) if session.user else None
        if session.user and (user is None or user.password_changed_at != session.password_changed_at):
            end_session(session)  # removed, or the password changed since this session began
            user = None
        request.state.session = session
        request.state.user = user
        path = request.url.path
        is_public = path in self.public or path.startswith("/static/")
        if user is None and not is_public:
            if request.method in ("GET", "HEAD"):
                target = path + (f"?{request.url.query}" if request.url.query else "")
                response: Response = RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
            else:
                response = error_page(request, 403, "error.forbidden")
        else:
            response = await call_next(request)
        if session.changed:
            ctx.codec.save(request, response, session)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def create_app(settings: Settings, *, extra_routes: Sequence[BaseRoute] = ()) -> Starlette:
    """The review app over `settings.database_path`; `extra_routes` are public (no login)."""
    ctx = WebContext.build(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The store is opened in the server's own thread (SQLite connections stay in theirs).
        ctx.store = Store(settings.database_path)
        try:
            yield
        finally:
            ctx.store.close()

    routes: list[BaseRoute] = [
        *auth.routes(),
        *queue_page.routes(),
        *cluster_page.routes(),
        *admin.routes(),
        *report_page.routes(),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
        *extra_routes,
    ]
    public = frozenset({"/login", *(r.path for r in extra_routes if isinstance(r, Route))})
    app = Starlette(
        routes=routes,
        middleware=[Middleware(GateMiddleware, public=public)],
        exception_handlers={404: _not_found},
        lifespan=lifespan,
    )
    app.state.web = ctx
    return app


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_page(request, 404, "error.not_found")
