"""Bilibili's web API under /bilibili: nav (wbi keys), signed video search, comments, sub-replies.

    /bilibili/x/web-interface/nav                  code -101 (not logged in) with data.wbi_img: the
                                                    keys are derived from the anchor's date (daily)
    /bilibili/x/web-interface/wbi/search/type?search_type=video&keyword=&page=&order=&w_rid=&wts=
                                                    20 videos a page, titles with <em class="keyword">;
                                                    order=pubdate newest first, else by plays. A missing
                                                    or wrong w_rid gets {"code": 0, "data": {"v_voucher"}},
                                                    as Bilibili answers (wts is not checked for age)
    /bilibili/x/v2/reply?type=1&oid=<aid>&sort=0&pn=   20 root comments a page (sort 0: newest first),
                                                    each with its first 3 sub-replies
    /bilibili/x/v2/reply/reply?type=1&oid=&root=&pn=   10 sub-replies a page, oldest first

Field names and shapes follow the API docs' recorded examples (../shared/fixtures/bilibili).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from crawler.bilibili_wbi import WbiKeys, verify
from lingting.demo_site.chinese_content import BiliReply, ChineseContent, Video, user_mid
from lingting.demo_site.content import escape_html, stable_int, unix
from lingting.demo_site.responses import Response, json_response

SEARCH_PAGE_SIZE = 20
REPLY_PAGE_SIZE = 20
SUB_REPLY_PAGE_SIZE = 10
PREVIEW_SUB_REPLIES = 3
EMOTES = {"[大哭]": "2caafee2e5db4db72104650d87810cc2c123fc86"}


def demo_keys(moment: datetime) -> WbiKeys:
    """The day's wbi keys, as the nav answer hands them out (they change every day)."""
    day = moment.strftime("%Y-%m-%d")
    return WbiKeys(
        hashlib.md5(f"lingting-demo-img-{day}".encode(), usedforsecurity=False).hexdigest(),
        hashlib.md5(f"lingting-demo-sub-{day}".encode(), usedforsecurity=False).hexdigest(),
    )


def _error(code: int, message: str) -> Response:
    return json_response({"code": code, "message": message, "ttl": 1})


def _page(params: dict[str, str], name: str) -> int:
    try:
        return max(int(params.get(name) or 1), 1)
    except ValueError:
        return 1


