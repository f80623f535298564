"""The demo site as it was at an earlier moment: what a crawler saw before the newest posts existed.

Dropping every thread and reply created after the moment keeps every id the renderers assign
(ids follow creation order, and only the newest are gone), so a crawl at the earlier moment and
one at the anchor see the same posts under the same ids, the second with more of them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from lingting.demo_site.content import Content, as_utc


def content_at(content: Content, moment: datetime) -> Content:
    moment = as_utc(moment)
    threads = {
        source: tuple(
            replace(thread, replies=tuple(r for r in thread.replies if r.created <= moment))
            for thread in items
            if thread.created <= moment
        )
        for source, items in content.threads.items()
    }
    return replace(content, threads=threads)
