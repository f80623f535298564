"""Times as Chinese sites show them, resolved to UTC against a given `now`.

Weibo, Tieba and Bilibili print times in China Standard Time and, for recent posts, relative to
the moment the page was served: "刚刚", "5分钟前", "2小时前", "昨天 12:30", "06-27" (this year),
"2023-06-27", "2024-8-6 22:11", and the API form "Sat Jun 27 10:00:00 +0800 2026". Everything
here is a pure function of (text, now), so a saved page resolves the same way in a test.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from crawler.parsers.common import iso_now, iso_utc

CHINA = ZoneInfo("Asia/Shanghai")

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_UNITS = {"秒": "seconds", "分钟": "minutes", "分": "minutes", "小时": "hours", "天": "days"}
_DAY_WORDS = {"今天": 0, "昨天": 1, "前天": 2}

_AGO = re.compile(r"^(\d+)\s*(秒|分钟|分|小时|天)前$")
_DAY_WORD = re.compile(r"^(今天|昨天|前天)\s*(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_CLOCK = r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
_FULL_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _CLOCK + "$")
_FULL_DATE_ZH = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日" + _CLOCK + "$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})" + _CLOCK + "$")
_MONTH_DAY_ZH = re.compile(r"^(\d{1,2})月(\d{1,2})日" + _CLOCK + "$")
# "Sat Jun 27 10:00:00 +0800 2026": parsed by hand, since strptime's %a/%b follow the locale.
_API = re.compile(r"^[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+([+-]\d{4})\s+(\d{4})$")


def china_time(text: str | None, now: datetime) -> datetime | None:
    """The moment `text` stands for (timezone-aware), or None if it is not a time we know.

    Times without a zone are China Standard Time; a month-day without a year is this year, or
    last year when this year's date would lie in the future (a post from late December seen in
    January).
    """
    if not text:
        return None
    value = " ".join(text.split())
    local_now = _aware(now).astimezone(CHINA)
    if value == "刚刚":
        return local_now
    if match := _AGO.match(value):
        return local_now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    if match := _DAY_WORD.match(value):
        date = local_now.date() - timedelta(days=_DAY_WORDS[match.group(1)])
        return _local(date.year, date.month, date.day, match.group(2), match.group(3), match.group(4))
    if match := _FULL_DATE.match(value) or _FULL_DATE_ZH.match(value):
        year, month, day = (int(g) for g in match.group(1, 2, 3))
        return _local(year, month, day, *match.group(4, 5, 6))
    if match := _MONTH_DAY.match(value) or _MONTH_DAY_ZH.match(value):
        month, day = int(match.group(1)), int(match.group(2))
        found = _local(local_now.year, month, day, *match.group(3, 4, 5))
        if found is not None and found > local_now:
            found = _local(local_now.year - 1, month, day, *match.group(3, 4, 5))
        return found
    if match := _API.match(value):
        return _api_time(match)
    return None


def iso_china_time(text: str | None, now: datetime) -> str | None:
    """`china_time` as "YYYY-MM-DDTHH:MM:SSZ"; other forms (epoch, ISO 8601) as `iso_utc` reads them."""
    moment = china_time(text, now)
    if moment is not None:
        return iso_now(moment)
    return iso_utc(text)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _local(
    year: int, month: int, day: int, hour: str | None = None, minute: str | None = None, second: str | None = None
) -> datetime | None:
    try:
        return datetime(year, month, day, int(hour or 0), int(minute or 0), int(second or 0), tzinfo=CHINA)
    except ValueError:  # 02-30, 25:00 and the like: not a time
        return None


def _api_time(match: re.Match[str]) -> datetime | None:
    month = _MONTHS.get(match.group(1).lower())
    if month is None:
        return None
    offset = match.group(6)
    sign = 1 if offset[0] == "+" else -1
    zone_delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])) * sign
    try:
        hour, minute, second = (int(g) for g in match.group(3, 4, 5))
        naive = datetime(int(match.group(7)), month, int(match.group(2)), hour, minute, second)
    except ValueError:
        return None
    return (naive - zone_delta).replace(tzinfo=UTC)
