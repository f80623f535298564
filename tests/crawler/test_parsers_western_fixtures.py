"""Every recorded response of Reddit (JSON), Stack Exchange, GitHub and the App Store parses into
well-formed posts; real values are checked against the files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.parsers import ParseResult, parse

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
FETCHED = datetime(2026, 11, 25, 1, 2, 3, tzinfo=UTC)

# folder -> (parser, file pattern); reddit's Atom feed belongs to the rss parser.
FOLDERS = {
    "reddit": ("reddit", "*.json"),
    "stackexchange": ("stackexchange", "*"),
    "github": ("github", "*"),
    "appstore": ("appstore", "*"),
}
EXPECTED_KIND = {
    "reddit/search_r_all_q_praw_oauth_search.json": "reddit/posts",
    "reddit/r_sub_comments_limit100_2023.json": "reddit/comments",
    "reddit/comments_2gmzqe.json": "reddit/thread",
    "stackexchange/users_22656_questions_2.3_items_only.json": "stackexchange/questions",
    "github/search_issues_body_first20items.json": "github/search",
    "github/issue_187_comments_body.json": "github/comments",
    "appstore/customerreviews_jp_id1404176564_mostrecent.json": "appstore/reviews",
}
# The recorded JSON review feed has no per-review date (the XML form has one).
UNDATED = {"appstore/customerreviews_jp_id1404176564_mostrecent.json"}


def _cases() -> list[object]:
    cases: list[object] = []
    for folder, (source, pattern) in FOLDERS.items():
        for path in sorted((FIXTURES / folder).glob(pattern)):
            if path.is_file():
                rel = f"{folder}/{path.name}"
                cases.append(pytest.param(rel, source, id=rel))
    # With no shared folder the list would be empty and pytest would quietly skip: fail instead.
    return cases or [pytest.param(None, None, id="shared-fixtures-missing")]


def _parse(rel: str, url: str = "") -> ParseResult:
    source = FOLDERS[rel.split("/")[0]][0]
    return parse(source, (FIXTURES / rel).read_bytes(), url=url, fetched_at=FETCHED)


@pytest.mark.parametrize(("rel", "source"), _cases())
def test_every_fixture_parses(rel: str | None, source: str | None) -> None:
    if rel is None or source is None:
        pytest.fail(f"shared fixtures missing at {FIXTURES}")
    assert rel in EXPECTED_KIND, f"new fixture {rel}: add its expected kind to EXPECTED_KIND"
    result = _parse(rel)

    assert result.kind == EXPECTED_KIND[rel]
    assert result.posts and result.skipped == []
    ids = [p.source_post_id for p in result.posts]
    assert len(ids) == len(set(ids))
    for post in result.posts:
        assert post.source == source and post.source_post_id
        assert post.url.startswith(("http://", "https://"))
        if rel not in UNDATED:
            assert post.created_at and post.created_at.endswith("Z") and len(post.created_at) == 20
        assert post.fetched_at == "2026-11-25T01:02:03Z"
        assert post.kind in ("post", "comment", "review")
        assert post.raw
        # Markup is gone (a post may still quote HTML in a code block, as one of these does).
        assert not post.text.startswith("<") and 'class="md"' not in post.text and "SC_OFF" not in post.text
        json.dumps(post.raw)  # raw is stored as JSON, so it must be plain data


# --- Reddit -----------------------------------------------------------------------------------------


def test_reddit_search_listing() -> None:
    result = _parse("reddit/search_r_all_q_praw_oauth_search.json")
    assert len(result.posts) == 6 and result.has_more is False
    first = result.posts[0]
    assert first.source_post_id == "t3_3gpbiu" == first.thread_id  # the Atom feed's id for the post
    assert first.kind == "post"
    assert first.title == "[PRAW][OAuth2Util] Problem using get_banned() : raise Forbidden(_raw=response)"
    # The search's "?ref=search_posts" is not part of the thread's address.
    assert (
        first.url == "https://www.reddit.com/r/redditdev/comments/3gpbiu/prawoauth2util_problem_using_get_banned_raise/"
    )
    assert (first.author, first.likes, first.replies) == ("dClauzel", 0, 21)
    assert first.created_at == "2015-08-12T09:08:34Z"  # created_utc, not the shifted `created`
    assert first.text.startswith("solved\nProblem solved with this:")
    assert 'print("connexion…", end=" ")' in first.text  # code kept, entities decoded
    japanese = result.posts[5]
    assert japanese.title == "たびたび話題になるサイドバーの閲覧中ユーザ数について（また）調べた"


def test_reddit_comments_listing() -> None:
    result = _parse("reddit/r_sub_comments_limit100_2023.json")
    assert len(result.posts) == 100
    assert result.has_more is True and getattr(result, "after", None) == "t1_k3uzsxu"
    first = result.posts[0]
    assert first.source_post_id == "t1_k3yrfii" and first.kind == "comment"
    assert (first.thread_id, first.parent_id) == ("t3_agi5zf", "t1_k3u4rtt")
    assert (first.author, first.author_id) == ("Acceptable-Bread-566", "t2_puq6r71y")
    assert first.text == "Did it work?"
    assert first.created_at == "2023-10-08T08:46:08Z"
    assert all(p.kind == "comment" and p.thread_id and p.thread_id.startswith("t3_") for p in result.posts)


def test_reddit_thread_with_nested_replies() -> None:
    result = _parse("reddit/comments_2gmzqe.json")
    post, comment, reply = result.posts
    assert post.source_post_id == "t3_2gmzqe" and post.kind == "post"
    assert post.title == "[PRAW] HTTPS enabled PRAW testing needed"
    assert "pip install git+git://github.com/praw-dev/praw.git@praw3" in post.text
    assert (comment.source_post_id, comment.parent_id, comment.author) == ("t1_cklfmye", "t3_2gmzqe", "paneer_burrito")
    assert (reply.source_post_id, reply.parent_id, reply.author) == ("t1_cklhv0f", "t1_cklfmye", "bboe")
    assert reply.thread_id == "t3_2gmzqe" and reply.title == post.title
    assert reply.url == "https://www.reddit.com/comments/2gmzqe/_/cklhv0f/"
    assert "replies" not in comment.raw  # the reply is its own row, not repeated inside its parent


# --- Stack Exchange -----------------------------------------------------------------------------------


def test_stackexchange_questions_without_wrapper_fields() -> None:
    result = _parse("stackexchange/users_22656_questions_2.3_items_only.json")
    assert len(result.posts) == 30 and result.has_more is False
    first = result.posts[0]
    assert first.source_post_id == "stackoverflow:q:247621" == first.thread_id
    assert first.url == "https://stackoverflow.com/questions/247621/what-are-the-correct-version-numbers-for-c"
    assert first.title == "What are the correct version numbers for C#?"
    assert (first.author, first.author_id, first.likes, first.replies) == ("Jon Skeet", "22656", 2742, 12)
    assert first.created_at == "2008-10-29T17:09:40Z"
    titles = [p.title or "" for p in result.posts]
    # The API HTML-encodes titles (&#39; &quot;); they are stored decoded.
    assert "Why can't PowerShell find the gcloud cmdlets?" in titles
    assert not any("&#39;" in t or "&quot;" in t for t in titles)


def test_stackexchange_site_comes_from_the_request() -> None:
    url = "https://api.stackexchange.com/2.3/search/advanced?q=x&site=superuser"
    result = _parse("stackexchange/users_22656_questions_2.3_items_only.json", url=url)
    assert result.posts[0].source_post_id == "superuser:q:247621"


# --- GitHub -------------------------------------------------------------------------------------------


def test_github_issue_search() -> None:
    result = _parse("github/search_issues_body_first20items.json")
    assert len(result.posts) == 20
    assert result.has_more is True  # 20 of total_count 57
    first = result.posts[0]
    assert first.source_post_id == "Koffeegod/demo-issues#28" == first.thread_id
    assert first.url == "https://github.com/Koffeegod/demo-issues/issues/28"
    assert (first.title, first.author, first.author_id, first.replies) == (
        "GitHub integration images",
        "Koffeegod",
        "5976272",
        4,
    )
    assert first.created_at == "2015-11-24T03:31:29Z"
    chinese = next(p for p in result.posts if p.source_post_id == "EYHN/hexo-helper-live2d#33")
    assert chinese.text.startswith("之前在本地解决了 #26 的问题")
    last_page = _parse(
        "github/search_issues_body_first20items.json", "https://api.github.com/search/issues?q=x&per_page=20&page=3"
    )
    assert last_page.has_more is False  # 40 + 20 >= 57


def test_github_issue_comments() -> None:
    result = _parse("github/issue_187_comments_body.json")
    assert [p.source_post_id for p in result.posts] == [
        "sigmavirus24/github3.py#187/c31799031",
        "sigmavirus24/github3.py#187/c31799190",
        "sigmavirus24/github3.py#187/c31799437",
    ]
    first = result.posts[0]
    assert first.kind == "comment" and first.thread_id == first.parent_id == "sigmavirus24/github3.py#187"
    assert first.url == "https://github.com/sigmavirus24/github3.py/issues/187#issuecomment-31799031"
    assert (first.author, first.created_at) == ("esacteksab", "2014-01-08T01:48:28Z")
    # body_text (the full+json media type) is preferred to the Markdown: no _emphasis_ marks.
    assert first.text.startswith("Note to self: Don't merge without documentation :-p\nBut I totally")


# --- App Store ----------------------------------------------------------------------------------------


def test_appstore_json_reviews() -> None:
    result = _parse("appstore/customerreviews_jp_id1404176564_mostrecent.json")
    assert len(result.posts) == 50
    assert result.has_more is True  # page 1 of 8
    first = result.posts[0]
    assert first.source_post_id == "6290024630" and first.kind == "review"
    assert (first.title, first.author, first.author_id) == ("神アプリ", "ヤミ。", "638572168")
    assert first.text.startswith("とにかく周りの人皆んなが暖かく")
    assert first.raw["rating"] == 4 and first.likes == 0
    assert first.url == "https://apps.apple.com/jp/app/id1404176564?see-all=reviews"
    assert first.created_at is None  # this recording has no per-review date
    assert sorted({p.raw["rating"] for p in result.posts}) == [1, 2, 3, 4, 5]
    assert sum(p.raw["rating"] == 1 for p in result.posts) == 13
