"""`/`: the queue (tabs with counts, filters, search, keyset pages) and `/bulk` (act on many)."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from lingting.review_actions import apply_decision
from lingting.web.context import context_of
from lingting.web.filters import filter_from, filter_from_query, filter_query, is_filtered
from lingting.web.guard import action, current_user, error_page, form_text, render, see_other
from store import ReviewError
from store.review_queue import TABS, filter_options, matching_ids, queue_page, tab_counts
from store.reviews import DISMISS_REASONS, PRIORITIES
from store.users import list_users

PAGE_SIZE = 50
BULK_ACTIONS = ("confirm", "dismiss", "relabel")


async def queue(request: Request) -> Response:
    store = context_of(request).store
    flt = filter_from(request.query_params)
    after = request.query_params.get("after") or None
    try:
        page = queue_page(store, flt, after=after, limit=PAGE_SIZE)
    except ReviewError as exc:
        return error_page(request, 400, "error.bad_request", detail=str(exc))
    counts = tab_counts(store, flt)
    here = filter_query(flt)
    return render(
        request,
        "queue.html",
        page=page,
        flt=flt,
        here=here,
        after=after,
        tabs=[(tab, filter_query(flt, tab=tab), counts[tab]) for tab in TABS],
        matching=counts[flt.tab],
        filtered=is_filtered(flt),
        clear=filter_query(flt.__class__(tab=flt.tab)),
        options=filter_options(store),
        priorities=PRIORITIES,
        reasons=DISMISS_REASONS,
        users=[u.name for u in list_users(store)],
        focus=request.query_params.get("focus", ""),
    )


async def bulk(request: Request, form: FormData) -> Response:
    ctx = context_of(request)
    user = current_user(request)
    assert user is not None
    here = form_text(form, "filter") or ""
    flt = filter_from_query(here)
    chosen = form_text(form, "bulk_action")
    if chosen not in BULK_ACTIONS:
        return error_page(request, 400, "error.bad_request")
    if form_text(form, "scope") == "all":
        ids = matching_ids(ctx.store, flt)
    else:
        ids = [int(v) for v in form.getlist("ids") if isinstance(v, str) and v.isdigit()]
    if not ids:
        return see_other("/?" + here, flash="bulk.none_selected")
    try:
        result = apply_decision(
            ctx.settings,
            ctx.store,
            ids,
            chosen,
            reviewer=user.name,
            reason=form_text(form, "reason") if chosen == "dismiss" else None,
            category=form_text(form, "category") if chosen == "relabel" else None,
            priority=form_text(form, "priority") if chosen == "relabel" else None,
        )
    except ReviewError as exc:
        return error_page(request, 400, "error.bad_request", detail=str(exc))
    return see_other("/?" + here, flash="bulk.done", n=len(result.cluster_ids), action=chosen)


def routes() -> list[BaseRoute]:
    return [
        Route("/", queue, methods=["GET"]),
        Route("/bulk", action(bulk, role="reviewer"), methods=["POST"]),
    ]
