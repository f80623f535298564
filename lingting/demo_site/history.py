"""Eight weeks of history for the demo's trend report: /feeds/zhihu.rss, what a self-hosted
RSSHub's Zhihu topic route serves (RSS 2.0, one item per answer, newest first).

The rest of the demo site holds a few days of posts; these reach back eight weeks so that
`lingting report` on the demo shows a problem that keeps coming back (掉线 / disconnect, a few
people every week, in Chinese and English), a wish asked by more people than the demand threshold
(HarmonyOS, 12 people), one that is not (Flutter), a competitor's complaints, and a spike (eight
people on 掉线 in the last full hour before the anchor). Everything is a pure function of the
anchor: the same anchor gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime

from lingting.demo_site.content import as_utc, floor_hour, stable_int
from lingting.demo_site.feeds import x
from lingting.demo_site.responses import RSS, Response

WEEKS = 8

DISCONNECT = (
    "声链 SDK 语音房间隔一会儿就掉线, 重连要十几秒, 有人遇到吗",
    "VoxLink keeps disconnecting on 4G, the call drops every few minutes",
    "用声链做连麦, 观众那边频繁掉线, 日志里全是重连",
    "Since the last VoxLink update the call drops whenever the app goes to background: lost connection",
    "声链 RTC 弱网下直接断线, 完全没有自动恢复",
)
REQUESTS_HARMONY = (
    "希望声链尽快支持鸿蒙 NEXT, 我们的应用要上架华为",
    "Please add HarmonyOS support to VoxLink, our customers in China need it",
    "声链什么时候出鸿蒙版 SDK? 客户都在问",
)
REQUEST_FLUTTER = "Would love an official Flutter plugin for VoxLink, the community one is outdated"
OTHER = (
    "声链 IM 的文档里找不到离线推送的配置参数, 找了半天",
    "VoxLink billing: we were charged twice for the same minutes this month",
    "Agora 的云录制文件缺失, 回放打不开, 我们在考虑换掉",
    "Agora echo cancellation is awful on Android tablets",
)


@dataclass(frozen=True)
class Answer:
    id: int
    author: str
    title: str
    text: str
    created: datetime


def _answers(anchor: datetime) -> list[Answer]:
    anchor = as_utc(anchor)
    out: list[Answer] = []

    def add(author: str, title: str, text: str, created: datetime) -> None:
        out.append(
            Answer(stable_int(f"{author}/{created.isoformat()}", 9_000_000, 1_000_000), author, title, text, created)
        )

    for week in range(WEEKS):
        for k in range(3):  # the recurring problem: three people a week, at different hours
            day = week * 7 + 2 * k + 1
            at = anchor - timedelta(days=day, hours=(week * 5 + k * 7) % 12 + 2)
            text = DISCONNECT[(week + k) % len(DISCONNECT)]
            add(f"rtc_user_{week}_{k}", text[:24], text, at)
        if week < 6:  # twelve people ask for HarmonyOS over six weeks
            for k in range(2):
                at = anchor - timedelta(days=week * 7 + 3 + k * 2, hours=9 + k)
                text = REQUESTS_HARMONY[(week + k) % len(REQUESTS_HARMONY)]
                add(f"harmony_fan_{week}_{k}", text[:24], text, at)
        if week % 2 == 0:
            add(
                f"flutter_dev_{week}",
                "Flutter plugin?",
                REQUEST_FLUTTER,
                anchor - timedelta(days=week * 7 + 4, hours=3),
            )
        text = OTHER[week % len(OTHER)]
        add(f"dev_{week}", text[:24], text, anchor - timedelta(days=week * 7 + 5, hours=6))
    spike = floor_hour(anchor) - timedelta(hours=1)
    for k in range(8):
        text = DISCONNECT[k % len(DISCONNECT)]
        add(f"spike_user_{k}", text[:24], f"{text} (今天又来了 / again today)", spike + timedelta(minutes=5 + 6 * k))
    return sorted(out, key=lambda a: a.created, reverse=True)


def zhihu_rss(base_url: str, anchor: datetime, now: datetime | None = None) -> Response:
    """The feed at `now` (default: the anchor): answers written after it are not there yet."""
    items = []
    until = as_utc(now) if now is not None else as_utc(anchor)
    for answer in (a for a in _answers(anchor) if a.created <= until):
        link = f"{base_url}/zhihu/answer/{answer.id}"
        items.append(
            "<item>"
            f"<title>{x(answer.title)}</title>"
            f"<description>{x(answer.text)}</description>"
            f"<link>{x(link)}</link>"
            f'<guid isPermaLink="false">{x(link)}</guid>'
            f"<pubDate>{format_datetime(answer.created, usegmt=True)}</pubDate>"
            f"<author>{x(answer.author)}</author>"
            "</item>"
        )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        "<title>知乎话题 - 实时音视频</title>"
        f"<link>{x(base_url)}/zhihu/topic/rtc</link>"
        "<description>知乎话题 - 实时音视频 - Powered by RSSHub</description>"
        "<generator>RSSHub</generator>"
        f"<lastBuildDate>{format_datetime(as_utc(anchor), usegmt=True)}</lastBuildDate>"
        "<ttl>5</ttl>" + "".join(items) + "</channel></rss>"
    )
    return Response(200, RSS, body.encode("utf-8"))
