"""Discourse's `/t/{id}/posts.json`: a chunk of a topic's posts, as a crawler asks for new replies.

    /discourse/t/{id}/posts.json?post_number=N&asc=true    up to 20 posts after post number N
    /discourse/t/{id}/posts.json?post_ids[]=A&post_ids[]=B  the posts with those ids

Discourse's TopicViewPostsSerializer answers `{"post_stream": {"posts": [...]}, "id": topic_id}`.
The posts are taken from the topic's own /t/{id}.json, so both always agree (faults included).
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

from lingting.demo_site.responses import Response, json_response
from lingting.demo_site.routes import Router

TOPIC_POSTS = re.compile(r"^/discourse/t/(\d+)/posts\.json$")
CHUNK = 20


def topic_posts(router: Router, base_url: str, target: str) -> Response | None:
    """The chunk for `target`, or None when `target` is not a topic-posts URL."""
    parts = urlsplit(target)
    match = TOPIC_POSTS.match(parts.path)
    if not match:
        return None
    topic_id = match.group(1)
    whole = router.handle(base_url, f"/discourse/t/{topic_id}.json")
    if whole.status != 200:
        return whole
    posts = json.loads(whole.body)["post_stream"]["posts"]
    params = parse_qs(parts.query)
    wanted = {int(v) for v in params.get("post_ids[]", []) if v.isdigit()}
    if wanted:
        chosen = [post for post in posts if post["id"] in wanted]
    else:
        number = params.get("post_number", [""])[0]
        after = int(number) if number.isdigit() else 0
        ascending = params.get("asc", ["false"])[0] == "true"
        if ascending:
            chosen = [post for post in posts if post["post_number"] > after][:CHUNK]
        else:
            chosen = [post for post in posts if not after or post["post_number"] < after][-CHUNK:]
    return json_response({"post_stream": {"posts": chosen}, "id": int(topic_id)})
