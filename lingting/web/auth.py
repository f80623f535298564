"""/login, /logout and the per-user language switch."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from lingting.web.context import context_of
from lingting.web.guard import action, current_user, form_text, local_target, render, see_other, session_of
from lingting.web.passwords import verify_password
from lingting.web.sessions import end_session, start_session
from store.users import LANGUAGES, get_user, set_language


async def login_form(request: Request) -> Response:
    if current_user(request) is not None:
        return see_other(local_target(request.query_params.get("next")))
    return render(request, "login.html", next=local_target(request.query_params.get("next")), error=None, name="")


async def login(request: Request, form: FormData) -> Response:
    ctx = context_of(request)
    name = form_text(form, "name") or ""
    password = form.get("password")
    target = local_target(form_text(form, "next"))
    client = request.client.host if request.client else "unknown"
    if ctx.limiter.blocked(name, client):
        return render(request, "login.html", status_code=429, next=target, error="login.limited", name=name)
    user = get_user(ctx.store, name) if name else None
    if not verify_password(user.password_hash if user else None, password if isinstance(password, str) else ""):
        ctx.limiter.failed(name, client)
        return render(request, "login.html", status_code=401, next=target, error="login.wrong", name=name)
    assert user is not None
    start_session(session_of(request), user.name, user.password_changed_at)
    return see_other(target)


async def logout(request: Request, form: FormData) -> Response:
    end_session(session_of(request))
    return see_other("/login")


async def language(request: Request, form: FormData) -> Response:
    user = current_user(request)
    chosen = form_text(form, "language")
    if user is not None and chosen in LANGUAGES:
        set_language(context_of(request).store, user.name, chosen)
    return see_other(local_target(form_text(form, "next")))


def routes() -> list[BaseRoute]:
    return [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", action(login, role=None), methods=["POST"]),
        Route("/logout", action(logout, role=None), methods=["POST"]),
        Route("/language", action(language, role="viewer"), methods=["POST"]),
    ]
