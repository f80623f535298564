"""Weibo's mobile API under /weibo: keyword search and long texts, behind a login cookie.

    /weibo/api/container/getIndex?containerid=100103type%3D61%26q%3D<kw>&page_type=searchall&page=N
        10 statuses a page: type=61 (实时) newest first, type=1 (综合) by engagement; page 1 opens
        with a card_group (two statuses and a user card); `cardlistInfo.page` names the next page
        and is null on the last; past it: {"ok": 0, "msg": "这里还没有内容"}
    /weibo/statuses/extend?id=<mid>   {"ok": 1, "data": {"longTextContent": ...}}

Both want the login cookie (`SUB=` + DEMO_SUB); without it they answer as m.weibo.cn does,
{"ok": -100, "url": "https://passport.weibo.cn/signin/welcome?..."}. `created_at` is the relative
text Weibo shows ("刚刚", "5分钟前", "昨天 12:30", "06-27"), relative to the site's anchor.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, quote

from crawler.parsers.cn_time import CHINA
from lingting.demo_site.chinese_content import ChineseContent, Status
from lingting.demo_site.content import escape_html, stable_int
from lingting.demo_site.responses import Response, json_response

DEMO_SUB = "_2A25demoVoxLinkListening"
"""The demo's login token: `lingting demo` sends "SUB=" + this in the Cookie header (not a secret)."""
PAGE_SIZE = 10
EMOTICONS = {"[泪]": "d_lei", "[怒]": "d_nu", "[赞]": "d_zan", "[思考]": "d_sikao"}
SEARCH_TYPES = {"61": "realtime", "1": "ranked"}


def weibo_time(created: datetime, now: datetime) -> str:
    """How m.weibo.cn shows a time: 刚刚, N分钟前, N小时前, 昨天 HH:MM, MM-DD, YYYY-MM-DD (Beijing time)."""
    delta = now - created
    if delta < timedelta(minutes=1):
        return "刚刚"
    if delta < timedelta(hours=1):
        return f"{int(delta.total_seconds() // 60)}分钟前"
    if delta < timedelta(days=1):
        return f"{int(delta.total_seconds() // 3600)}小时前"
    local, today = created.astimezone(CHINA), now.astimezone(CHINA).date()
    if local.date() == today - timedelta(days=1):
        return f"昨天 {local:%H:%M}"
    if local.year == today.year:
        return f"{local:%m-%d}"
    return f"{local:%Y-%m-%d}"


def _logged_in(headers: Mapping[str, str] | None) -> bool:
    raw = (headers or {}).get("Cookie") or ""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return False
    return "SUB" in jar and jar["SUB"].value == DEMO_SUB


def _login_wall(base_url: str, target: str) -> Response:
    back = quote(f"{base_url}{target}", safe="")
    return json_response({"ok": -100, "url": f"https://passport.weibo.cn/signin/welcome?entry=mweibo&r={back}"})


def status_html(text: str) -> str:
    """Weibo's markup: escaped text, <br /> lines, emoticon images, @mentions as links."""
    html = escape_html(text).replace("\n", "<br />")
    for word, icon in EMOTICONS.items():
        image = (
            f'<span class="url-icon"><img alt={word} src="//h5.sinaimg.cn/m/emoticon/icon/default/{icon}.png"'
            ' style="width:1em; height:1em;" /></span>'
        )
        html = html.replace(word, image)
    return html.replace("@声链VoxLink", "<a href='/n/声链VoxLink'>@声链VoxLink</a>")


