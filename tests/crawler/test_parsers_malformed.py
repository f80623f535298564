"""Bodies that cannot be read raise ParseError; broken records are skipped, never fatal."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.parsers import SOURCES, ParseError, parse

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
FETCHED = datetime(2026, 11, 25, tzinfo=UTC)
JSON_FIXTURES = {
    "v2ex": "v2ex/hot_topics_v1_2026-08-23.json",
    "discourse": "discourse/criticalfallibilism_posts.json",
    "hackernews": "hackernews/algolia_search_tags_show_hn.json",
}
CLOUDFLARE_PAGE = (
    b"<!DOCTYPE html>\n<html lang='en'><head><title>Just a moment...</title>"
    b"<script>var x = 1;</script></head><body><h1>Checking your browser</h1></body></html>"
)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("body", [b"", b"   \n", b"\xef\xbb\xbf\n"])
def test_empty_body(source: str, body: bytes) -> None:
    with pytest.raises(ParseError, match="empty response body / 响应为空"):
        parse(source, body)


@pytest.mark.parametrize("source", SOURCES)
def test_html_page_names_its_title(source: str) -> None:
    with pytest.raises(ParseError, match=r'HTML page \("Just a moment\.\.\."\)') as info:
        parse(source, CLOUDFLARE_PAGE)
    assert "收到的是网页" in str(info.value)


def test_html_page_without_title() -> None:
    with pytest.raises(ParseError, match="got an HTML page instead of JSON"):
        parse("v2ex", b"<html><body>502 Bad Gateway</body></html>")


@pytest.mark.parametrize(("source", "rel"), JSON_FIXTURES.items())
def test_truncated_json(source: str, rel: str) -> None:
    body = (FIXTURES / rel).read_bytes()
    with pytest.raises(ParseError, match=r"not valid JSON \(truncated\) / 响应不是有效的 JSON"):
        parse(source, body[: len(body) // 2])


def test_corrupt_json_says_where() -> None:
    with pytest.raises(ParseError, match="line 1 column 10"):
        parse("hackernews", b'{"hits": oops, "page": 0}')


def test_not_utf8() -> None:
    with pytest.raises(ParseError, match="not UTF-8"):
        parse("v2ex", '[{"title": "中文"}]'.encode("gbk"))


@pytest.mark.parametrize(
    ("source", "data"),
    [
        ("v2ex", {"foo": 1}),
        ("v2ex", "just a string"),
        ("v2ex", [{"foo": 1}]),
        ("discourse", [1, 2, 3]),
        ("discourse", {"topic_list": {"nothing": []}}),
        ("hackernews", {"results": []}),
        ("hackernews", [{"objectID": "1"}]),
    ],
)
def test_wrong_shape(source: str, data: object) -> None:
    with pytest.raises(ParseError, match="never serves this shape"):
        parse(source, json.dumps(data).encode())


@pytest.mark.parametrize(
    ("source", "data", "message"),
    [
        ("discourse", {"errors": ["You’ve performed this action too many times."]}, "too many times"),
        ("v2ex", {"status": "error", "message": "Rate Limit Exceeded"}, "Rate Limit Exceeded"),
        ("v2ex", {"success": False, "message": "Invalid token"}, "Invalid token"),
        ("hackernews", {"message": "Invalid value for numericFilters", "status": 400}, "numericFilters"),
    ],
)
def test_api_error_objects_surface_their_message(source: str, data: object, message: str) -> None:
    with pytest.raises(ParseError, match="answered with an error") as info:
        parse(source, json.dumps(data).encode())
    assert message in str(info.value)


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><config><item>1</item></config>',
        b"<rss><channel><title>cut",
        b"<not really xml",
        b'{"items": []}',
    ],
)
def test_not_a_feed(body: bytes) -> None:
    with pytest.raises(ParseError, match="not an RSS/Atom feed"):
        parse("rss", body)


def test_malformed_feed_keeps_the_entries_it_could_read() -> None:
    body = b'<rss version="2.0"><channel><item><title>a</title><link>https://ex.com/a</link></item><item>'
    result = parse("rss", body)
    assert [p.url for p in result.posts] == ["https://ex.com/a"]
    assert result.skipped == ["record 1: entry has neither a link nor a URL id"]


def test_unknown_source_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="v2ex, discourse, hackernews, rss"):
        parse("myspace", b"[]")


def test_v2ex_one_broken_record_among_good_ones() -> None:
    topics = json.loads((FIXTURES / JSON_FIXTURES["v2ex"]).read_bytes())
    del topics[3]["id"]
    result = parse("v2ex", json.dumps(topics).encode(), fetched_at=FETCHED)
    assert len(result.posts) == len(topics) - 1
    assert result.skipped == ["record 3: missing id"]


def test_hackernews_broken_records_are_skipped_with_reasons() -> None:
    data = json.loads((FIXTURES / JSON_FIXTURES["hackernews"]).read_bytes())
    data["hits"][0]["objectID"] = None
    data["hits"][1] = "not a hit"
    data["hits"][2]["objectID"] = {"nested": True}
    data["hits"][3]["num_comments"] = "many"  # a bad count costs the field, not the record
    result = parse("hackernews", json.dumps(data).encode(), fetched_at=FETCHED)
    assert result.skipped == [
        "record 0: missing objectID",
        "record 1: not an object (str)",
        "record 2: objectID is not a number (dict)",
    ]
    assert len(result.posts) == len(data["hits"]) - 3
    assert result.posts[0].replies is None


def test_discourse_post_with_wrong_types_is_skipped() -> None:
    data = json.loads((FIXTURES / JSON_FIXTURES["discourse"]).read_bytes())
    data["latest_posts"][5]["topic_id"] = None
    data["latest_posts"][6]["id"] = True
    result = parse("discourse", json.dumps(data).encode(), fetched_at=FETCHED)
    assert result.skipped == ["record 5: post 20213 has no topic_id", "record 6: missing id"]
    assert len(result.posts) == 48


def test_feed_entry_without_link_or_url_id_is_skipped() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://ex.com</link>
      <item><title>no link</title><guid isPermaLink="false">abc</guid></item>
      <item><title>ok</title><link>https://ex.com/2</link></item>
    </channel></rss>"""
    result = parse("rss", body, fetched_at=FETCHED)
    assert [p.url for p in result.posts] == ["https://ex.com/2"]
    assert result.skipped == ["record 0: entry has neither a link nor a URL id"]


def test_json_cut_inside_a_multibyte_character_is_truncated_not_foreign() -> None:
    from crawler.parsers import ParseError, parse

    body = '[{"id": 1, "title": "声链推送失败"}]'.encode()
    cut = body[: body.index("失".encode()) + 1]
    with pytest.raises(ParseError, match="truncated"):
        parse("v2ex", cut)


def test_fuzz_findings_stay_fixed(shared) -> None:
    """Two crashes the fuzzer found: a list where Reddit has a kind string; a control character in a tag."""
    import json

    from crawler.parsers import parse

    listing = {"kind": "Listing", "data": {"children": [{"kind": ["t3"], "data": {}}]}}
    assert len(parse("reddit", json.dumps(listing).encode()).skipped) == 1
    page = (shared / "fixtures" / "tieba" / "search_keyword_notes.html").read_bytes().replace(b"<a ", b"<a \x01", 1)
    assert parse("tieba", page).posts
