"""Discourse JSON under /discourse: latest.json, search.json, posts.json, t/{id}.json.

Shapes follow recorded /latest.json, /t/{id}.json and /posts.json responses; search.json follows
Discourse's serializer (no recording exists). Links are relative and carry the /discourse prefix,
as a Discourse installed in a subfolder writes them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lingting.demo_site.content import (
    Content,
    Thread,
    as_utc,
    escape_html,
    iso_ms,
    paragraphs_html,
    plain_excerpt,
    slugify,
    stable_int,
    user_id,
)
from lingting.demo_site.responses import Response, json_response

PREFIX = "/discourse"
POST_ID_BASE = 9001
LATEST_PAGE_SIZE = 10  # Discourse uses 30; 10 gives the demo's 17 topics two pages
SEARCH_PAGE_SIZE = 10  # Discourse uses 50
POSTS_PAGE_SIZE = 20  # Discourse uses 50
NOT_FOUND = {"errors": ["The requested URL or resource could not be found."], "error_type": "not_found"}


@dataclass(frozen=True)
class Post:
    topic: Thread
    number: int
    author: str
    name: str
    text: str
    created: datetime
    likes: int
    reply_to: int | None
    replies_to_me: int


def avatar_template(username: str) -> str:
    color = f"{stable_int(username, 0xFFFFFF):06x}"
    return f"{PREFIX}/letter_avatar_proxy/v4/letter/{username[0].lower()}/{color}/{{size}}.png"


def user_ref(post: Post) -> dict[str, Any]:
    return {
        "id": user_id(post.author),
        "username": post.author,
        "name": post.name or None,
        "avatar_template": avatar_template(post.author),
    }


class DiscourseSite:
    def __init__(self, content: Content) -> None:
        self.topics = content.by_source("discourse")
        self.posts: dict[str, list[Post]] = {topic.id: self._posts_of(topic) for topic in self.topics}
        # Post ids grow with time across the forum, as in a real Discourse database.
        chronology = sorted((p.created, p.topic.id, p.number) for p in self.all_posts())
        self.post_ids = {(tid, number): POST_ID_BASE + n for n, (_, tid, number) in enumerate(chronology)}

    def _posts_of(self, topic: Thread) -> list[Post]:
        def answers(number: int) -> int:
            return sum(1 for reply in topic.replies if reply.reply_to == number)

        first = Post(topic, 1, topic.author, topic.name, topic.text, topic.created, topic.likes, None, answers(1))
        return [first] + [
            Post(topic, n, r.author, r.name, r.text, r.created, r.likes, r.reply_to, answers(n))
            for n, r in enumerate(topic.replies, start=2)
        ]

    def post_id(self, post: Post) -> int:
        return self.post_ids[(post.topic.id, post.number)]

    def all_posts(self) -> list[Post]:
        return [post for posts in self.posts.values() for post in posts]

    def _topic_summary(self, topic: Thread) -> dict[str, Any]:
        posts = self.posts[topic.id]
        last = posts[-1]
        return {
            "id": topic.int_id,
            "title": topic.title,
            "fancy_title": escape_html(topic.title),
            "slug": slugify(topic.title),
            "posts_count": len(posts),
            "reply_count": len(posts) - 1,
            "highest_post_number": len(posts),
            "image_url": None,
            "created_at": iso_ms(topic.created),
            "last_posted_at": iso_ms(last.created),
            "bumped": True,
            "bumped_at": iso_ms(last.created),
            "archetype": "regular",
            "unseen": False,
            "pinned": False,
            "unpinned": None,
            "visible": True,
            "closed": False,
            "archived": False,
            "bookmarked": None,
            "liked": None,
            "tags": [],
            "views": topic.extra.get("views", 0),
            "like_count": sum(post.likes for post in posts),
            "has_summary": False,
            "last_poster_username": last.author,
            "category_id": topic.extra["category_id"],
            "pinned_globally": False,
            "featured_link": None,
        }

    def latest(self, page: int) -> Response:
        ordered = sorted(self.topics, key=lambda topic: topic.last_activity, reverse=True)
        chosen = ordered[page * LATEST_PAGE_SIZE : (page + 1) * LATEST_PAGE_SIZE]
        users: dict[str, dict[str, Any]] = {}
        topics = []
        for topic in chosen:
            posts = self.posts[topic.id]
            first_posts = {post.author: post for post in reversed(posts)}  # each author's first post
            posters = []
            for post in sorted(first_posts.values(), key=lambda item: item.number):
                users.setdefault(post.author, {**user_ref(post), "trust_level": 1})
                roles = ["Original Poster" if post.number == 1 else "Frequent Poster"]
                if post.author == posts[-1].author:
                    roles.append("Most Recent Poster")
                posters.append(
                    {
                        "extras": "latest" if post.author == posts[-1].author else None,
                        "description": ", ".join(roles),
                        "user_id": user_id(post.author),
                        "primary_group_id": None,
                    }
                )
            topics.append({**self._topic_summary(topic), "posters": posters})
        topic_list: dict[str, Any] = {
            "can_create_topic": False,
            "per_page": LATEST_PAGE_SIZE,
            "top_tags": [],
            "topics": topics,
        }
        if (page + 1) * LATEST_PAGE_SIZE < len(ordered):
            topic_list["more_topics_url"] = f"{PREFIX}/latest.json?page={page + 1}"  # as the recorded one
        return json_response({"users": list(users.values()), "primary_groups": [], "topic_list": topic_list})

    def _post_common(self, post: Post) -> dict[str, Any]:
        topic = post.topic
        return {
            "id": self.post_id(post),
            "name": post.name or None,
            "username": post.author,
            "avatar_template": avatar_template(post.author),
            "created_at": iso_ms(post.created),
            "cooked": "\n".join(paragraphs_html(post.text)),
            "post_number": post.number,
            "post_type": 1,
            "updated_at": iso_ms(post.created),
            "reply_count": post.replies_to_me,
            "reply_to_post_number": post.reply_to,
            "quote_count": 0,
            "incoming_link_count": 0,
            "reads": stable_int(f"{topic.id}/{post.number}", 40, 3),
            "readers_count": stable_int(f"{topic.id}/{post.number}", 40, 2),
            "score": round(post.likes * 15 + 0.2, 1),
            "yours": False,
            "topic_id": topic.int_id,
            "topic_slug": slugify(topic.title),
            "display_username": post.name or None,
            "primary_group_name": None,
            "flair_name": None,
            "version": 1,
            "can_edit": False,
            "can_delete": False,
            "can_recover": False,
            "can_wiki": False,
            "user_title": None,
            "bookmarked": False,
            "actions_summary": [{"id": 2, "count": post.likes}] if post.likes else [],
            "moderator": False,
            "admin": False,
            "staff": post.author == "forum_admin",
            "user_id": user_id(post.author),
            "hidden": False,
            "trust_level": 1,
            "deleted_at": None,
            "user_deleted": False,
            "edit_reason": None,
            "can_view_edit_history": True,
            "wiki": False,
        }

    def topic(self, topic_id: str) -> Response:
        topic = next((item for item in self.topics if item.id == topic_id), None)
        if topic is None:
            return json_response(NOT_FOUND, 404)
        posts = self.posts[topic.id]
        participants: dict[str, dict[str, Any]] = {}
        for post in posts:
            entry = participants.setdefault(post.author, {**user_ref(post), "post_count": 0})
            entry["post_count"] += 1
        summary = self._topic_summary(topic)
        return json_response(
            {
                "post_stream": {
                    "posts": [{**self._post_common(post), "read": True} for post in posts],
                    "stream": [self.post_id(post) for post in posts],
                },
                "timeline_lookup": [[1, 0]],
                "tags": [],
                **{key: summary[key] for key in ("id", "title", "fancy_title", "posts_count", "created_at")},
                "views": summary["views"],
                "reply_count": summary["reply_count"],
                "like_count": summary["like_count"],
                "last_posted_at": summary["last_posted_at"],
                "visible": True,
                "closed": False,
                "archived": False,
                "has_summary": False,
                "archetype": "regular",
                "slug": summary["slug"],
                "category_id": summary["category_id"],
                "word_count": sum(len(post.text.split()) for post in posts),
                "deleted_at": None,
                "user_id": user_id(topic.author),
                "featured_link": None,
                "pinned_globally": False,
                "pinned": False,
                "highest_post_number": len(posts),
                "chunk_size": 20,
                "participant_count": len(participants),
                "details": {
                    "can_edit": False,
                    "notification_level": 1,
                    "participants": list(participants.values()),
                    "created_by": user_ref(posts[0]),
                    "last_poster": user_ref(posts[-1]),
                },
            }
        )

    def latest_posts(self, before: int | None) -> Response:
        newest_first = sorted(self.all_posts(), key=self.post_id, reverse=True)
        if before is not None:
            newest_first = [post for post in newest_first if self.post_id(post) < before]
        items = []
        for post in newest_first[:POSTS_PAGE_SIZE]:
            topic = post.topic
            items.append(
                {
                    **self._post_common(post),
                    "posts_count": len(self.posts[topic.id]),
                    "topic_title": topic.title,
                    "topic_html_title": escape_html(topic.title),
                    "category_id": topic.extra["category_id"],
                    "raw": post.text,
                    "excerpt": escape_html(plain_excerpt(post.text, 200)),
                    "truncated": len(post.text) > 200,
                    "post_url": f"{PREFIX}/t/{slugify(topic.title)}/{topic.id}/{post.number}",
                }
            )
        return json_response({"latest_posts": items})

    def search(self, query: str, page: int) -> Response:
        terms: list[str] = []
        after: datetime | None = None
        before: datetime | None = None
        for token in query.split():
            key, _, value = token.partition(":")
            if value and key == "after":
                after = _parse_day(value)
            elif value and key == "before":
                before = _parse_day(value)
            elif not (value and key.isalpha()):  # other filters such as order:latest are accepted as-is
                terms.append(token.lower())
        grouped: dict[str, Any] = {
            "more_posts": None,
            "more_users": None,
            "more_categories": None,
            "term": query,
            "search_log_id": None,
            "more_full_page_results": None,
            "can_create_topic": False,
            "error": None,
            "extra": {},
            "post_ids": [],
            "user_ids": [],
            "category_ids": [],
            "tag_ids": [],
            "group_ids": [],
        }
        empty: dict[str, list[Any]] = {
            "posts": [],
            "topics": [],
            "users": [],
            "categories": [],
            "tags": [],
            "groups": [],
        }
        if not terms:
            grouped["error"] = "Your search term is too short."
            return json_response({**empty, "grouped_search_result": grouped})
        matched = []
        for post in sorted(self.all_posts(), key=lambda item: item.created, reverse=True):
            haystack = (post.topic.title + "\n" if post.number == 1 else "") + post.text
            in_window = (after is None or post.created >= after) and (before is None or post.created < before)
            if in_window and all(term in haystack.lower() for term in terms):
                matched.append(post)
        start = (max(page, 1) - 1) * SEARCH_PAGE_SIZE
        chosen = matched[start : start + SEARCH_PAGE_SIZE]
        posts = [
            {
                "id": self.post_id(post),
                "name": post.name or None,
                "username": post.author,
                "avatar_template": avatar_template(post.author),
                "created_at": iso_ms(post.created),
                "like_count": post.likes,
                "blurb": _blurb(post.text, terms[0]),
                "post_number": post.number,
                "topic_title_headline": escape_html(post.topic.title),
                "topic_id": post.topic.int_id,
            }
            for post in chosen
        ]
        topics = []
        for topic_id in dict.fromkeys(post.topic.id for post in chosen):
            topic = next(item for item in self.topics if item.id == topic_id)
            topics.append({**self._topic_summary(topic), "tags_descriptions": {}, "has_accepted_answer": False})
        grouped["post_ids"] = [item["id"] for item in posts]
        grouped["more_full_page_results"] = True if start + SEARCH_PAGE_SIZE < len(matched) else None
        return json_response({**empty, "posts": posts, "topics": topics, "grouped_search_result": grouped})


def _parse_day(value: str) -> datetime | None:
    try:
        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        return None


def _blurb(text: str, term: str) -> str:
    """About 200 characters of plain text around the first hit, as Discourse's search blurb."""
    flat = " ".join(text.split())
    hit = max(flat.lower().find(term), 0)
    start = max(hit - 60, 0)
    snippet = flat[start : start + 200]
    return html.escape(("..." if start else "") + snippet + ("..." if start + 200 < len(flat) else ""))
