"""The queue's filter as it travels in URLs: `?tab=pending&priority=P1&q=闪退` <-> `QueueFilter`."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from store.review_queue import TABS, QueueFilter

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MULTI = {
    "priority": "priorities",
    "category": "categories",
    "source": "sources",
    "product": "products",
    "lang": "langs",
}


def filter_from(params: QueryParams) -> QueueFilter:
    tab = params.get("tab") or "pending"
    multi = {field: tuple(v for v in params.getlist(name) if v) for name, field in MULTI.items()}
    since, until = params.get("since") or "", params.get("until") or ""
    return QueueFilter(
        tab=tab if tab in TABS else "pending",
        since=since if _DATE.match(since) else None,
        until=until if _DATE.match(until) else None,
        assignee=params.get("assignee") or None,
        q=(params.get("q") or "").strip()[:200] or None,
        **multi,
    )


def filter_from_query(query: str | None) -> QueueFilter:
    return filter_from(QueryParams(query or ""))


def filter_query(flt: QueueFilter, *, tab: str | None = None) -> str:
    """The URL query of `flt` (on another `tab` if given), empty values left out."""
    flt = replace(flt, tab=tab) if tab else flt
    pairs: list[tuple[str, str]] = [("tab", flt.tab)]
    for name, field in MULTI.items():
        pairs += [(name, v) for v in getattr(flt, field)]
    for name in ("since", "until", "assignee", "q"):
        value = getattr(flt, name)
        if value:
            pairs.append((name, value))
    return urlencode(pairs)


def is_filtered(flt: QueueFilter) -> bool:
    return filter_query(flt) != filter_query(QueueFilter(tab=flt.tab))
