"""`/report`: the trend report for the product team as a page of the workspace (any role).

The page is the report's own self-contained HTML (inline CSS and SVG, no script), so it gets the
report's own Content-Security-Policy instead of the workspace's, which allows no inline style.
Building it refreshes the daily aggregates and may take seconds on a large database: it runs in a
worker thread with a connection of its own, never in the server's event loop.
"""

from __future__ import annotations

from html import escape

from click import ClickException
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from config.settings import Settings
from lingting.report.build import build_report
from lingting.report.command import parse_since, parse_until
from lingting.report.html import CSP, render_report_html
from lingting.web.context import context_of
from lingting.web.guard import error_page, language_of
from lingting.web.messages import translator
from store import Store


def _page(settings: Settings, since: str, until: str | None, product: str | None, lang: str) -> str:
    last = parse_until(until)
    store = Store(settings.database_path)
    try:
        report = build_report(store, settings, parse_since(since, last), last, product=product, lang=lang)
    finally:
        store.close()
    return render_report_html(report)


async def report(request: Request) -> Response:
    settings = context_of(request).settings
    lang = request.query_params.get("lang") or language_of(request)
    if lang not in ("zh", "en"):
        lang = "zh"
    try:
        html = await run_in_threadpool(
            _page,
            settings,
            request.query_params.get("since") or "90d",
            request.query_params.get("until") or None,
            request.query_params.get("product") or None,
            lang,
        )
    except (ClickException, KeyError) as exc:
        detail = exc.format_message() if isinstance(exc, ClickException) else str(exc.args[0])
        return error_page(request, 400, "error.bad_request", detail)
    back = f'<p><a href="/">← {escape(translator(lang)("nav.queue"))}</a></p>'
    return HTMLResponse(
        html.replace("<body>", "<body>" + back, 1),
        headers={"Content-Security-Policy": f"{CSP}; frame-ancestors 'none'"},
    )


def routes() -> list[BaseRoute]:
    return [Route("/report", report, methods=["GET"])]
