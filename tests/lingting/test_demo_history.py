"""The demo's eight weeks of history (/feeds/zhihu.rss): spread over the weeks, the same bytes for
the same anchor, and nothing from after the site's clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import feedparser

from lingting.demo_site.history import zhihu_rss

ANCHOR = datetime(2026, 12, 4, 18, 30, tzinfo=UTC)


def dates(body: bytes) -> list[datetime]:
    return [parsedate_to_datetime(e["published"]) for e in feedparser.parse(body).entries]


def test_the_history_spans_eight_weeks_and_is_stable():
    body = zhihu_rss("http://127.0.0.1:1", ANCHOR).body
    assert body == zhihu_rss("http://127.0.0.1:1", ANCHOR).body
    when = dates(body)
    assert max(when) <= ANCHOR and ANCHOR - min(when) > timedelta(weeks=7)
    assert len({(ANCHOR - d).days // 7 for d in when}) == 8
    last_hour = [d for d in when if d.replace(minute=0, second=0) == datetime(2026, 12, 4, 17, tzinfo=UTC)]
    assert len(last_hour) == 8  # the spike


def test_an_earlier_clock_hides_what_was_not_written_yet():
    moment = ANCHOR - timedelta(days=10)
    when = dates(zhihu_rss("http://127.0.0.1:1", ANCHOR, moment).body)
    assert when and max(when) <= moment
    assert len(when) < len(dates(zhihu_rss("http://127.0.0.1:1", ANCHOR).body))
