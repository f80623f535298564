"""Why a post is, or is not, flagged as a complaint, in words (Chinese, then English).

A complaint is relevant + negative + complaint evidence, or relevant + a problem category + a
failure described (a bug-report template, failure words, an error code: sentiment/signals.py);
each part gets one line, with what moved the sentiment (the model's own cues, a plain question, a
problem said to be over, the star rating, complaint terms), and a last line with the verdict.
"""

from __future__ import annotations

from collections.abc import Sequence

from sentiment.complaint import ComplaintEvidence
from sentiment.relevance import Relevance

_POLARITY_ZH = {"negative": "负面", "neutral": "中性", "positive": "正面"}


def _relevance(relevance: Relevance) -> str:
    names = ", ".join(relevance.terms)
    if not relevance.relevant:
        return "相关性: 未提到所配置的产品 / relevance: names no configured product"
    if relevance.via_source:
        return f"相关性: 来自 {names} 自己的渠道 (应用评论) / relevance: from {names}'s own channel (its app's reviews)"
    if relevance.via_thread:
        return f"相关性: 所在主题提到 {names} / relevance: its thread names {names}"
    return f"相关性: 提到 {names} / relevance: names {names}"


def _sentiment(
    *,
    score: float,
    raw: float,
    polarity: str,
    threshold: float,
    evidence: ComplaintEvidence,
    asks: bool,
    resolved: bool,
    rating: int | None,
    cues: Sequence[str],
) -> str:
    zh = [f"情感: {_POLARITY_ZH[polarity]} {score:.2f} (负面阈值 {threshold:g})"]
    en = [f"sentiment: {polarity} {score:.2f} (negative below {threshold:g})"]
    if cues:
        zh.append(f"模型依据 {', '.join(cues)}")
        en.append(f"model cues {', '.join(cues)}")
    if asks:
        zh.append("是提问, 不算负面")
        en.append("a plain question, not negative")
    if resolved:
        said = ", ".join(dict.fromkeys(h.term for h in evidence.negated))
        zh.append(f"问题已说明解决 ({said})")
        en.append(f"the problem is said to be over ({said})")
    if rating is not None:
        zh.append(f"{rating} 星评分")
        en.append(f"{rating}-star rating")
    if evidence.live and score < threshold <= raw and rating is None:
        zh.append(f"投诉词使其偏负面 (模型 {raw:.2f})")
        en.append(f"complaint terms pulled it down (model {raw:.2f})")
    return f"{', '.join(zh)} / {', '.join(en)}"


def flag_reasons(
    *,
    relevance: Relevance,
    score: float,
    raw: float,
    polarity: str,
    threshold: float,
    evidence: ComplaintEvidence,
    asks: bool,
    rating: int | None,
    cues: Sequence[str],
    complaint: bool,
    failure: Sequence[str] = (),
) -> list[str]:
    terms = ", ".join(evidence.terms)
    told = ", ".join(failure[:4])
    lines = [
        _relevance(relevance),
        _sentiment(
            score=score,
            raw=raw,
            polarity=polarity,
            threshold=threshold,
            evidence=evidence,
            asks=asks,
            resolved=relevance.relevant and evidence.resolved,
            rating=rating,
            cues=cues,
        ),
        f"投诉证据: {terms} / complaint evidence: {terms}" if terms else "投诉证据: 无 / complaint evidence: none",
    ]
    if told:
        lines.append(f"故障描述: {told} / failure described: {told}")
    if complaint and (polarity != "negative" or not evidence.live):
        lines.append("结论: 投诉 (描述了故障或不满) / verdict: a complaint (a failure or dissatisfaction is described)")
    elif complaint:
        lines.append("结论: 投诉 / verdict: a complaint")
    else:
        lacks_zh = [
            w
            for w, ok in (
                ("相关", relevance.relevant),
                ("负面", polarity == "negative"),
                ("投诉证据", bool(evidence.live)),
            )
            if not ok
        ]
        lacks_en = [
            w
            for w, ok in (
                ("relevance", relevance.relevant),
                ("negative", polarity == "negative"),
                ("evidence", bool(evidence.live)),
            )
            if not ok
        ]
        lines.append(
            f"结论: 不是投诉, 缺少{'、'.join(lacks_zh)} / verdict: not a complaint, lacks {', '.join(lacks_en)}"
        )
    return lines
