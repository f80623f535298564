"""Load chinese_posts.json (native Weibo, Tieba, Bilibili) on one anchor's clock.

As in posts.json, the file holds ages in minutes, never dates or ids: every id is assigned here in
creation order, the way each site numbers things (Weibo mids and their base62 bids, Tieba post ids
shared by floors and 楼中楼 replies, Bilibili rpids), so all of it is a pure function of the anchor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from lingting.demo_site.content import as_utc, stable_int

WEIBO_MID_BASE = 5_140_000_000_000_000
WEIBO_MID_STEP = 37_231
TIEBA_TID_BASE = 9_300_000_101
TIEBA_PID_BASE = 151_200_000_000
BILIBILI_AID_BASE = 1_150_100_001
BILIBILI_RPID_BASE = 260_100_000_000
BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class Status:
    """A Weibo status; `retweet_of` is the mid of the status it reposts."""

    mid: int
    author: str
    followers: int | str
    created: datetime
    text: str
    reposts: int
    comments: int
    likes: int
    topic: str | None = None
    retweet_of: int | None = None
    long_text: str | None = None

    @property
    def bid(self) -> str:
        return mid_to_bid(self.mid)

    @property
    def uid(self) -> int:
        return stable_int(self.author, 4_000_000_000, 2_000_000_000)


@dataclass(frozen=True)
class LzlReply:
    """A 楼中楼 reply; `reply_to` names the user it answers ("回复 name :...")."""

    pid: int
    author: str
    created: datetime
    text: str
    reply_to: str | None = None


@dataclass(frozen=True)
class Floor:
    pid: int
    number: int
    """The floor number (post_no): 1 is the thread's own post."""
    author: str
    created: datetime
    text: str
    replies: tuple[LzlReply, ...] = ()


@dataclass(frozen=True)
class TiebaThread:
    tid: int
    fid: int
    forum: str
    title: str
    floors: tuple[Floor, ...]

    @property
    def created(self) -> datetime:
        return self.floors[0].created


@dataclass(frozen=True)
class BiliReply:
    """A Bilibili comment: `root` 0 for a comment on the video, else its root comment's rpid."""

    rpid: int
    author: str
    created: datetime
    text: str
    likes: int
    root: int = 0
    parent: int = 0
    replies: tuple[BiliReply, ...] = ()


@dataclass(frozen=True)
class Video:
    aid: int
    bvid: str
    author: str
    created: datetime
    title: str
    description: str
    tag: str
    duration: str
    play: int
    likes: int
    favorites: int
    comments: tuple[BiliReply, ...]

    @property
    def mid(self) -> int:
        return user_mid(self.author)

    @property
    def comment_count(self) -> int:
        return sum(1 + len(c.replies) for c in self.comments)


@dataclass(frozen=True)
class ChineseContent:
    anchor: datetime
    weibo_keyword: str
    weibo: tuple[Status, ...]  # oldest first
    tieba_keyword: str
    tieba: tuple[TiebaThread, ...]  # oldest first
    bilibili_keyword: str
    bilibili: tuple[Video, ...]  # oldest first


def mid_to_bid(mid: int) -> str:
    """Weibo's base62 form of a mid: 7-digit groups from the right, each as 4 base62 digits."""
    digits = str(mid)
    groups = []
    while digits:
        digits, group = digits[:-7], digits[-7:]
        number, encoded = int(group), ""
        while number:
            number, rest = divmod(number, 62)
            encoded = BASE62[rest] + encoded
        groups.append(encoded.rjust(4, "0") if digits else encoded or "0")
    return "".join(reversed(groups))


def user_mid(name: str) -> int:
    return stable_int(name, 90_000_000, 10_000_000)


def _at(anchor: datetime, age_min: int) -> datetime:
    # Whole minutes, as the sites show them ("5分钟前", "2024-8-6 22:11").
    return anchor - timedelta(minutes=age_min)


