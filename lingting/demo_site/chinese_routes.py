"""The demo site's Chinese sources: native Weibo (/weibo), Tieba (/tieba), Bilibili (/bilibili).

Their content (chinese_posts.json) is on the same anchor as the rest of the site. `route` answers
the paths it owns and None for every other, so the Router can ask it first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lingting.demo_site.bilibili import BilibiliSite
from lingting.demo_site.chinese_content import load_chinese_content
from lingting.demo_site.content import Content
from lingting.demo_site.responses import Response, json_response, not_found_html
from lingting.demo_site.synthetic_sites import ScaledContent
from lingting.demo_site.tieba import TiebaSite
from lingting.demo_site.weibo_api import WeiboApiSite

TIEBA_THREAD = re.compile(r"^/tieba/p/(\d+)$")
PREFIXES = ("/weibo/", "/tieba/", "/bilibili/")


class ChineseSites:
    def __init__(self, content: Content) -> None:
        scaled = content.chinese if isinstance(content, ScaledContent) else None  # a benchmark's many posts
        chinese = scaled or load_chinese_content(content.anchor)
        self.weibo = WeiboApiSite(chinese)
        self.tieba = TiebaSite(chinese)
        self.bilibili = BilibiliSite(chinese)

    def route(
        self, base_url: str, target: str, path: str, params: dict[str, str], headers: Mapping[str, str] | None
    ) -> Response | None:
        if not path.startswith(PREFIXES):
            return None
        if path == "/weibo/api/container/getIndex":
            return self.weibo.search(base_url, target, params, headers)
        if path == "/weibo/statuses/extend":
            return self.weibo.extend(base_url, target, params, headers)
        if path == "/tieba/f/search/res":
            return self.tieba.search(base_url, params)
        if path == "/tieba/p/comment":
            return self.tieba.comments(params)
        if match := TIEBA_THREAD.match(path):
            return self.tieba.thread(base_url, match.group(1), params)
        if path == "/bilibili/x/web-interface/nav":
            return self.bilibili.nav()
        if path == "/bilibili/x/web-interface/wbi/search/type":
            return self.bilibili.search(base_url, params)
        if path == "/bilibili/x/v2/reply":
            return self.bilibili.replies(params)
        if path == "/bilibili/x/v2/reply/reply":
            return self.bilibili.sub_replies(params)
        if path.startswith("/bilibili/x/"):
            return json_response({"code": -404, "message": "啥都木有", "ttl": 1}, 404)
        return not_found_html()
