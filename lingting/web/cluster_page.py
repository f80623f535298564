"""`/clusters/{id}`: every post, the analysis, the intake record, deliveries, history, the reply
draft; and the decisions taken there (decide, undo, merge, split)."""

from __future__ import annotations

import json
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from exporter.intake import lead_post
from lingting.review_actions import DECISIONS, apply_decision, draft_reply, intake_preview, merge, split, undo
from lingting.web.context import context_of
from lingting.web.filters import filter_from_query
from lingting.web.guard import action, current_user, error_page, form_text, local_target, render, see_other
from store import ReviewError, Store
from store.review_queue import cluster_detail, cursor_of, queue_page
from store.reviews import DISMISS_REASONS, PRIORITIES
from store.users import list_users

MOVES_ON = ("confirm", "dismiss")
"""After these the page goes to the next item of the queue."""


def _cluster_id(request: Request) -> int | None:
    raw = request.path_params.get("cluster_id", "")
    return int(raw) if str(raw).isdigit() else None


def next_in_queue(store: Store, back: str, cursor: str | None) -> int | None:
    """The item after `cursor` in the queue that `back` (its URL query) describes."""
    if cursor is None:
        return None
    page = queue_page(store, filter_from_query(back), after=cursor, limit=1)
    return page.items[0].cluster_id if page.items else None


def _cluster_url(cluster_id: int, back: str) -> str:
    return f"/clusters/{cluster_id}?back={quote(back, safe='')}"


async def cluster(request: Request) -> Response:
    ctx = context_of(request)
    cid = _cluster_id(request)
    detail = cluster_detail(ctx.store, cid) if cid is not None else None
    if detail is None or cid is None:
        return error_page(request, 404, "error.not_found")
    back = request.query_params.get("back", "tab=pending")
    record = intake_preview(ctx.settings, ctx.store, cid)
    try:
        reply = draft_reply(ctx.settings, detail) if detail.posts else ""
    except ReviewError:
        reply = ""
    following = next_in_queue(ctx.store, back, cursor_of(ctx.store, cid))
    return render(
        request,
        "cluster.html",
        d=detail,
        c=detail.cluster,
        lead=lead_post(detail.posts) if detail.posts else None,
        record_json=json.dumps(record, ensure_ascii=False, indent=2) if record else "",
        reply=reply,
        back=back,
        following_url=_cluster_url(following, back) if following else "",
        decide_url=f"/clusters/{cid}/decide",
        back_query=back,
        here=request.url.path + "?" + request.url.query,
        priorities=PRIORITIES,
        reasons=DISMISS_REASONS,
        users=[u.name for u in list_users(ctx.store)],
    )


async def decide(request: Request, form: FormData) -> Response:
    ctx = context_of(request)
    user = current_user(request)
    cid = _cluster_id(request)
    chosen = form_text(form, "action")
    if user is None or cid is None or chosen not in DECISIONS:
        return error_page(request, 400, "error.bad_request")
    back = form_text(form, "back") or "tab=pending"
    explicit_next = form_text(form, "next")
    # The place in the queue is taken before acting: a relabel can move the cluster.
    cursor = cursor_of(ctx.store, cid) if chosen in MOVES_ON and not explicit_next else None
    try:
        apply_decision(
            ctx.settings,
            ctx.store,
            [cid],
            chosen,
            reviewer=user.name,
            category=form_text(form, "category"),
            priority=form_text(form, "priority"),
            reason=form_text(form, "reason") if chosen == "dismiss" else None,
            note=form_text(form, "note"),
            assignee=(form_text(form, "assignee") or "") if chosen == "assign" else None,
        )
    except ReviewError as exc:
        return error_page(request, 400, "error.bad_request", detail=str(exc))
    if explicit_next:
        target = local_target(explicit_next)
    elif chosen in MOVES_ON:
        following = next_in_queue(ctx.store, back, cursor)
        target = _cluster_url(following, back) if following else "/?" + back
    else:
        target = _cluster_url(cid, back)
    return see_other(target, flash="action.done", action=chosen)


async def undo_last(request: Request, form: FormData) -> Response:
    ctx = context_of(request)
    user = current_user(request)
    assert user is not None
    result = undo(ctx.settings, ctx.store, user.name)
    target = local_target(form_text(form, "next"))
    return see_other(target, flash="action.undone" if result.cluster_ids else "action.nothing_to_undo")


async def merge_with(request: Request, form: FormData) -> Response:
    ctx = context_of(request)
    user = current_user(request)
    cid = _cluster_id(request)
    other = form_text(form, "other") or ""
    if user is None or cid is None or not other.isdigit():
        return error_page(request, 400, "error.bad_request")
    try:
        kept = merge(ctx.settings, ctx.store, cid, int(other), user.name)
    except ReviewError as exc:
        return error_page(request, 400, "error.bad_request", detail=str(exc))
    return see_other(_cluster_url(kept, form_text(form, "back") or "tab=pending"), flash="merge.done", id=kept)


async def split_out(request: Request, form: FormData) -> Response:
    ctx = context_of(request)
    user = current_user(request)
    raw = request.path_params.get("post_id", "")
    if user is None or not str(raw).isdigit():
        return error_page(request, 400, "error.bad_request")
    try:
        new = split(ctx.settings, ctx.store, int(raw), user.name)
    except (ReviewError, IndexError) as exc:
        return error_page(request, 400, "error.bad_request", detail=str(exc))
    return see_other(_cluster_url(new, form_text(form, "back") or "tab=pending"), flash="split.done", id=new)


def routes() -> list[BaseRoute]:
    return [
        Route("/clusters/{cluster_id}", cluster, methods=["GET"]),
        Route("/clusters/{cluster_id}/decide", action(decide, role="reviewer"), methods=["POST"]),
        Route("/clusters/{cluster_id}/merge", action(merge_with, role="reviewer"), methods=["POST"]),
        Route("/posts/{post_id}/split", action(split_out, role="reviewer"), methods=["POST"]),
        Route("/undo", action(undo_last, role="reviewer"), methods=["POST"]),
    ]
