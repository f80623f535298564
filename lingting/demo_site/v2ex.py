"""V2EX API v1: /api/topics/latest.json, /api/topics/show.json, /api/replies/show.json.

Field names and their order follow a recorded hot.json/latest.json topic; `url` fields point at the
demo site so a crawler never leaves 127.0.0.1.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from lingting.demo_site.content import (
    Content,
    Thread,
    escape_html,
    paragraphs_html,
    stable_int,
    unix,
    user_id,
)
from lingting.demo_site.responses import Response, json_response

REPLY_ID_BASE = 17_250_001


class V2exSite:
    def __init__(self, content: Content) -> None:
        self.content = content
        self.topics = content.by_source("v2ex")
        replies = sorted(
            ((reply.created, topic.int_id, index) for topic in self.topics for index, reply in enumerate(topic.replies))
        )
        # Real reply ids grow with time across the whole site, so number them in creation order.
        self.reply_ids = {(topic_id, index): REPLY_ID_BASE + n for n, (_, topic_id, index) in enumerate(replies)}

    def node(self, base_url: str, name: str) -> dict[str, Any]:
        info = self.content.v2ex_nodes[name]
        avatar = f"{base_url}/static/navatar/{info['id']}"
        return {
            "avatar_large": f"{avatar}_large.png",
            "name": name,
            "avatar_normal": f"{avatar}_normal.png",
            "title": info["title"],
            "url": f"{base_url}/go/{name}",
            "topics": info["topics"],
            "footer": "",
            "header": info["header"],
            "title_alternative": info["title_alternative"],
            "avatar_mini": f"{avatar}_mini.png",
            "stars": info["stars"],
            "founder_id": 0,
            "aliases": [],
            "root": False,
            "id": info["id"],
            "parent_node_name": info["parent_node_name"],
        }

    def member(self, base_url: str, username: str) -> dict[str, Any]:
        # Account age is derived from the name so that it is stable yet differs between members.
        joined = unix(self.content.anchor - timedelta(days=stable_int(username, 2500, 200)))
        avatar = f"{base_url}/static/avatar/{username}"
        return {
            "id": user_id(username),
            "username": username,
            "url": f"{base_url}/u/{username}",
            "website": "",
            "twitter": None,
            "psn": None,
            "github": None,
            "btc": None,
            "location": "",
            "tagline": "",
            "bio": "",
            "avatar_mini": f"{avatar}?s=24",
            "avatar_normal": f"{avatar}?s=48",
            "avatar_large": f"{avatar}?s=73",
            "created": joined,
            "last_modified": joined,
            "pro": 0,
        }

    def topic(self, base_url: str, topic: Thread) -> dict[str, Any]:
        last = topic.replies[-1] if topic.replies else None
        return {
            "node": self.node(base_url, topic.extra["node"]),
            "member": self.member(base_url, topic.author),
            "last_reply_by": last.author if last else "",
            "last_touched": unix(topic.last_activity),
            "title": topic.title,
            "url": f"{base_url}/t/{topic.id}",
            "created": unix(topic.created),
            "deleted": 0,
            "content": topic.text,
            "content_rendered": "".join(part + "\n" for part in paragraphs_html(topic.text, "<br />")),
            "last_modified": unix(topic.created),
            "replies": len(topic.replies),
            "id": topic.int_id,
        }

    def latest(self, base_url: str) -> Response:
        return json_response([self.topic(base_url, topic) for topic in reversed(self.topics)])

    def show(self, base_url: str, node_name: str) -> Response:
        # V2EX answers an unknown node with an empty list rather than an error.
        chosen = [topic for topic in reversed(self.topics) if topic.extra["node"] == node_name]
        return json_response([self.topic(base_url, topic) for topic in chosen])

    def replies(self, base_url: str, topic_id: str) -> Response:
        topic = next((item for item in self.topics if item.id == topic_id), None)
        if topic is None:
            return json_response([])
        items = []
        for index, reply in enumerate(topic.replies):
            items.append(
                {
                    "id": self.reply_ids[(topic.int_id, index)],
                    "content": reply.text,
                    "content_rendered": escape_html(reply.text).replace("\n", "<br />"),
                    "created": unix(reply.created),
                    "member": self.member(base_url, reply.author),
                    "member_id": user_id(reply.author),
                    "topic_id": topic.int_id,
                    "last_modified": unix(reply.created),
                }
            )
        return json_response(items)