@cache
def _raw() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("chinese_posts.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _weibo(anchor: datetime, raw: list[dict[str, Any]]) -> tuple[Status, ...]:
    ordered = sorted(raw, key=lambda item: -item["age_min"])
    mids = {item["key"]: WEIBO_MID_BASE + n * WEIBO_MID_STEP for n, item in enumerate(ordered)}
    return tuple(
        Status(
            mid=mids[item["key"]],
            author=item["author"],
            followers=item["followers"],
            created=_at(anchor, item["age_min"]),
            text=item["text"],
            reposts=item["reposts"],
            comments=item["comments"],
            likes=item["likes"],
            topic=item.get("topic"),
            retweet_of=mids[item["retweet_of"]] if item.get("retweet_of") else None,
            long_text=item.get("long_text"),
        )
        for item in ordered
    )


def _tieba(anchor: datetime, raw: list[dict[str, Any]]) -> tuple[TiebaThread, ...]:
    threads = sorted(raw, key=lambda item: -item["age_min"])
    # Floors and 楼中楼 replies share one numbering, in the order they were written.
    writings = [(t["age_min"], ti, -1, -1) for ti, t in enumerate(threads)]
    for ti, thread in enumerate(threads):
        for fi, floor in enumerate(thread.get("floors", [])):
            writings.append((floor["age_min"], ti, fi, -1))
            writings += [(reply["age_min"], ti, fi, ri) for ri, reply in enumerate(floor.get("replies", []))]
    pids = {key[1:]: TIEBA_PID_BASE + 7 * n for n, key in enumerate(sorted(writings, key=lambda w: (-w[0], w[1:])))}
    result = []
    for ti, thread in enumerate(threads):
        floors = [Floor(pids[(ti, -1, -1)], 1, thread["author"], _at(anchor, thread["age_min"]), thread["text"])]
        for fi, floor in enumerate(thread.get("floors", [])):
            replies = tuple(
                LzlReply(pids[(ti, fi, ri)], r["author"], _at(anchor, r["age_min"]), r["text"], r.get("reply_to"))
                for ri, r in enumerate(floor.get("replies", []))
            )
            created = _at(anchor, floor["age_min"])
            floors.append(Floor(pids[(ti, fi, -1)], fi + 2, floor["author"], created, floor["text"], replies))
        result.append(
            TiebaThread(
                tid=TIEBA_TID_BASE + 113 * ti,
                fid=stable_int(thread["forum"], 30_000_000, 1_000),
                forum=thread["forum"],
                title=thread["title"],
                floors=tuple(floors),
            )
        )
    return tuple(result)


def _bilibili(anchor: datetime, raw: list[dict[str, Any]]) -> tuple[Video, ...]:
    videos = sorted(raw, key=lambda item: -item["age_min"])
    writings = []
    for vi, video in enumerate(videos):
        for ci, comment in enumerate(video.get("comments", [])):
            writings.append((comment["age_min"], vi, ci, -1))
            writings += [(r["age_min"], vi, ci, ri) for ri, r in enumerate(comment.get("replies", []))]
    rpids = {key[1:]: BILIBILI_RPID_BASE + 4_096 * n for n, key in enumerate(sorted(writings, key=lambda w: -w[0]))}
    result = []
    for vi, video in enumerate(videos):
        comments = []
        for ci, comment in enumerate(video.get("comments", [])):
            root = rpids[(vi, ci, -1)]
            replies = tuple(
                BiliReply(
                    rpid=rpids[(vi, ci, ri)],
                    author=r["author"],
                    created=_at(anchor, r["age_min"]),
                    text=r["text"],
                    likes=r.get("likes", 0),
                    root=root,
                    # A sub-reply answers the root, or the sub-reply it names (by index).
                    parent=rpids[(vi, ci, r["reply_to"])] if r.get("reply_to") is not None else root,
                )
                for ri, r in enumerate(comment.get("replies", []))
            )
            created = _at(anchor, comment["age_min"])
            text, likes = comment["text"], comment["likes"]
            comments.append(BiliReply(root, comment["author"], created, text, likes, replies=replies))
        result.append(
            Video(
                aid=BILIBILI_AID_BASE + 2_713 * vi,
                bvid=video["bvid"],
                author=video["author"],
                created=_at(anchor, video["age_min"]),
                title=video["title"],
                description=video["description"],
                tag=video["tag"],
                duration=video["duration"],
                play=video["play"],
                likes=video["likes"],
                favorites=video["favorites"],
                comments=tuple(comments),
            )
        )
    return tuple(result)


@cache
def load_chinese_content(anchor: datetime) -> ChineseContent:
    anchor = as_utc(anchor).replace(second=0, microsecond=0)
    raw = _raw()
    return ChineseContent(
        anchor=anchor,
        weibo_keyword=raw["weibo"]["keyword"],
        weibo=_weibo(anchor, raw["weibo"]["statuses"]),
        tieba_keyword=raw["tieba"]["keyword"],
        tieba=_tieba(anchor, raw["tieba"]["threads"]),
        bilibili_keyword=raw["bilibili"]["keyword"],
        bilibili=_bilibili(anchor, raw["bilibili"]["videos"]),
    )