class WeiboApiSite:
    def __init__(self, content: ChineseContent) -> None:
        self.content = content
        self.by_mid = {status.mid: status for status in content.weibo}

    def user(self, base_url: str, status: Status) -> dict[str, Any]:
        uid = status.uid
        official = status.author.startswith("声链")
        return {
            "id": uid,
            "screen_name": status.author,
            "profile_image_url": f"https://tvax1.sinaimg.cn/crop.0.0.180.180.180/{uid:x}.jpg",
            "profile_url": f"{base_url}/weibo/u/{uid}?uid={uid}&luicode=10000011",
            "statuses_count": stable_int(status.author, 3000, 20),
            "verified": official,
            "verified_type": 2 if official else -1,
            "close_blue_v": False,
            "description": "",
            "gender": "m" if stable_int(status.author, 2) else "f",
            "mbtype": 0,
            "urank": stable_int(status.author, 40, 1),
            "mbrank": 0,
            "follow_me": False,
            "following": False,
            "followers_count": status.followers,
            "follow_count": stable_int(status.author, 500, 10),
            "cover_image_phone": "https://tva1.sinaimg.cn/crop.0.0.640.640.640/549d0121tw1egm1kjly3jj20hs0hsq4f.jpg",
            "avatar_hd": f"https://wx1.sinaimg.cn/orj480/{uid:x}.jpg",
            "like": False,
            "like_me": False,
        }

    def mblog(self, base_url: str, status: Status, *, nested: bool = False) -> dict[str, Any]:
        html = status_html(status.text)
        if status.long_text:
            html += f' ...<a href="/status/{status.mid}">全文</a>'
        if status.topic:
            link = f"https://m.weibo.cn/search?containerid=231522type%3D1%26t%3D10%26q%3D%23{quote(status.topic)}%23"
            topic = f'<span class="surl-text">#{escape_html(status.topic)}#</span>'
            html = f'<a  href="{link}" data-hide="">{topic}</a> {html}'
        record: dict[str, Any] = {
            "visible": {"type": 0, "list_id": 0},
            "created_at": weibo_time(status.created, self.content.anchor),
            "id": str(status.mid),
            "idstr": str(status.mid),
            "mid": str(status.mid),
            "can_edit": False,
            "show_additional_indication": 0,
            "text": html,
            "textLength": 2 * len(status.long_text or status.text),
            "source": "iPhone客户端" if stable_int(status.author, 2) else "微博 weibo.com",
            "favorited": False,
            "pic_ids": [],
            "pic_types": "",
            "is_paid": False,
            "mblog_vip_type": 0,
            "user": self.user(base_url, status),
            "reposts_count": status.reposts,
            "comments_count": status.comments,
            "reprint_cmt_count": 0,
            "attitudes_count": status.likes,
            "pending_approval_count": 0,
            "isLongText": status.long_text is not None,
            "hide_flag": 0,
            "mblogtype": 0,
            "more_info_type": 0,
            "content_auth": 0,
            "edit_config": {"edited": False},
            "bid": status.bid,
        }
        if status.retweet_of is not None and not nested:
            record["retweeted_status"] = self.mblog(base_url, self.by_mid[status.retweet_of], nested=True)
            record["raw_text"] = status.text
        return record

    def _card(self, base_url: str, status: Status) -> dict[str, Any]:
        return {
            "card_type": 9,
            "itemid": f"seqid:{stable_int(str(status.mid), 10**9)}|type:61|t:|pos:1-0-0|q:{self.content.weibo_keyword}",
            "scheme": f"{base_url}/weibo/status/{status.bid}?mblogid={status.bid}&luicode=10000011",
            "mblog": self.mblog(base_url, status),
        }

    def search(self, base_url: str, target: str, params: dict[str, str], headers: Mapping[str, str] | None) -> Response:
        if not _logged_in(headers):
            return _login_wall(base_url, target)
        containerid = params.get("containerid", "")
        inner = {key: values[0] for key, values in parse_qs(containerid.removeprefix("100103")).items()}
        keyword = inner.get("q", "").strip().lower()
        kind = SEARCH_TYPES.get(inner.get("type", ""))
        if not containerid.startswith("100103") or kind is None or not keyword:
            return json_response({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
        found = [s for s in self.content.weibo if keyword in (s.long_text or s.text).lower()]
        if kind == "realtime":
            found.sort(key=lambda s: s.created, reverse=True)
        else:
            found.sort(key=lambda s: (s.likes + s.reposts + s.comments, s.created), reverse=True)
        try:
            page = max(int(params.get("page") or 1), 1)
        except ValueError:
            page = 1
        shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        if not shown:
            return json_response({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
        cards = [self._card(base_url, status) for status in shown]
        if page == 1:
            # Search pages open with a group; a user card in it carries no status.
            group = [*cards[:2], {"card_type": 10, "user": self.user(base_url, shown[0]), "desc1": "相关用户"}]
            cards = [{"card_type": 11, "show_type": 1, "card_group": group}, *cards[2:]]
        pages = math.ceil(len(found) / PAGE_SIZE)
        return json_response(
            {
                "ok": 1,
                "data": {
                    "cardlistInfo": {
                        "containerid": containerid,
                        "v_p": 42,
                        "show_style": 1,
                        "total": len(found),
                        "autoLoadMoreIndex": PAGE_SIZE,
                        "can_shared": 1,
                        "page": page + 1 if page < pages else None,
                    },
                    "cards": cards,
                    "scheme": f"sinaweibo://searchall?containerid={quote(containerid, safe='')}",
                    "showAppTips": 0,
                },
            }
        )

    def extend(self, base_url: str, target: str, params: dict[str, str], headers: Mapping[str, str] | None) -> Response:
        if not _logged_in(headers):
            return _login_wall(base_url, target)
        mid = params.get("id", "")
        status = self.by_mid.get(int(mid)) if mid.isdigit() else None
        if status is None:
            return json_response({"ok": 0, "msg": "请求的微博不存在或已被删除"})
        return json_response(
            {
                "ok": 1,
                "data": {
                    "ok": 1,
                    "longTextContent": status_html(status.long_text or status.text),
                    "reposts_count": status.reposts,
                    "comments_count": status.comments,
                    "attitudes_count": status.likes,
                },
            }
        )