def _time_desc(created: datetime, now: datetime) -> str:
    hours = int((now - created).total_seconds() // 3600)
    return f"{hours}小时前发布" if hours < 24 else f"{hours // 24}天前发布"


class BilibiliSite:
    def __init__(self, content: ChineseContent) -> None:
        self.content = content
        self.keys = demo_keys(content.anchor)
        self.videos = {video.aid: video for video in content.bilibili}

    def nav(self) -> Response:
        images = {
            "img_url": f"https://i0.hdslb.com/bfs/wbi/{self.keys.img_key}.png",
            "sub_url": f"https://i0.hdslb.com/bfs/wbi/{self.keys.sub_key}.png",
        }
        data = {"isLogin": False, "wbi_img": images}
        return json_response({"code": -101, "message": "账号未登录", "ttl": 1, "data": data})

    # -- search ---------------------------------------------------------------------------------

    def search(self, base_url: str, params: dict[str, str]) -> Response:
        if not verify(params, self.keys):
            voucher = "voucher_" + hashlib.sha1(repr(sorted(params.items())).encode()).hexdigest()[:32]
            return json_response({"code": 0, "message": "0", "ttl": 1, "data": {"v_voucher": voucher}})
        if params.get("search_type") != "video":
            return _error(-400, "请求错误")
        keyword = params.get("keyword", "").strip()
        words = [w for w in keyword.lower().split() if w]
        found = [
            video
            for video in self.content.bilibili
            if words and all(w in f"{video.title}\n{video.description}\n{video.tag}".lower() for w in words)
        ]
        if params.get("order") == "pubdate":
            found.sort(key=lambda video: video.created, reverse=True)
        else:
            found.sort(key=lambda video: video.play, reverse=True)
        page = _page(params, "page")
        shown = found[(page - 1) * SEARCH_PAGE_SIZE : page * SEARCH_PAGE_SIZE]
        return json_response(
            {
                "code": 0,
                "message": "0",
                "ttl": 1,
                "data": {
                    "seid": str(stable_int(keyword, 10**18)),
                    "page": page,
                    "pagesize": SEARCH_PAGE_SIZE,
                    "numResults": len(found),
                    "numPages": math.ceil(len(found) / SEARCH_PAGE_SIZE),
                    "suggest_keyword": "",
                    "rqt_type": "search",
                    "cost_time": {"total": "0.021", "main_handler": "0.018"},
                    "exp_list": {},
                    "egg_hit": 0,
                    "result": [self._video(base_url, video, words) for video in shown],
                    "show_column": 0,
                },
            }
        )

    def _video(self, base_url: str, video: Video, words: list[str]) -> dict[str, Any]:
        title = escape_html(video.title)
        if words:
            pattern = re.compile("|".join(re.escape(escape_html(w)) for w in words), re.IGNORECASE)
            title = pattern.sub(lambda m: f'<em class="keyword">{m.group(0)}</em>', title)
        return {
            "type": "video",
            "id": video.aid,
            "author": video.author,
            "mid": video.mid,
            "typeid": "231",
            "typename": "计算机技术",
            "arcurl": f"{base_url}/bilibili/video/av{video.aid}",
            "aid": video.aid,
            "bvid": video.bvid,
            "title": title,
            "description": escape_html(video.description),  # search answers escape it
            "arcrank": "0",
            "pic": f"//i0.hdslb.com/bfs/archive/{stable_int(video.bvid, 16**12):012x}.jpg",
            "play": video.play,
            "video_review": video.play // 40,
            "favorites": video.favorites,
            "tag": video.tag,
            "review": video.comment_count,
            "pubdate": unix(video.created),
            "senddate": unix(video.created) + 1,
            "duration": video.duration,
            "badgepay": False,
            "hit_columns": ["title", "tag"],
            "view_type": "",
            "is_pay": 0,
            "is_union_video": 0,
            "rec_tags": None,
            "new_rec_tags": [],
            "rank_score": video.play * 9,
            "like": video.likes,
        }

    # -- comments -------------------------------------------------------------------------------

    def _member(self, name: str) -> dict[str, Any]:
        mid = user_mid(name)
        return {
            "mid": str(mid),
            "uname": name,
            "sex": "保密",
            "sign": "",
            "avatar": f"http://i1.hdslb.com/bfs/face/{stable_int(name, 16**12):012x}.jpg",
            "rank": "10000",
            "level_info": {"current_level": stable_int(name, 6, 1), "current_min": 0, "current_exp": 0, "next_exp": 0},
            "official_verify": {"type": 1 if name.startswith("声链") else -1, "desc": ""},
            "vip": {"vipType": 0, "vipStatus": 0},
            "following": 0,
            "is_followed": 0,
        }

    def _reply(self, video: Video, reply: BiliReply, *, preview: bool) -> dict[str, Any]:
        emote = {
            word: {"text": word, "url": f"http://i0.hdslb.com/bfs/emote/{image}.png", "meta": {"size": 1}}
            for word, image in EMOTES.items()
            if word in reply.text
        }
        record: dict[str, Any] = {
            "rpid": reply.rpid,
            "oid": video.aid,
            "type": 1,
            "mid": user_mid(reply.author),
            "root": reply.root,
            "parent": reply.parent,
            "dialog": reply.parent,
            "count": len(reply.replies),
            "rcount": len(reply.replies),
            "state": 0,
            "fansgrade": 0,
            "attr": 0,
            "ctime": unix(reply.created),
            "rpid_str": str(reply.rpid),
            "root_str": str(reply.root),
            "parent_str": str(reply.parent),
            "like": reply.likes,
            "action": 0,
            "member": self._member(reply.author),
            "content": {"message": reply.text, "plat": 0, "device": "", "members": [], "emote": emote, "max_line": 6},
            "replies": [self._reply(video, sub, preview=False) for sub in reply.replies[:PREVIEW_SUB_REPLIES]]
            if preview
            else None,
            "assist": 0,
            "up_action": {"like": False, "reply": any(sub.author == video.author for sub in reply.replies)},
            "invisible": False,
            "reply_control": {"time_desc": _time_desc(reply.created, self.content.anchor)},
        }
        return record

    def _video_of(self, params: dict[str, str]) -> Video | None:
        oid = params.get("oid", "")
        return self.videos.get(int(oid)) if oid.isdigit() and params.get("type") == "1" else None

    def replies(self, params: dict[str, str]) -> Response:
        video = self._video_of(params)
        if video is None:
            return _error(-404, "啥都木有")
        roots = sorted(video.comments, key=lambda c: c.created, reverse=params.get("sort", "0") == "0")
        if params.get("sort") in ("1", "2"):
            roots = sorted(video.comments, key=lambda c: c.likes, reverse=True)
        page = _page(params, "pn")
        shown = roots[(page - 1) * REPLY_PAGE_SIZE : page * REPLY_PAGE_SIZE]
        data = {
            "page": {"num": page, "size": REPLY_PAGE_SIZE, "count": len(roots), "acount": video.comment_count},
            "config": {"showtopic": 1, "show_up_flag": True, "read_only": False},
            "replies": [self._reply(video, root, preview=True) for root in shown] or None,
            "hots": [],
            "upper": {"mid": video.mid, "top": None, "vote": None},
            "top": None,
            "notice": None,
            "vote": 0,
            "blacklist": 0,
            "assist": 0,
            "mode": 3,
            "support_mode": [1, 2, 3],
            "folder": {"has_folded": False, "is_folded": False, "rule": ""},
            "lottery_card": None,
            "show_bvid": False,
            "control": {"input_disable": False, "root_input_text": "发一条友善的评论", "child_input_text": ""},
        }
        return json_response({"code": 0, "message": "0", "ttl": 1, "data": data})

    def sub_replies(self, params: dict[str, str]) -> Response:
        video = self._video_of(params)
        root_id = params.get("root", "")
        root = next((c for c in self._roots(video) if str(c.rpid) == root_id), None) if video else None
        if video is None or root is None:
            return _error(-404, "啥都木有")
        page = _page(params, "pn")
        shown = root.replies[(page - 1) * SUB_REPLY_PAGE_SIZE : page * SUB_REPLY_PAGE_SIZE]
        data = {
            "config": {"showtopic": 1, "show_up_flag": True, "read_only": False},
            "control": {"input_disable": False, "root_input_text": "发一条友善的评论", "child_input_text": ""},
            "page": {"count": len(root.replies), "num": page, "size": SUB_REPLY_PAGE_SIZE},
            "replies": [self._reply(video, sub, preview=False) for sub in shown],
            "root": self._reply(video, root, preview=True),
            "show_bvid": True,
            "show_text": "",
            "show_type": 1,
            "upper": {"mid": video.mid},
        }
        return json_response({"code": 0, "message": "0", "ttl": 1, "data": data})

    @staticmethod
    def _roots(video: Video | None) -> Iterator[BiliReply]:
        yield from video.comments if video else ()
