"""`/users` (admin: add and remove accounts) and `/deliveries` (everyone reads; admin replays dead ones)."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from lingting.web.context import context_of
from lingting.web.guard import action, current_user, error_page, form_text, render, see_other
from lingting.web.passwords import hash_password
from store import Outbox
from store.users import ROLES, UserError, add_user, list_users, remove_user


async def users(request: Request) -> Response:
    user = current_user(request)
    if user is None or not user.is_admin:
        return error_page(request, 403, "error.forbidden")
    return render(request, "users.html", accounts=list_users(context_of(request).store), roles=ROLES)


async def add(request: Request, form: FormData) -> Response:
    name = form_text(form, "name") or ""
    password = form.get("password")
    try:
        hashed = hash_password(password if isinstance(password, str) else "")
        add_user(context_of(request).store, name, form_text(form, "role") or "", hashed)
    except (UserError, ValueError) as exc:
        return error_page(request, 400, "error.bad_request", detail=str(exc))
    return see_other("/users", flash="users.added", name=name)


async def remove(request: Request, form: FormData) -> Response:
    name = form_text(form, "name") or ""
    user = current_user(request)
    if user is not None and name == user.name:
        return error_page(request, 400, "error.bad_request", detail="you cannot remove yourself / 不能删除自己")
    try:
        remove_user(context_of(request).store, name)
    except UserError as exc:
        return error_page(request, 400, "error.bad_request", detail=str(exc))
    return see_other("/users", flash="users.removed", name=name)


async def deliveries(request: Request) -> Response:
    outbox = Outbox(context_of(request).store)
    return render(request, "deliveries.html", by_sink=outbox.status_by_sink(), dead=outbox.rows("dead", limit=100))


async def replay(request: Request, form: FormData) -> Response:
    n = Outbox(context_of(request).store).replay_dead()
    return see_other("/deliveries", flash="outbox.replayed", n=n)


def routes() -> list[BaseRoute]:
    return [
        Route("/users", users, methods=["GET"]),
        Route("/users/add", action(add, role="admin"), methods=["POST"]),
        Route("/users/remove", action(remove, role="admin"), methods=["POST"]),
        Route("/deliveries", deliveries, methods=["GET"]),
        Route("/deliveries/replay", action(replay, role="admin"), methods=["POST"]),
    ]
