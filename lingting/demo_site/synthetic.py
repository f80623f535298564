"""Many synthetic demo posts, for benchmarks: the demo site scaled to thousands of posts.

`synthetic_content(base, posts)` keeps the base content's nodes, categories and feed names and
replaces its content with `posts` posts (threads and replies together) spread over every source
kind the demo crawls (the newer ones, Reddit comments to Weibo API and Bilibili, are built by
synthetic_sites.py), written from templates of what developers say about an RTC / IM SDK: a subject, a problem with
its numbers (versions, error codes, devices), context and a question, in Chinese on V2EX and
Weibo, in English on Hacker News and Reddit, both on Discourse. Every post names the product,
as the posts a listening crawl keeps do. The same arguments always give the same content.

Templates repeat themselves: at thousands of posts, near-duplicate clustering joins many of them.
`texts` gives real sentences instead ({"zh": [...], "en": [...]}, e.g. labeled reviews and Weibo
posts), each used once with the product's name put in, as diverse as people write.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import timedelta
from typing import Any

from lingting.demo_site.chinese_content import load_chinese_content
from lingting.demo_site.content import Content, Reply, Thread
from lingting.demo_site.synthetic_sites import ScaledContent, synthetic_chinese, synthetic_western
from lingting.demo_site.western_content import load_western

SPAN_MINUTES = 6 * 24 * 60  # inside Hacker News' default 7-day window
# source -> (share of all posts, replies per thread)
# The newer kinds take the rest (synthetic_sites.NEWER_PLAN): the shares of both plans add up to 1.
PLAN = {"v2ex": (0.18, 4), "discourse": (0.18, 7), "hackernews": (0.15, 4), "weibo": (0.04, 0), "reddit": (0.04, 0)}
FIRST_ID = {"v2ex": 1_300_001, "discourse": 2001, "hackernews": 47_000_001}

ZH = {
    "subject": [
        "声链 IM",
        "声链 RTC",
        "声链推送",
        "声链录制服务",
        "声链安卓 SDK",
        "声链 iOS SDK",
        "声链 Web SDK",
        "声链 Flutter 插件",
        "声链控制台",
        "声链的 AI 语音助手",
    ],
    "problem": [
        "消息推送延迟 {sec} 秒",
        "安卓 {os} 上切后台偶发闪退",
        "弱网下音频卡顿，丢包 {pct}% 就不行了",
        "已读回执不准，对方没看也显示已读",
        "录制文件缺了 {sec} 秒",
        "回调地址收不到通知",
        "一直报错误码 {code}",
        "内存泄漏，跑一晚上涨到 {mem} MB",
        "断线重连要 {sec} 秒",
        "视频首帧要 {sec} 秒才出来",
        "扣费和控制台显示差了 {pct}%",
        "工单 {days} 天没人回",
        "文档里找不到 {param} 参数怎么设",
        "接入 {platform} 时编译报错",
    ],
    "context": [
        "我们是做{industry}的，日活 {users}",
        "SDK 版本 {ver}",
        "测试机是{device}",
        "服务器在{city}",
        "上线 {days} 天了",
        "之前用的是声网",
    ],
    "ask": [
        "有人遇到过吗？",
        "求解决办法。",
        "有没有替代方案？",
        "官方能出来说一下吗？",
        "急，明天就要上线。",
        "希望能支持{feature}。",
        "已经提了工单，等回复。",
        "整体还算稳定，就这个问题头疼。",
    ],
    "reply": [
        "我们也遇到了，{device} 上必现",
        "升级到 {ver} 以后好了",
        "客服 {days} 天才回我们",
        "把 {param} 调大以后缓解了",
        "换成 {platform} 端没这个问题",
        "错误码 {code} 我们也见过",
        "我们日活 {users} 也没遇到",
        "在{city}机房复现过",
    ],
}
EN = {
    "subject": ["VoxLink RTC", "the VoxLink SDK", "VoxLink IM", "VoxLink push", "VoxLink cloud recording",
                "VoxLink's Android SDK", "VoxLink's iOS SDK", "the VoxLink web SDK", "VoxLink's Flutter plugin",
                "the VoxLink console"],
    "problem": ["delivers push notifications {sec}s late", "crashes on Android {os} when the app goes to background",
                "drops audio once packet loss passes {pct}%", "returns error {code} after a token refresh",
                "leaks memory, {mem} MB after a night", "takes {sec}s to show the first video frame",
                "bills {pct}% more minutes than we used", "has not answered our ticket in {days} days",
                "has no docs for {param}", "fails to build for {platform}", "loses the last {sec}s of recordings",
                "marks messages read that nobody opened"],
    "context": ["We're a {industry} startup with {users} DAU.", "We're on SDK {ver}.", "Reproduced on a {device}.",
                "Our servers are in {city}.", "We moved from Agora {days} days ago."],
    "ask": ["Anyone else seeing this?", "Is there a workaround?", "Thinking of moving back to Agora.",
            "Would love {feature}.", "Any tips appreciated.", "Otherwise it has been solid for us."],
    "reply": ["Same here on a {device}.", "Upgrading to {ver} fixed it for us.", "Support took {days} days to answer.",
              "Raising {param} helped.", "We only see it on {platform}.", "Error {code} here too.",
              "No issues at {users} DAU.", "Reproduced from {city}."],
}  # fmt: skip
FILL = {
    "sec": lambda r: r.randint(2, 90),
    "os": lambda r: r.choice([12, 13, 14, 15]),
    "pct": lambda r: r.randint(3, 40),
    "code": lambda r: r.choice([110, 1002, 17, 4011, 501, 10017, 2003, 109]),
    "mem": lambda r: r.randint(300, 2400),
    "days": lambda r: r.randint(2, 30),
    "param": lambda r: r.choice(["audioProfile", "reconnectTimeout", "pushTemplate", "channelProfile", "token_ttl"]),
    "platform": lambda r: r.choice(["HarmonyOS", "Flutter", "Unity", "Electron", "React Native", "微信小程序"]),
    "industry": lambda r: r.choice(["online tutoring", "social audio", "telehealth", "gaming", "在线教育", "直播"]),
    "users": lambda r: f"{r.randint(1, 900)}k",
    "ver": lambda r: f"4.{r.randint(0, 9)}.{r.randint(0, 20)}",
    "device": lambda r: r.choice(["Pixel 8", "Xiaomi 14", "iPhone 15", "Mate 60", "Galaxy S23", "OPPO Reno 11"]),
    "city": lambda r: r.choice(["Shanghai", "Frankfurt", "Virginia", "Singapore", "北京", "深圳"]),
    "feature": lambda r: r.choice(["a HarmonyOS SDK", "a Flutter plugin", "鸿蒙支持", "端到端加密", "webhook retries"]),
}  # fmt: skip
ZH_NAMES = ["小", "老", "阿", "码农", "产品汪", "前端", "运维"]
EN_NAMES = ["rtc", "dev", "voip", "sfu", "mobile", "infra", "indie", "cto", "ops"]


def _detail(rng: random.Random, zh: bool, long: bool) -> str:
    """What developers paste to be helped: a log id, a channel, a time; unique to each post, as in life."""
    log_id = f"{rng.getrandbits(48):012x}"
    channel = f"{rng.choice(['room', 'ch', 'live', 'call'])}_{rng.randint(100_000, 999_999)}"
    clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    if not long:
        return f"（日志 {log_id}，{clock}）" if zh else f"(log {log_id} at {clock})"
    build = f"{rng.choice('ABCDEFGHTUQ')}{rng.randint(1, 9)}{rng.choice('ABCDEFGHTUQ')}.{rng.randint(200_000, 299_999)}"
    if zh:
        return f"日志 ID {log_id}，频道 {channel}，系统版本 {build}，出现时间 {clock}。"
    return f"Log id {log_id}, channel {channel}, build {build}, seen at {clock}."


def _fill(rng: random.Random, template: str) -> str:
    values = {key: fill(rng) for key, fill in FILL.items() if "{" + key + "}" in template}
    return template.format(**values)


def _text(rng: random.Random, words: dict[str, list[str]], zh: bool) -> tuple[str, str]:
    """(title, text) of one post: subject and problem, then context and a question."""
    subject, problem = rng.choice(words["subject"]), _fill(rng, rng.choice(words["problem"]))
    context = [_fill(rng, c) for c in rng.sample(words["context"], 2)]
    ask = _fill(rng, rng.choice(words["ask"]))
    detail = _detail(rng, zh, long=True)
    if zh:
        title = f"{subject}{problem}"
        return title, f"{subject}{problem}。{'，'.join(context)}。{ask}{detail}"
    title = f"{subject[0].upper()}{subject[1:]} {problem}"
    return title, f"{title}. {' '.join(context)} {ask} {detail}"


def _reply_text(rng: random.Random, words: dict[str, list[str]], zh: bool) -> str:
    first, second = (_fill(rng, t) for t in rng.sample(words["reply"], 2))
    mention = "声链" if zh else "VoxLink"
    detail = _detail(rng, zh, long=False)
    return f"{first}，{mention} 这边{second}{detail}。" if zh else f"{first} With {mention}: {second.lower()} {detail}"


def _author(rng: random.Random, zh: bool) -> str:
    if zh:
        return f"{rng.choice(ZH_NAMES)}{rng.choice('鱼猫虎云风山林')}{rng.randint(1, 99)}"
    return f"{rng.choice(EN_NAMES)}_{rng.choice(['dev', 'guy', 'lab', 'io', 'hq'])}{rng.randint(1, 999)}"


def _extra(rng: random.Random, source: str, base: Content) -> dict[str, Any]:
    if source == "v2ex":
        return {"node": rng.choice(sorted(base.v2ex_nodes))}
    if source == "discourse":
        return {"category_id": rng.choice(sorted(base.discourse_categories)), "views": rng.randint(10, 3000)}
    if source == "hackernews":
        return {"points": rng.randint(1, 300)}
    if source == "reddit":
        return {"subreddit": rng.choice(["webdev", "androiddev", "iOSProgramming", "WebRTC"])}
    return {}


def _thread_id(source: str, n: int) -> str:
    if source in FIRST_ID:
        return str(FIRST_ID[source] + n)
    if source == "weibo":
        return "Q" + format(36**7 + n * 7919, "x")  # bid-like: letters and digits
    return format(0x10000000 + n * 104_729, "x")


class Writer:
    """Post and reply texts: from the real sentences given (reused only once all are used), else templates."""

    def __init__(self, rng: random.Random, texts: Mapping[str, Sequence[str]] | None) -> None:
        self.rng = rng
        self.texts = {lang: list(items) for lang, items in (texts or {}).items() if items}
        self.pools: dict[str, list[str]] = {}

    def _real(self, zh: bool) -> str | None:
        lang = "zh" if zh else "en"
        if lang not in self.texts:
            return None
        if not self.pools.get(lang):
            self.pools[lang] = self.rng.sample(self.texts[lang], len(self.texts[lang]))
        text = " ".join(self.pools[lang].pop().split())
        name = "声链" if zh else "VoxLink"
        # The name where people put it: first, last, or in a sentence of its own.
        if zh:
            return self.rng.choice([f"{name}{text}", f"{text}（{name}）", f"说说{name}：{text}"])
        return self.rng.choice([f"{name} {text}", f"{text} ({name})", f"About {name}: {text}"])

    def post(self, zh: bool) -> tuple[str, str]:
        real = self._real(zh)
        if real is None:
            return _text(self.rng, ZH if zh else EN, zh)
        cut = 24 if zh else 60
        return (real if len(real) <= cut else real[:cut].rstrip() + "…"), real

    def reply(self, zh: bool) -> str:
        return self._real(zh) or _reply_text(self.rng, ZH if zh else EN, zh)


def _threads(
    rng: random.Random, writer: Writer, base: Content, source: str, count: int, replies: int
) -> tuple[Thread, ...]:
    zh = source in ("v2ex", "weibo") or (source == "discourse" and rng.random() < 0.3)
    # Oldest first: ids grow with time, as on the sites.
    moments = sorted(
        base.anchor - timedelta(minutes=rng.randint(replies * 30 + 10, SPAN_MINUTES), seconds=rng.randint(0, 59))
        for _ in range(count)
    )
    threads = []
    for n, created in enumerate(moments):
        title, text = writer.post(zh)
        answers = []
        moment = created
        for index in range(replies):
            moment += timedelta(minutes=rng.randint(1, 25), seconds=rng.randint(0, 59))
            answers.append(
                Reply(
                    author=_author(rng, zh),
                    name="",
                    text=writer.reply(zh),
                    created=moment,
                    likes=rng.randint(0, 9),
                    parent=rng.choice([None, index - 1]) if source == "hackernews" and index else None,
                    reply_to=rng.choice([None, index + 1]) if source == "discourse" and index else None,
                )
            )
        threads.append(
            Thread(
                source=source,
                id=_thread_id(source, n),
                author=_author(rng, zh),
                name="",
                title=title,
                text=text,
                created=created,
                replies=tuple(answers),
                likes=rng.randint(0, 30),
                extra=_extra(rng, source, base),
            )
        )
    return tuple(threads)


def synthetic_content(base: Content, posts: int, texts: Mapping[str, Sequence[str]] | None = None) -> ScaledContent:
    """`base` with its threads replaced by `posts` synthetic posts over every source kind (at least one
    thread each), the newer kinds' content (synthetic_sites.py) in place of their demo files."""
    rng = random.Random(f"lingting-synthetic/{posts}/{base.anchor.isoformat()}")
    writer = Writer(rng, texts)
    threads = {}
    for source, (share, replies) in PLAN.items():
        count = max(1, round(posts * share / (replies + 1)))
        threads[source] = _threads(rng, writer, base, source, count, replies)
    western = synthetic_western(rng, writer, load_western(base.anchor), threads["reddit"], posts)
    chinese = synthetic_chinese(rng, writer, load_chinese_content(base.anchor), posts)
    kept = {field.name: getattr(base, field.name) for field in fields(base) if field.name != "threads"}
    return ScaledContent(**kept, threads=threads, western=western, chinese=chinese)
