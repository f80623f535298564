"""Rendering pages and guarding actions: CSRF token and role checked for every POST, on the server."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from lingting.web.context import context_of
from lingting.web.messages import LANGUAGES, MESSAGES, translator
from lingting.web.sessions import CSRF_FIELD, CSRF_HEADER, Session, csrf_ok
from store.reviews import CATEGORIES
from store.users import User

ROLE_RANK = {"viewer": 0, "reviewer": 1, "admin": 2}

Handler = Callable[[Request, FormData], Awaitable[Response]]


def current_user(request: Request) -> User | None:
    user: User | None = getattr(request.state, "user", None)
    return user


def session_of(request: Request) -> Session:
    session: Session = request.state.session
    return session


def language_of(request: Request) -> str:
    user = current_user(request)
    if user is not None:
        return user.language
    asked = request.query_params.get("lang", "")
    return asked if asked in LANGUAGES else LANGUAGES[0]


FLASH_KEYS = ("action.", "bulk.", "merge.", "split.", "users.", "outbox.")
FLASH_PARAMS = ("flash", "n", "id", "name", "action")


def flash_text(t: Callable[..., str], params: Mapping[str, str]) -> str:
    """The message a redirect asked for (`?flash=key&n=3`): only known keys, values escaped later."""
    key = params.get("flash", "")
    if key not in MESSAGES or not key.startswith(FLASH_KEYS):
        return ""
    values = {name: params.get(name, "") for name in FLASH_PARAMS[1:4]}
    decision = params.get("action", "")
    values["action"] = t(f"decision.{decision}") if f"decision.{decision}" in MESSAGES else ""
    return t(key, **values)


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    ctx = context_of(request)
    lang = language_of(request)
    t = translator(lang)
    query = request.url.query
    body = ctx.templates.get_template(template).render(
        t=t,
        lang=lang,
        user=current_user(request),
        csrf=session_of(request).csrf,
        zone=ctx.settings.web.timezone,
        flash=flash_text(t, request.query_params),
        path=request.url.path,
        request_path=request.url.path + (f"?{query}" if query else ""),
        categories=CATEGORIES,
        known_keys=MESSAGES,
        **values,
    )
    return HTMLResponse(body, status_code=status_code)


def error_page(request: Request, status_code: int, message_key: str, detail: str = "") -> HTMLResponse:
    return render(request, "error.html", status_code=status_code, message_key=message_key, detail=detail)


def local_target(value: str | None, default: str = "/") -> str:
    """A redirect target from a form or query: only a path on this site (no scheme, no //host)."""
    if not value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def see_other(url: str, **flash: object) -> RedirectResponse:
    """303 to `url` (a local path), with `flash=...` and its values replacing any earlier ones."""
    if flash:
        parts = urlsplit(url)
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in FLASH_PARAMS]
        added = [(k, str(v)) for k, v in flash.items()]
        url = urlunsplit(("", "", parts.path, urlencode(kept + added), parts.fragment))
    return RedirectResponse(url, status_code=303)


def action(handler: Handler, *, role: str | None) -> Callable[[Request], Awaitable[Response]]:
    """A POST endpoint: 403 unless the CSRF token matches the session's, and (when `role` is given)
    unless the logged-in user's role is at least `role`. The handler gets the parsed form."""

    async def endpoint(request: Request) -> Response:
        form = await request.form()
        sent = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
        if not csrf_ok(session_of(request), sent if isinstance(sent, str) else None):
            return error_page(request, 403, "error.csrf")
        if role is not None:
            user = current_user(request)
            if user is None or ROLE_RANK[user.role] < ROLE_RANK[role]:
                return error_page(request, 403, "error.forbidden")
        return await handler(request, form)

    return endpoint


def form_text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    if not isinstance(value, str):
        return None
    return value.strip() or None
