"""Size limits on what a crawl takes in: answers too large to download, posts too long to store.

An answer larger than `[crawl] max_response_mb`, as sent or once decompressed, is dropped by
Scrapy (DOWNLOAD_MAXSIZE, crawler/settings.py) and counted here as `too_large`. A post whose text
is longer than `[crawl] max_post_chars` keeps its head: the text, the title and every long text of
its raw record are cut, and the raw record says what was cut under `CUT_KEY` (counted as `cut_posts`).
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from twisted.python.failure import Failure

from crawler.items import PostItem

CUT_KEY = "lingting_cut"
"""Key of the raw record telling that the post was cut: {"text_chars": length before, "kept_chars": ...}."""
TITLE_CHARS = 1_000
"""A title longer than this is no title; it is cut like the text."""
MARK = " …[cut / 已截断]"


def too_large(failure: Failure) -> bool:
    """The answer was dropped because it was larger than DOWNLOAD_MAXSIZE (sent or decompressed)."""
    message = failure.getErrorMessage()
    return bool(failure.check(DownloadCancelledError) and "max size" in message) or bool(
        failure.check(IgnoreRequest) and "DOWNLOAD_MAXSIZE" in message
    )


def _cut(text: str, limit: int) -> str:
    return text[:limit] + MARK


def _cut_raw(value: Any, limit: int) -> tuple[Any, int]:
    """`value` with every string longer than `limit` cut to its head; and how many were cut."""
    if isinstance(value, str):
        return (_cut(value, limit), 1) if len(value) > limit else (value, 0)
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        cuts = 0
        for key, item in value.items():
            out[key], n = _cut_raw(item, limit)
            cuts += n
        return out, cuts
    if isinstance(value, list):
        pairs = [_cut_raw(item, limit) for item in value]
        return [v for v, _ in pairs], sum(n for _, n in pairs)
    return value, 0


def cut_post(item: PostItem, max_chars: int) -> bool:
    """Cut an over-long post in place (text, title, raw record) and mark it; True if anything was cut."""
    text_chars = len(item.text or "")
    long_title = item.title is not None and len(item.title) > TITLE_CHARS
    raw, raw_cuts = _cut_raw(item.raw, max_chars)
    if text_chars <= max_chars and not long_title and not raw_cuts:
        return False
    if text_chars > max_chars:
        item.text = _cut(item.text, max_chars)
    if long_title and item.title is not None:
        item.title = _cut(item.title, TITLE_CHARS)
    item.raw = {**raw, CUT_KEY: {"text_chars": text_chars, "kept_chars": max_chars, "raw_fields_cut": raw_cuts}}
    return True
