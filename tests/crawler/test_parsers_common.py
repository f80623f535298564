"""The shared helpers: HTML to text, dates, JSON loading."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler.parsers.common import ParseError, html_to_text, iso_utc, load_json, looks_like_html


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("", ""),
        (None, ""),
        ("plain  text\n\n with   spaces", "plain text\nwith spaces"),
        ("<p>a &amp; b &lt;c&gt; &quot;d&quot; &#x4e2d;&#25991;</p>", 'a & b <c> "d" 中文'),
        ("<p>one</p><p>two</p>", "one\ntwo"),
        ("line<br>break<br/>again", "line\nbreak\nagain"),
        ("<ul><li>x</li><li>y</li></ul>tail", "x\ny\ntail"),
        ("<b>bold</b> and <i>it</i>", "bold and it"),
        ("before<script>alert('x')</script>after", "beforeafter"),
        ("<style>body{color:red}</style><p>shown</p>", "shown"),
        ("<SCRIPT type='text/javascript'>document.cookie</SCRIPT>ok", "ok"),
        ("a<!-- hidden comment -->b", "ab"),
        ("<img src=x onerror=alert(1)>caption", "caption"),
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", "<script>alert(1)</script>"),
        ("tabs\tand\u00a0nbsp\u3000ideographic", "tabs and nbsp ideographic"),
        ("null\x00byte", "nullbyte"),
        ("<div><blockquote>quoted</blockquote>reply</div>", "quoted\nreply"),
    ],
)
def test_html_to_text(html: str | None, text: str) -> None:
    assert html_to_text(html) == text


def test_html_to_text_returns_text_not_markup() -> None:
    # The result is plain text: it is not escaped again, and no tag survives.
    out = html_to_text("<p>1 &lt; 2 &amp;&amp; 3 &gt; 2</p><script>x()</script>")
    assert out == "1 < 2 && 3 > 2"
    assert "&lt;" not in out and "&amp;" not in out and "x()" not in out


def test_html_to_text_survives_hostile_nesting() -> None:
    assert isinstance(html_to_text("<div>" * 5000 + "deep" + "</div>" * 5000), str)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1787381392, "2026-08-22T06:49:52Z"),
        (1787381392.9, "2026-08-22T06:49:52Z"),
        ("1787381392", "2026-08-22T06:49:52Z"),
        (1787381392000, "2026-08-22T06:49:52Z"),  # milliseconds
        (0, "1970-01-01T00:00:00Z"),
        ("2013-02-04T15:26:25.977-05:00", "2013-02-04T20:26:25Z"),
        ("2026-01-21T23:29:42.524Z", "2026-01-21T23:29:42Z"),
        ("2026-01-21T23:29:42.123456789Z", "2026-01-21T23:29:42Z"),
        ("2026-07-09T12:48:52Z", "2026-07-09T12:48:52Z"),
        ("2026-07-09T12:48:52", "2026-07-09T12:48:52Z"),  # no offset: UTC
        ("2026-11-21T18:30:00+08:00", "2026-11-21T10:30:00Z"),
        ("2026-11-21", "2026-11-21T00:00:00Z"),
        ("Wed, 21 Jan 2026 23:29:42 +0000", "2026-01-21T23:29:42Z"),
        ("Mon, 23 Nov 2026 09:00:00 +0800", "2026-11-23T01:00:00Z"),
        ("Mon, 23 Nov 2026 09:00:00 GMT", "2026-11-23T09:00:00Z"),
        (datetime(2026, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=8))), "2026-01-01T00:00:00Z"),
        (datetime(2026, 1, 1, 8, 0), "2026-01-01T08:00:00Z"),
        (time.struct_time((2026, 7, 6, 20, 55, 8, 0, 187, 0)), "2026-07-06T20:55:08Z"),
        (None, None),
        ("", None),
        ("yesterday-ish", None),
        (True, None),
        ([2026], None),
        (10**20, None),
    ],
)
def test_iso_utc(value: object, expected: str | None) -> None:
    assert iso_utc(value) == expected


def test_load_json_reads_bytes_with_bom() -> None:
    assert load_json(b'\xef\xbb\xbf{"a": [1]}') == {"a": [1]}


def test_load_json_errors_are_bilingual() -> None:
    with pytest.raises(ParseError) as info:
        load_json(b'{"a": [1, 2')
    assert str(info.value) == "response is not valid JSON (truncated) / 响应不是有效的 JSON（内容被截断）"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<!DOCTYPE html><html></html>", True),
        (b"\n  <HTML><body>x</body></HTML>", True),
        (b'<?xml version="1.0"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml">', True),
        (b'<?xml version="1.0"?><rss version="2.0"><channel>', False),
        (b'{"html": "<html>"}', False),
    ],
)
def test_looks_like_html(body: bytes, expected: bool) -> None:
    assert looks_like_html(body) is expected


def test_now_is_utc() -> None:
    stamp = iso_utc(datetime.now(UTC))
    assert stamp is not None and stamp.endswith("Z")
