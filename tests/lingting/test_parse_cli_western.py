"""`lingting parse` knows the Reddit, Stack Exchange, GitHub and App Store responses (and the new
reply kinds of Hacker News and Discourse) and prints normalized posts as JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lingting.cli import main

FILES = {
    "reddit": "reddit/comments_2gmzqe.json",
    "stackexchange": "stackexchange/users_22656_questions_2.3_items_only.json",
    "github": "github/issue_187_comments_body.json",
    "appstore": "appstore/customerreviews_jp_id1404176564_mostrecent.json",
}


@pytest.mark.parametrize(("source", "rel"), FILES.items())
def test_parse_prints_posts_and_the_kind(shared: Path, source: str, rel: str) -> None:
    result = CliRunner().invoke(main, ["parse", source, str(shared / "fixtures" / rel)])
    assert result.exit_code == 0, result.output
    posts = [json.loads(line) for line in result.stdout.splitlines()]
    assert posts and all(p["source"] == source and p["source_post_id"] and p["url"] for p in posts)
    assert f"{source}/" in result.stderr and "0 skipped" in result.stderr


def test_parse_app_store_reviews_keep_their_stars(shared: Path) -> None:
    result = CliRunner().invoke(main, ["parse", "appstore", str(shared / "fixtures" / FILES["appstore"])])
    reviews = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["kind"] for r in reviews} == {"review"}
    assert all(1 <= r["raw"]["rating"] <= 5 for r in reviews)


def test_parse_hacker_news_item_tree(tmp_path: Path) -> None:
    tree = {"id": 5, "type": "story", "author": "a", "title": "VoxLink", "created_at_i": 1787381000, "story_id": 5,
            "children": [{"id": 6, "type": "comment", "author": "b", "text": "same", "parent_id": 5, "story_id": 5,
                          "created_at_i": 1787381060, "children": []}]}  # fmt: skip
    path = tmp_path / "item.json"
    path.write_text(json.dumps(tree), encoding="utf-8")
    result = CliRunner().invoke(main, ["parse", "hackernews", str(path)])
    assert result.exit_code == 0 and "hackernews/item: 2 post(s)" in result.stderr
