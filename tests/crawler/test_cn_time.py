"""Times as Weibo, Tieba and Bilibili print them, resolved to UTC against a fixed `now`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.parsers.cn_time import china_time, iso_china_time

# 2026-03-02 09:30:00 UTC is 17:30 in Beijing.
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("刚刚", "2026-03-02T09:30:00Z"),
        ("30秒前", "2026-03-02T09:29:30Z"),
        ("5分钟前", "2026-03-02T09:25:00Z"),
        ("5 分钟前", "2026-03-02T09:25:00Z"),
        ("2小时前", "2026-03-02T07:30:00Z"),
        ("3天前", "2026-02-27T09:30:00Z"),
        ("今天 08:05", "2026-03-02T00:05:00Z"),
        ("昨天 12:30", "2026-03-01T04:30:00Z"),
        ("昨天 00:10", "2026-02-28T16:10:00Z"),  # Beijing midnight is the previous UTC day
        ("前天 23:59", "2026-02-28T15:59:00Z"),
        ("02-27", "2026-02-26T16:00:00Z"),  # a month-day is midnight Beijing time, this year
        ("02-27 18:45", "2026-02-27T10:45:00Z"),
        ("06-27", "2025-06-26T16:00:00Z"),  # in this year's future: last year
        ("12-31 23:00", "2025-12-31T15:00:00Z"),
        ("03-02", "2026-03-01T16:00:00Z"),  # today is not the future
        ("2023-06-27", "2023-06-26T16:00:00Z"),
        ("2024-08-05 16:45", "2024-08-05T08:45:00Z"),  # Tieba search
        ("2024-8-6 22:11", "2024-08-06T14:11:00Z"),  # 楼中楼
        ("2024/08/06 22:11:09", "2024-08-06T14:11:09Z"),
        ("2024年8月6日 22:11", "2024-08-06T14:11:00Z"),
        ("3月1日 09:00", "2026-03-01T01:00:00Z"),
        ("Sat Jun 27 10:00:00 +0800 2026", "2026-06-27T02:00:00Z"),
        ("Tue Feb 23 12:28:47 +0800 2021", "2021-02-23T04:28:47Z"),
        ("Mon Jan 05 01:00:00 -0500 2026", "2026-01-05T06:00:00Z"),
    ],
)
def test_resolved(text: str, expected: str) -> None:
    assert iso_china_time(text, NOW) == expected


def test_now_in_another_zone_is_the_same_moment() -> None:
    naive_utc = datetime(2026, 3, 2, 9, 30)  # naive means UTC, as everywhere in lingting
    assert iso_china_time("昨天 12:30", naive_utc) == "2026-03-01T04:30:00Z"


def test_the_day_boundary_is_beijing_midnight() -> None:
    # 16:30 UTC on 2 March is 00:30 on 3 March in Beijing: "昨天" is 2 March there.
    late = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)
    assert iso_china_time("昨天 12:00", late) == "2026-03-02T04:00:00Z"
    assert iso_china_time("今天 00:10", late) == "2026-03-02T16:10:00Z"


def test_other_forms_fall_back_to_iso_and_epochs() -> None:
    assert iso_china_time("2026-03-01T10:00:00Z", NOW) == "2026-03-01T10:00:00Z"
    assert iso_china_time("1646205507", NOW) == "2022-03-02T07:18:27Z"


@pytest.mark.parametrize(
    "text", ["", None, "很久以前", "13-45", "02-30", "2024-13-01", "昨天", "Sat Foo 27 10:00:00 +0800 2026"]
)
def test_not_a_time(text: str | None) -> None:
    assert china_time(text, NOW) is None
    assert iso_china_time(text, NOW) is None
