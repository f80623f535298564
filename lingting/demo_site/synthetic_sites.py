"""Synthetic posts for the newer demo sources: Reddit comments, Stack Exchange, GitHub, App Store,
native Weibo, Tieba and Bilibili, written by synthetic.py's Writer (templates or real sentences).

`ScaledContent` is the scaled site's Content carrying these, so that the Western and Chinese routes
serve them in place of western_posts.json and chinese_posts.json. Ids follow creation order and
each kind keeps within what its spider can reach at the largest caps its settings allow (e.g. at
most 100 Stack Exchange questions get their answers), up to about 10,000 posts in all.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from lingting.demo_site.chinese_content import (
    BASE62,
    BILIBILI_AID_BASE,
    BILIBILI_RPID_BASE,
    TIEBA_PID_BASE,
    TIEBA_TID_BASE,
    WEIBO_MID_BASE,
    WEIBO_MID_STEP,
    BiliReply,
    ChineseContent,
    Floor,
    LzlReply,
    Status,
    TiebaThread,
    Video,
)
from lingting.demo_site.content import Content, Thread, stable_int
from lingting.demo_site.western_content import Comment, Issue, Question, Review, WesternContent

if TYPE_CHECKING:  # synthetic.py imports this module to scale the site
    from lingting.demo_site.synthetic import Writer

# kind -> (share of all posts, posts per item: the item itself and what hangs under it)
NEWER_PLAN = {
    "reddit-comments": (0.08, 2),  # comments under the synthetic Reddit posts (which synthetic.py writes)
    "stackexchange": (0.05, 6),  # question, 3 answers, 2 comments
    "github": (0.07, 6),  # issue, 5 comments
    "appstore": (0.06, 1),
    "weibo-api": (0.05, 1),
    "tieba": (0.05, 9),  # first floor, 4 floors, a 楼中楼 reply under each
    "bilibili": (0.05, 13),  # video, 6 comments, a sub-reply under each
}
SPAN_MINUTES = 6 * 24 * 60
ASSOCIATIONS = ("NONE", "NONE", "CONTRIBUTOR", "MEMBER", "OWNER")


@dataclass(frozen=True)
class ScaledContent(Content):
    """A scaled site: the five original kinds' threads plus the newer kinds' content."""

    western: WesternContent | None = None
    chinese: ChineseContent | None = None


def count_of(posts: int, kind: str) -> int:
    """How many items (threads, questions, reviews, ...) of `kind` a site of `posts` posts holds."""
    share, per_item = NEWER_PLAN[kind]
    return max(1, math.ceil(posts * share / per_item))  # up, so the site holds at least `posts`


class _Clock:
    def __init__(self, rng: random.Random, anchor: datetime) -> None:
        self.rng, self.anchor = rng, anchor

    def moments(self, count: int, room_minutes: int) -> list[datetime]:
        """`count` whole-minute moments, oldest first, leaving `room_minutes` before the anchor for replies."""
        ages = sorted((self.rng.randint(room_minutes + 10, SPAN_MINUTES) for _ in range(count)), reverse=True)
        return [self.anchor - timedelta(minutes=age) for age in ages]

    def after(self, moment: datetime) -> datetime:
        return moment + timedelta(minutes=self.rng.randint(1, 25))


def _name(rng: random.Random, zh: bool) -> str:
    if zh:
        return f"{rng.choice(['小', '老', '阿', '码农', '前端'])}{rng.choice('鱼猫虎云风山林')}{rng.randint(1, 999)}"
    prefix = rng.choice(["rtc", "dev", "voip", "mobile", "infra"])
    return f"{prefix}_{rng.choice(['dev', 'lab', 'io'])}{rng.randint(1, 999)}"


def synthetic_western(
    rng: random.Random, writer: Writer, base: WesternContent, reddit: tuple[Thread, ...], posts: int
) -> WesternContent:
    clock = _Clock(rng, base.anchor)

    def comments(start: datetime, count: int, zh: bool = False, answers: bool = False) -> tuple[Comment, ...]:
        made, moment = [], start
        for index in range(count):
            moment = clock.after(moment)
            made.append(
                Comment(
                    author=_name(rng, zh),
                    text=writer.reply(zh),
                    created=min(moment, base.anchor),
                    score=rng.randint(0, 20),
                    parent=rng.choice([None, index - 1]) if index and not answers else None,
                    association=rng.choice(ASSOCIATIONS),
                    reputation=rng.randint(1, 20_000),
                    accepted=answers and index == 0 and rng.random() < 0.4,
                )
            )
        return tuple(made)

    # synthetic.py's Reddit posts are 4% of the site: 2 comments each make the 8% planned here.
    reddit_comments = {post.id: comments(post.created, NEWER_PLAN["reddit-comments"][1]) for post in reddit}
    questions = []
    for created in clock.moments(count_of(posts, "stackexchange"), 100):
        title, text = writer.post(False)
        tags = ("voxlink", *rng.sample(["android", "ios", "webrtc", "flutter", "push", "instant-messaging"], 2))
        questions.append(Question(_name(rng, False), rng.randint(1, 9_000), title, text, tags, rng.randint(-2, 40),
                                  created, comments(created, 3, answers=True), comments(created, 2)))  # fmt: skip
    repos = sorted({issue.repo for issue in base.issues if "voxlink" in issue.repo})
    numbers = {repo: 1000 for repo in repos}
    issues = []
    for created in clock.moments(count_of(posts, "github"), 150):
        repo = rng.choice(repos)
        numbers[repo] += 1
        title, text = writer.post(False)
        labels = tuple(rng.sample(["bug", "question", "push", "android-14", "ios", "enhancement"], rng.randint(0, 2)))
        issues.append(Issue(repo, numbers[repo], _name(rng, False), rng.choice(ASSOCIATIONS), title, text,
                            rng.choice(["open", "open", "closed"]), labels, rng.randint(0, 30), created,
                            comments(created, 5)))  # fmt: skip
    countries = sorted(base.app.reviews)
    reviews: dict[str, list[Review]] = {country: [] for country in countries}
    for created in clock.moments(count_of(posts, "appstore"), 0):
        country = rng.choice(countries)
        title, text = writer.post(country == "cn")
        votes = rng.randint(0, 9)
        version = f"3.{rng.randint(0, 8)}.{rng.randint(0, 3)}"
        reviews[country].append(Review(_name(rng, country == "cn"), rng.randint(1, 5), title, text, version,
                                       votes, votes + rng.randint(0, 5), created))  # fmt: skip
    app = replace(base.app, reviews={c: tuple(reversed(items)) for c, items in reviews.items()})
    return replace(
        base,
        reddit_comments=reddit_comments,
        reddit_scores={post.id: rng.randint(1, 400) for post in reddit},
        questions=tuple(questions),
        issues=tuple(issues),
        app=app,
    )


def synthetic_chinese(rng: random.Random, writer: Writer, base: ChineseContent, posts: int) -> ChineseContent:
    clock = _Clock(rng, base.anchor)
    weibo = []
    for n, created in enumerate(clock.moments(count_of(posts, "weibo-api"), 0)):
        mid, counts = WEIBO_MID_BASE + n * WEIBO_MID_STEP, (rng.randint(0, 50), rng.randint(0, 80), rng.randint(0, 300))
        weibo.append(Status(mid, _name(rng, True), rng.randint(10, 90_000), created, writer.reply(True), *counts))
    # Tieba floors and 楼中楼 replies share one numbering in writing order; Bilibili rpids likewise.
    tieba, pids = [], iter(range(TIEBA_PID_BASE, TIEBA_PID_BASE + 7 * 10**7, 7))
    for n, created in enumerate(clock.moments(count_of(posts, "tieba"), 250)):
        title, text = writer.post(True)
        floors, moment = [Floor(next(pids), 1, _name(rng, True), created, text)], created
        for number in range(2, 6):
            moment = clock.after(moment)
            floor_pid, reply_pid = next(pids), next(pids)
            reply = LzlReply(reply_pid, _name(rng, True), clock.after(moment), writer.reply(True))
            floors.append(Floor(floor_pid, number, _name(rng, True), moment, writer.reply(True), (reply,)))
        forum = rng.choice(["即时通讯", "webrtc", "程序员", "音视频开发"])
        tieba.append(TiebaThread(TIEBA_TID_BASE + 113 * n, stable_int(forum, 30_000_000, 1_000), forum, title,
                                 tuple(floors)))  # fmt: skip
    videos, rpids = [], iter(range(BILIBILI_RPID_BASE, BILIBILI_RPID_BASE + 4_096 * 10**7, 4_096))
    for n, created in enumerate(clock.moments(count_of(posts, "bilibili"), 350)):
        title, text = writer.post(True)
        roots, moment = [], created
        for _ in range(6):
            moment = clock.after(moment)
            root = next(rpids)
            sub = BiliReply(next(rpids), _name(rng, True), clock.after(moment), writer.reply(True),
                            rng.randint(0, 50), root=root, parent=root)  # fmt: skip
            roots.append(BiliReply(root, _name(rng, True), moment, writer.reply(True), rng.randint(0, 300),
                                   replies=(sub,)))  # fmt: skip
        bvid = "BV1" + "".join(BASE62[stable_int(f"bv/{n}/{i}", 62)] for i in range(9))
        videos.append(Video(BILIBILI_AID_BASE + 2_713 * n, bvid, _name(rng, True), created, title, text,
                            "编程,音视频,声链", f"{rng.randint(1, 40)}:{rng.randint(0, 59):02d}",
                            rng.randint(100, 90_000), rng.randint(0, 3_000), rng.randint(0, 800),
                            tuple(roots)))  # fmt: skip
    return replace(base, weibo=tuple(weibo), tieba=tuple(tieba), bilibili=tuple(videos))


def served_posts(content: Content) -> dict[str, int]:
    """Posts the site serves, by source kind: every thread, reply, comment, review and video."""
    counts = {source: len(items) + sum(len(t.replies) for t in items) for source, items in content.threads.items()}
    if isinstance(content, ScaledContent) and content.western and content.chinese:
        western, chinese = content.western, content.chinese
        counts["reddit-comments"] = sum(len(c) for c in western.reddit_comments.values())
        counts["stackexchange"] = sum(1 + len(q.answers) + len(q.comments) for q in western.questions)
        counts["github"] = sum(1 + len(issue.comments) for issue in western.issues)
        counts["appstore"] = sum(len(items) for items in western.app.reviews.values())
        counts["weibo-api"] = len(chinese.weibo)
        counts["tieba"] = sum(len(f.replies) + 1 for t in chinese.tieba for f in t.floors)
        counts["bilibili"] = sum(1 + v.comment_count for v in chinese.bilibili)
    return counts
