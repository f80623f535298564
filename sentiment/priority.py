"""Priority from ITIL's impact x urgency matrix (DESIGN.md, Priority), every decision with its reasons.

Impact (影响范围 x 影响程度), for a problem (functional, bug, experience, service):
  high    the text says many users are hit (所有用户, all users), the customer's business is hurt,
          the fault is critical (业务停了, 数据丢失, production down), or a key function is gone even
          for one author (messages lost, a crash, cannot join or log in: priority.toml [impact.critical])
  medium  a function fails or the app crashes, or quality is degraded (卡顿, echo)
  low     inconvenience, cosmetic detail, or no fault described
A question, a feature request or praise is not a fault: impact low (a cluster's authors may raise it).
Urgency (紧急程度):
  high    explicit pressure (急, 明天上线, urgent) or a churn threat (换掉, refund, switch to <rival>);
          for a non-problem only a churn threat counts as high, pressure as medium
  medium  a complaint without pressure, or a 1-star rating
  low     otherwise
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from config import AnalysisSettings
from sentiment.complaint import ComplaintEvidence
from sentiment.lexicon import PROBLEM_CATEGORIES, Lexicon
from sentiment.negation import live_hits
from sentiment.terms import Hit, TermMatcher

if TYPE_CHECKING:
    from sentiment.analyzer import Analysis

LEVELS = ("low", "medium", "high")
LEVEL_ZH = {"low": "低", "medium": "中", "high": "高"}
MATRIX = {
    ("high", "high"): "P0", ("high", "medium"): "P1", ("high", "low"): "P2",
    ("medium", "high"): "P1", ("medium", "medium"): "P2", ("medium", "low"): "P3",
    ("low", "high"): "P2", ("low", "medium"): "P3", ("low", "low"): "P3",
}  # fmt: skip
_SEVERITY_IMPACT = {"critical": "high", "severe": "medium", "degraded": "medium", "minor": "low", "cosmetic": "low"}
_SEVERITY_WORDS = {
    "critical": ("业务中断或数据丢失", "business stopped or data lost"),
    "severe": ("功能失效或崩溃", "a function fails or the app crashes"),
    "degraded": ("质量下降", "degraded quality"),
    "minor": ("使用不便", "an inconvenience"),
    "cosmetic": ("界面或文字细节", "a cosmetic detail"),
}
_CHURN_REACH = 16
"""Characters after a churn move ("switch to", "换成") within which a rival must be named."""
_FINAL_PREFIX = "优先级:"


@dataclass(frozen=True)
class PriorityDecision:
    priority: str
    impact: str
    urgency: str
    reasons: list[str]


def _max_level(a: str, b: str) -> str:
    return a if LEVELS.index(a) >= LEVELS.index(b) else b


def _final(impact: str, urgency: str) -> tuple[str, str]:
    priority = MATRIX[(impact, urgency)]
    return priority, (
        f"{_FINAL_PREFIX} 影响{LEVEL_ZH[impact]} x 紧急程度{LEVEL_ZH[urgency]} = {priority}"
        f" / priority: {impact} impact x {urgency} urgency = {priority}"
    )


def _quote(hits: Sequence[Hit]) -> str:
    return ", ".join(dict.fromkeys(h.term for h in hits))


class PriorityRules:
    """The priority decision for one text; built once per Analyzer (it knows the competitors)."""

    def __init__(self, lexicon: Lexicon, competitors: TermMatcher) -> None:
        self._lexicon = lexicon
        self._competitors = competitors

    def _live(self, matcher: TermMatcher, text: str) -> list[Hit]:
        return live_hits(text, matcher.find(text), self._lexicon.negation)

    def _churn(self, text: str) -> list[Hit]:
        hits = self._live(self._lexicon.churn, text)
        for move in self._live(self._lexicon.churn_moves, text):
            reach = text[move.end : move.end + _CHURN_REACH]
            if self._competitors.find(reach) or self._lexicon.alternatives.find(reach):
                hits.append(move)
        return hits

    def _impact(self, text: str, evidence: ComplaintEvidence) -> tuple[str, list[str]]:
        reasons: list[str] = []
        impact = "low"
        scope = self._live(self._lexicon.scope, text)
        if scope:
            impact = "high"
            reasons.append(f"影响范围: 提到{_quote(scope)} / impact: says many users are affected ({_quote(scope)})")
        business = self._live(self._lexicon.business, text)
        if business:
            impact = "high"
            said = _quote(business)
            reasons.append(f"影响程度: 影响业务 ({said}) / impact: the business is hurt ({said})")
        critical = self._live(self._lexicon.critical, text)
        if critical:
            impact = "high"
            said = _quote(critical)
            reasons.append(f"影响程度: 关键功能失效 ({said}) / impact: a key function is gone ({said})")
        for severity in ("critical", "severe", "degraded", "minor", "cosmetic"):
            terms = [h.term for h in evidence.live if h.theme.severity == severity]
            if terms:
                zh, en = _SEVERITY_WORDS[severity]
                said = ", ".join(dict.fromkeys(terms))
                reasons.append(f"影响程度: {zh} ({said}) / impact: {en} ({said})")
                impact = _max_level(impact, _SEVERITY_IMPACT[severity])
                break
        if not reasons:
            reasons.append("影响程度: 未描述具体故障 / impact: no concrete fault described")
        return impact, reasons

    def decide(
        self,
        text: str,
        *,
        category: str,
        category_reason: str,
        evidence: ComplaintEvidence,
        negative: bool,
        rating: int | None = None,
    ) -> PriorityDecision:
        problem = category in PROBLEM_CATEGORIES
        reasons = [category_reason]
        if problem:
            impact, impact_reasons = self._impact(text, evidence)
            reasons += impact_reasons
        else:
            impact = "low"
            reasons.append("影响程度: 不是故障反馈 / impact: not a fault report")
        urgency = "low"
        pressure = self._live(self._lexicon.pressure, text)
        churn = self._churn(text)
        if churn:
            urgency = "high"
            reasons.append(f"紧急程度: 有流失风险 ({_quote(churn)}) / urgency: churn threat ({_quote(churn)})")
        if pressure:
            urgency = _max_level(urgency, "high" if problem else "medium")
            reasons.append(f"紧急程度: 明确催促 ({_quote(pressure)}) / urgency: explicit pressure ({_quote(pressure)})")
        if urgency == "low" and problem and negative and evidence.live:
            urgency = "medium"
            reasons.append("紧急程度: 投诉, 未催促 / urgency: a complaint without pressure")
        if rating == 1:
            urgency = _max_level(urgency, "medium")
            reasons.append("紧急程度: 1 星评分 / urgency: 1-star rating")
        if urgency == "low":
            reasons.append("紧急程度: 无催促、无流失风险 / urgency: no pressure, no churn threat")
        priority, final = _final(impact, urgency)
        return PriorityDecision(priority=priority, impact=impact, urgency=urgency, reasons=[*reasons, final])


def cluster_priority(
    analysis: Analysis | Mapping[str, Any],
    *,
    distinct_authors: int,
    size: int,
    settings: AnalysisSettings | None = None,
) -> PriorityDecision:
    """A cluster's priority: its representative analysis, with impact raised by its distinct authors.

    >= settings.wide_impact_authors distinct authors -> impact high; >= 2 -> at least medium.
    Praise, spam and unrelated posts (category other) are not raised. Accepts `Analysis.to_dict()`.
    """
    settings = settings or AnalysisSettings()
    data: Mapping[str, Any] = analysis if isinstance(analysis, Mapping) else analysis.to_dict()
    impact, urgency = str(data["impact"]), str(data["urgency"])
    if impact not in LEVELS or urgency not in LEVELS:
        raise ValueError(f"impact {impact!r} / urgency {urgency!r} must be one of {', '.join(LEVELS)}")
    reasons = [r for r in data.get("reasons", []) if not str(r).startswith(_FINAL_PREFIX)]
    if distinct_authors >= 2:
        n = distinct_authors
        posts, posts_en = (f", 共 {size} 条", f", {size} posts") if size > n else ("", "")
        reason = f"影响范围: {n} 位不同用户反馈{posts} / impact: {n} distinct authors{posts_en}"
        at = next((i for i, r in enumerate(reasons) if str(r).startswith("紧急程度")), len(reasons))
        reasons.insert(at, reason)
        if data.get("category") != "other":
            raised = "high" if distinct_authors >= settings.wide_impact_authors else "medium"
            impact = _max_level(impact, raised)
    priority, final = _final(impact, urgency)
    return PriorityDecision(priority=priority, impact=impact, urgency=urgency, reasons=[*map(str, reasons), final])
