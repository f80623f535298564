"""Every parser against hostile copies of every recorded response: a ParseResult or a ParseError, never a crash.

The copies are the shared fixtures mutated by hypothesis: truncated anywhere, values of the wrong
type, keys dropped, HTML pages in place of JSON, fields inflated to megabytes, deep nesting, byte
noise and other encodings. Every parser registered in `crawler.parsers.SOURCES` when the test
runs is fuzzed, so a new parser is covered the day it is registered.

Bounded to stay fast (a few hundred examples in all, fixed seed); `LINGTING_FUZZ_EXAMPLES=500`
runs more examples per parser with a random seed.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.items import PostItem
from crawler.parsers import SOURCES, ParseError, ParseResult, parse
from tests.fuzz import fuzz_settings

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
FETCHED = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
FUZZ = fuzz_settings(30)
URLS = (
    "",
    "https://www.v2ex.com/api/replies/show.json?topic_id=1",
    "https://forum.example.com/community/t/5.json",
    "https://hn.algolia.com/api/v1/search_by_date?query=x",
    "https://example.com/feed.xml",
    "not a url",
)
PLATFORMS = (None, "reddit", "appstore", "weibo", "rss")
MEGABYTE = 1 << 20
HTML_PAGES = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>cf-chl</body></html>",
    "<html><head><title>百度安全验证</title></head><body>请完成验证</body></html>".encode(),
    b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    b"<html><head><title>" + b"<" * 5000 + b"</title>",
)


class Sample(bytes):
    """A mutated body whose repr stays short: a failing example names its start and size, not megabytes."""

    def __repr__(self) -> str:
        return f"Sample({bytes(self[:160])!r}... {len(self)} bytes)"


@cache
def fixture_files() -> tuple[Path, ...]:
    files = tuple(sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.name != "SOURCES.md"))
    assert files, f"no shared fixtures under {FIXTURES}"
    return files


@cache
def body_of(path: Path) -> bytes:
    return path.read_bytes()


def own_fixtures(source: str) -> tuple[Path, ...]:
    """The fixtures recorded from the source itself (fuzzed more often than the others)."""
    mine = tuple(p for p in fixture_files() if p.parent.name == source)
    if source == "rss":
        mine += tuple(p for p in fixture_files() if p.suffix in (".xml", ".rss"))
    return mine or fixture_files()


# -- JSON mutations -----------------------------------------------------------------------------


def slots(doc: Any, limit: int = 4000) -> list[tuple[Any, Any]]:
    """(container, key) of every value in a JSON document, breadth first."""
    found: list[tuple[Any, Any]] = []
    queue = [doc]
    while queue and len(found) < limit:
        node = queue.pop(0)
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            found.append((node, key))
            queue.append(value)
    return found


def replacement(draw: Any, value: Any) -> Any:
    kind = draw(
        st.sampled_from(["null", "str", "int", "float", "bool", "list", "dict", "huge", "markup", "deep", "empty"])
    )
    if kind == "null":
        return None
    if kind == "str":
        return draw(st.sampled_from([str(value)[:40], "", "not a number", "2026-13-45T99:99:99Z", "-1", "１２"]))
    if kind == "int":
        return draw(st.sampled_from([0, -1, 2**63, 10**30, 1_790_000_000_000_000, True]))
    if kind == "float":
        return draw(st.sampled_from([0.5, -1e308, 1e308, float("nan"), float("inf")]))
    if kind == "bool":
        return draw(st.booleans())
    if kind == "list":
        return draw(st.sampled_from([[], [value], [None, 1, "x"], [[[]]]]))
    if kind == "dict":
        return draw(st.sampled_from([{}, {"value": value}, {"id": None}, {"": ""}]))
    if kind == "huge":
        return draw(st.sampled_from(["声链闪退" * (MEGABYTE // 12), "x" * MEGABYTE, "&amp;" * (MEGABYTE // 5)]))
    if kind == "markup":
        return draw(st.sampled_from(["<div>" * 20_000 + "text", "<script>alert(1)</script>", "<p>a<br>" * 5000]))
    if kind == "deep":
        nested: Any = value
        for _ in range(draw(st.integers(50, 400))):
            nested = [nested]
        return nested
    return ""


@st.composite
def json_mutation(draw: Any, body: bytes) -> bytes:
    doc = json.loads(body)
    if not isinstance(doc, dict | list):
        return body
    places = slots(doc)
    for _ in range(draw(st.integers(1, 4))):
        if not places:
            break
        container, key = draw(st.sampled_from(places))
        if (isinstance(container, dict) and key not in container) or (
            isinstance(container, list) and key >= len(container)
        ):
            continue  # an earlier mutation removed it
        if draw(st.integers(0, 4)) == 0:
            if isinstance(container, dict):
                del container[key]
            else:
                container.pop(key)
        else:
            container[key] = replacement(draw, container[key])
    if draw(st.integers(0, 5)) == 0:
        doc = replacement(draw, doc)  # the whole document of another shape
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()), allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


# -- mutations of any body ----------------------------------------------------------------------


def is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


@st.composite
def text_mutation(draw: Any, body: bytes) -> bytes:
    kind = draw(st.sampled_from(["inflate", "drop_element", "entities", "noise", "encoding", "duplicate"]))
    if kind == "inflate":
        at = draw(st.integers(0, len(body)))
        filler = draw(st.sampled_from([b"x" * MEGABYTE, "声链".encode() * (MEGABYTE // 6), b"<b>" * 100_000]))
        return body[:at] + filler + body[at:]
    if kind == "drop_element":
        tags = list(re.finditer(rb"<([A-Za-z][\w:.-]*)[^>]*>", body))
        if not tags:
            return body
        tag = draw(st.sampled_from(tags))
        end = body.find(b"</" + tag.group(1) + b">", tag.end())
        return body[: tag.start()] + (body[end + len(tag.group(1)) + 3 :] if end >= 0 else body[tag.end() :])
    if kind == "entities":
        bomb = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        at = body.find(b"?>") + 2 if body.startswith(b"<?xml") else 0
        return body[:at] + bomb + body[at:].replace(b"</title>", b"&b;&#0;&#xD800;&nosuch;</title>", 1)
    if kind == "noise":
        data = bytearray(body)
        for _ in range(draw(st.integers(1, 20))):
            if data:
                data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if kind == "encoding":
        text = body.decode("utf-8", "replace")
        codec = draw(st.sampled_from(["utf-16", "gbk", "latin-1", "utf-8-sig"]))
        return text.encode(codec, "replace")
    return body + body  # two documents back to back


@st.composite
def hostile(draw: Any, body: bytes) -> Sample:
    return Sample(draw(any_mutation(body)))


@st.composite
def any_mutation(draw: Any, body: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "json", "text", "html", "empty"]))
    if kind == "truncate":
        return body[: draw(st.integers(0, max(len(body) - 1, 0)))]
    if kind == "json" and is_json(body):
        return draw(json_mutation(body))
    if kind == "html":
        page = draw(st.sampled_from(HTML_PAGES))
        return page if draw(st.booleans()) else b"<html><body><pre>" + body + b"</pre></body></html>"
    if kind == "empty":
        return draw(st.sampled_from([b"", b"null", b"0", b"[]", b"{}", b'""', b"\xef\xbb\xbf", b"\x00" * 64]))
    return draw(text_mutation(body))


def check(source: str, body: bytes, url: str, platform: str | None) -> None:
    """The contract every parser keeps on any input."""
    try:
        result = parse(source, body, url, FETCHED, platform=platform)
    except ParseError as exc:
        assert str(exc), "a ParseError says why"
        return
    assert isinstance(result, ParseResult) and isinstance(result.kind, str)
    assert all(isinstance(reason, str) for reason in result.skipped)
    for post in result.posts:
        assert isinstance(post, PostItem)
        assert isinstance(post.source_post_id, str) and post.source_post_id
        assert isinstance(post.url, str) and isinstance(post.text, str)
        assert post.created_at is None or isinstance(post.created_at, str)


@pytest.mark.parametrize("source", SOURCES)
@FUZZ
@given(data=st.data())
def test_parser_survives_hostile_copies_of_the_fixtures(source: str, data: Any) -> None:
    pool = own_fixtures(source) if data.draw(st.integers(0, 3)) else fixture_files()
    path = data.draw(st.sampled_from(pool), label="fixture")
    body = data.draw(hostile(body_of(path)), label="body")
    url = data.draw(st.sampled_from(URLS), label="url")
    platform = data.draw(st.sampled_from(PLATFORMS), label="platform") if source == "rss" else None
    check(source, body, url, platform)


@pytest.mark.parametrize("source", SOURCES)
def test_every_fixture_unmutated_keeps_the_contract(source: str) -> None:
    for path in fixture_files():
        check(source, body_of(path), "", None)
