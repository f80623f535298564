"""The report's words in Chinese and English, and helpers both renderers share."""

from __future__ import annotations

from typing import Any

WORDS: dict[str, dict[str, str]] = {
    "title": {"zh": "聆听 趋势报告", "en": "lingting trend report"},
    "period": {"zh": "时段", "en": "Period"},
    "previous": {"zh": "上一时段", "en": "previous period"},
    "product": {"zh": "产品", "en": "Product"},
    "all_products": {"zh": "全部产品", "en": "all products"},
    "summary": {"zh": "概览", "en": "At a glance"},
    "posts": {"zh": "帖子", "en": "Posts"},
    "complaints": {"zh": "投诉", "en": "Complaints"},
    "negative": {"zh": "负面", "en": "Negative"},
    "requests": {"zh": "需求", "en": "Requests"},
    "clusters": {"zh": "标记的事件 (聚类)", "en": "Flagged incidents (clusters)"},
    "tickets": {"zh": "工单", "en": "Tickets"},
    "metric": {"zh": "指标", "en": "Metric"},
    "this": {"zh": "本期", "en": "This period"},
    "change": {"zh": "变化", "en": "Change"},
    "themes": {"zh": "反复出现的问题", "en": "Recurring problems"},
    "theme": {"zh": "主题", "en": "Theme"},
    "authors": {"zh": "不同用户", "en": "Distinct authors"},
    "per_week": {"zh": "每周不同用户", "en": "Distinct authors per week"},
    "first_seen": {"zh": "首次", "en": "First seen"},
    "last_seen": {"zh": "最近", "en": "Last seen"},
    "sources": {"zh": "来源", "en": "Sources"},
    "filed": {"zh": "已建工单", "en": "Tickets filed"},
    "none": {"zh": "无", "en": "none"},
    "demand": {"zh": "需求信号", "en": "Demand signals"},
    "people": {"zh": "提出的人数", "en": "People asking"},
    "act": {"zh": "应考虑", "en": "Act on it"},
    "demand_note": {
        "zh": "{days} 天内 {threshold} 位及以上不同用户提出的需求标记为应考虑。",
        "en": "A wish from {threshold} or more distinct people within {days} days is marked to act on.",
    },
    "spikes": {"zh": "峰值", "en": "Spikes"},
    "brand": {"zh": "品牌", "en": "Brand"},
    "when": {"zh": "时间 (UTC)", "en": "When (UTC)"},
    "grain": {"zh": "粒度", "en": "Grain"},
    "hour": {"zh": "小时", "en": "hour"},
    "day": {"zh": "天", "en": "day"},
    "baseline": {"zh": "14 天中位数", "en": "14-day median"},
    "ratio": {"zh": "倍数", "en": "Times"},
    "alerted": {"zh": "已通知", "en": "Alerted"},
    "drivers": {"zh": "主要来自 (聚类, 用户数)", "en": "Driven by (cluster, authors)"},
    "competitor": {"zh": "竞品 (只报告)", "en": "competitor (reported only)"},
    "sentiment": {"zh": "情感与投诉占比", "en": "Sentiment and complaint share"},
    "negative_share": {"zh": "负面占比", "en": "Negative share"},
    "complaint_share": {"zh": "投诉占比", "en": "Complaint share"},
    "by_source": {"zh": "各来源每周负面占比", "en": "Negative share per source and week"},
    "week": {"zh": "周", "en": "Week"},
    "voice": {"zh": "声量份额 (对比竞品)", "en": "Share of voice against competitors"},
    "mentions": {"zh": "提及", "en": "Mentions"},
    "share": {"zh": "份额", "en": "Share"},
    "rival_themes": {"zh": "竞品的投诉主题 (机会, 非工单)", "en": "Competitors' complaint themes (an opportunity)"},
    "open": {"zh": "未关闭的 P0/P1", "en": "Open P0/P1"},
    "priority": {"zh": "优先级", "en": "Priority"},
    "post_title": {"zh": "标题", "en": "Title"},
    "age": {"zh": "已持续 (天)", "en": "Age (days)"},
    "ticketed": {"zh": "已建单", "en": "Ticket filed"},
    "awaiting": {"zh": "待审核", "en": "awaiting review"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "generated": {"zh": "生成于", "en": "Generated"},
    "nothing": {"zh": "本期没有。", "en": "Nothing in this period."},
}


def word(key: str, lang: str) -> str:
    return WORDS[key]["en" if lang == "en" else "zh"]


def theme_label(item: dict[str, Any]) -> str:
    """A theme's name (top terms in both languages), else its key."""
    name = item.get("name") or {}
    return str(name.get("label") or item.get("theme") or "—")


def signed(n: float) -> str:
    return f"+{n:g}" if n > 0 else f"{n:g}"


def change_text(entry: dict[str, Any]) -> str:
    pct = entry.get("change_pct")
    return signed(entry["change"]) + (f" ({signed(pct)}%)" if pct is not None else "")


def weeks_of(report: dict[str, Any]) -> list[str]:
    """Every week (its Monday) in the report's sentiment and theme figures, in order."""
    weeks = {row["week"] for row in report["sentiment"]}
    weeks |= {w["week"] for t in report["themes"] for w in t["weekly_authors"]}
    return sorted(weeks)
