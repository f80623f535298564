"""Load western_posts.json (Reddit comments, Stack Exchange, GitHub, App Store) on one anchor's clock.

The file holds ages in minutes, as posts.json does, so everything here is a pure function of
(western_posts.json, anchor). Ids are assigned by the renderers, in creation order, as on the sites.
The Reddit posts themselves come from posts.json, shared with the Atom feed: this file adds their
comments and scores.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from lingting.demo_site.content import as_utc, stable_int


@dataclass(frozen=True)
class Comment:
    """A comment (Reddit, Stack Exchange, GitHub) or an answer (Stack Exchange, with `accepted`)."""

    author: str
    text: str
    created: datetime
    score: int = 0
    parent: int | None = None
    """Reddit: the index of the comment this one answers; None for a reply to the post."""
    association: str = "NONE"
    """GitHub: the author's relation to the repository (OWNER, MEMBER, CONTRIBUTOR, NONE)."""
    reputation: int = 1
    accepted: bool = False


@dataclass(frozen=True)
class Question:
    author: str
    reputation: int
    title: str
    text: str
    tags: tuple[str, ...]
    score: int
    created: datetime
    answers: tuple[Comment, ...]
    comments: tuple[Comment, ...]


@dataclass(frozen=True)
class Issue:
    repo: str
    number: int
    author: str
    association: str
    title: str
    text: str
    state: str
    labels: tuple[str, ...]
    reactions: int
    created: datetime
    comments: tuple[Comment, ...]

    @property
    def updated(self) -> datetime:
        return self.comments[-1].created if self.comments else self.created


@dataclass(frozen=True)
class Review:
    author: str
    rating: int
    title: str
    text: str
    version: str
    votes: int
    vote_count: int
    created: datetime


@dataclass(frozen=True)
class App:
    id: str
    name: str
    developer: str
    version: str
    reviews: dict[str, tuple[Review, ...]]
    """By storefront (country code), newest first as the feed lists them."""


@dataclass(frozen=True)
class WesternContent:
    anchor: datetime
    reddit_comments: dict[str, tuple[Comment, ...]]
    """By Reddit post id (base 36), oldest first."""
    reddit_scores: dict[str, int]
    stackexchange_site: str
    questions: tuple[Question, ...]
    """Oldest first."""
    issues: tuple[Issue, ...]
    """Oldest first."""
    app: App


def _at(anchor: datetime, age_min: int, salt: str) -> datetime:
    # Up to a minute of jitter, so that times look real; ages differ by whole minutes, so order holds.
    return anchor - timedelta(minutes=age_min, milliseconds=stable_int(salt, 60_000))


def _comment(anchor: datetime, raw: dict[str, Any], salt: str) -> Comment:
    return Comment(
        author=raw["author"],
        text=raw["text"],
        created=_at(anchor, raw["age_min"], salt),
        score=raw.get("score", 0),
        parent=raw.get("parent"),
        association=raw.get("association", "NONE"),
        reputation=raw.get("reputation", 1),
        accepted=raw.get("accepted", False),
    )


def _comments(anchor: datetime, items: list[dict[str, Any]], salt: str) -> tuple[Comment, ...]:
    return tuple(_comment(anchor, item, f"{salt}/{index}") for index, item in enumerate(items))


@cache
def _raw() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("western_posts.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def load_western(anchor: datetime) -> WesternContent:
    anchor = as_utc(anchor)
    raw = _raw()
    reddit, stackexchange, github, appstore = raw["reddit"], raw["stackexchange"], raw["github"], raw["appstore"]
    questions = (
        Question(
            author=q["author"],
            reputation=q["reputation"],
            title=q["title"],
            text=q["text"],
            tags=tuple(q["tags"]),
            score=q["score"],
            created=_at(anchor, q["age_min"], f"se/{q['title']}"),
            answers=_comments(anchor, q["answers"], f"se/{q['title']}/a"),
            comments=_comments(anchor, q["comments"], f"se/{q['title']}/c"),
        )
        for q in stackexchange["questions"]
    )
    issues = (
        Issue(
            repo=i["repo"],
            number=i["number"],
            author=i["author"],
            association=i["association"],
            title=i["title"],
            text=i["text"],
            state=i["state"],
            labels=tuple(i["labels"]),
            reactions=i["reactions"],
            created=_at(anchor, i["age_min"], f"gh/{i['repo']}/{i['number']}"),
            comments=_comments(anchor, i["comments"], f"gh/{i['repo']}/{i['number']}"),
        )
        for i in github["issues"]
    )
    reviews = {
        country: tuple(
            sorted(
                (
                    Review(
                        author=r["author"],
                        rating=r["rating"],
                        title=r["title"],
                        text=r["text"],
                        version=r["version"],
                        votes=r["votes"],
                        vote_count=r["vote_count"],
                        created=_at(anchor, r["age_min"], f"as/{country}/{r['author']}"),
                    )
                    for r in items
                ),
                key=lambda review: review.created,
                reverse=True,
            )
        )
        for country, items in appstore["reviews"].items()
    }
    return WesternContent(
        anchor=anchor,
        reddit_comments={
            post: _comments(anchor, items, f"reddit/{post}") for post, items in reddit["comments"].items()
        },
        reddit_scores=dict(reddit["scores"]),
        stackexchange_site=stackexchange["site"],
        questions=tuple(sorted(questions, key=lambda q: q.created)),
        issues=tuple(sorted(issues, key=lambda i: i.created)),
        app=App(
            id=appstore["app_id"],
            name=appstore["name"],
            developer=appstore["developer"],
            version=appstore["version"],
            reviews=reviews,
        ),
    )
