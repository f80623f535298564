"""Reddit, Stack Exchange, GitHub and App Store bodies that cannot be read raise ParseError with a
message a user understands; broken records are skipped with their reason, never fatal.
(Empty bodies and HTML pages are covered for every source in test_parsers_malformed.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.parsers import ParseError, parse

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
JSON_FIXTURES = {
    "reddit": "reddit/comments_2gmzqe.json",
    "stackexchange": "stackexchange/users_22656_questions_2.3_items_only.json",
    "github": "github/search_issues_body_first20items.json",
    "appstore": "appstore/customerreviews_jp_id1404176564_mostrecent.json",
}


@pytest.mark.parametrize(("source", "rel"), JSON_FIXTURES.items())
def test_truncated_json(source: str, rel: str) -> None:
    text = (FIXTURES / rel).read_text(encoding="utf-8")
    # Cut between characters: a cut inside one is reported as "not UTF-8" by the shared JSON loader.
    with pytest.raises(ParseError, match=r"not valid JSON \(truncated\) / 响应不是有效的 JSON"):
        parse(source, text[: len(text) // 2].encode())


@pytest.mark.parametrize(
    ("source", "data"),
    [
        ("reddit", {"kind": "t3", "data": {}}),
        ("reddit", [1, 2]),
        ("reddit", {"kind": "Listing", "data": {"children": "none"}}),
        ("stackexchange", "just a string"),
        ("stackexchange", [{"foo": 1}]),
        ("github", {"foo": 1}),
        ("github", [{"foo": 1}]),
        ("appstore", {"nofeed": 1}),
        ("appstore", {"feed": {"entry": "x"}}),
    ],
)
def test_wrong_shape(source: str, data: object) -> None:
    with pytest.raises(ParseError, match="never serves this shape"):
        parse(source, json.dumps(data).encode())


@pytest.mark.parametrize(
    ("source", "data", "message"),
    [
        ("reddit", {"message": "Forbidden", "error": 403}, "Forbidden"),
        (
            "stackexchange",
            {
                "error_id": 502,
                "error_message": "too many requests from this IP, more requests available in 80165 seconds",
                "error_name": "throttle_violation",
            },
            "throttle_violation: too many requests from this IP",
        ),
        ("github", {"message": "API rate limit exceeded for 203.0.113.9.", "documentation_url": "x"}, "rate limit"),
    ],
)
def test_api_error_objects_surface_their_message(source: str, data: object, message: str) -> None:
    with pytest.raises(ParseError, match="answered with an error") as info:
        parse(source, json.dumps(data).encode())
    assert message in str(info.value)


def test_appstore_xml_that_is_not_a_feed_or_is_cut() -> None:
    with pytest.raises(ParseError, match="not an RSS/Atom feed"):
        parse("appstore", b'<?xml version="1.0"?><config><item>1</item></config>')
    # A cut feed keeps what could be read; here one entry without its stars.
    cut = parse("appstore", b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><im:rating')
    assert cut.posts == [] and cut.skipped == ["record 0: rating is not 1-5 stars ('None')"]


def test_broken_records_are_skipped_with_reasons() -> None:
    questions = json.loads((FIXTURES / JSON_FIXTURES["stackexchange"]).read_bytes())
    questions["items"][0]["question_id"] = None
    questions["items"][1]["question_id"] = "abc"
    questions["items"][2]["score"] = "lots"  # a bad count costs the field, not the record
    result = parse("stackexchange", json.dumps(questions).encode())
    assert result.skipped == ["record 0: missing question_id", "record 1: question_id is not a number (str)"]
    assert len(result.posts) == 28 and result.posts[0].likes is None

    issues = json.loads((FIXTURES / JSON_FIXTURES["github"]).read_bytes())
    issues["items"][3]["number"] = {"n": 1}
    for key in ("repository_url", "url", "html_url"):
        del issues["items"][4][key]
    result = parse("github", json.dumps(issues).encode())
    assert result.skipped == ["record 3: number is not a number (dict)", "record 4: issue 103 names no repository"]

    thread = json.loads((FIXTURES / JSON_FIXTURES["reddit"]).read_bytes())
    del thread[1]["data"]["children"][0]["data"]["link_id"]
    result = parse("reddit", json.dumps(thread).encode())
    assert result.skipped == ["record 1: comment cklfmye has no link_id"]
    assert [p.source_post_id for p in result.posts] == ["t3_2gmzqe", "t1_cklhv0f"]  # its reply still counts

    feed = json.loads((FIXTURES / JSON_FIXTURES["appstore"]).read_bytes())
    del feed["feed"]["entry"][0]["id"]
    feed["feed"]["entry"][1]["im:rating"] = {"label": "five"}
    result = parse("appstore", json.dumps(feed).encode())
    assert result.skipped == ["record 0: missing id", "record 1: rating is not 1-5 stars ('five')"]
    assert len(result.posts) == 48
