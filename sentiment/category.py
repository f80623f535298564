"""Which feedback category a text belongs to (DESIGN.md, Categories).

Lexicon rules (`rule_category`), for every language:
1. Complaint terms decide first: each distinct term votes 2 for its theme's category, each live
   cue word of bug / functional / service / experience votes 1; the most votes win, ties in the
   order bug > functional > service > experience. Weak themes alone (docs, usability, a typo, a
   bare error code) give way to an explicit feature request.
2. Without complaint terms: a feature-request cue -> feature_request; a service cue in a text that
   does not read positive -> service; a question cue -> question; a bug / functional / experience
   cue in a text that does not read positive -> that category.
3. Anything else (praise, unrelated, spam) -> other.

A trained category model (sentiment/models.py) decides instead for the registers and languages it
learned enough of (the shipped one: English app-store reviews, which the analysis recognises by a
star rating or an app-store source), with the lexicon's category added to its log-probabilities.
The lexicon also names what the labels cannot tell apart: app-review labels know "bug" but not "a
promised function fails" (functional: push, disconnects, lag), and "other" but not "a question" or
"support and billing" (service). For forum and social posts the lexicon rules, written for RTC/IM
developers' words, decide until reviewers' relabels teach the model that register too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sentiment.complaint import ComplaintEvidence
from sentiment.lexicon import Lexicon
from sentiment.models import CategoryModel
from sentiment.negation import live_hits

if TYPE_CHECKING:
    from sentiment.signals import FailureSignals

CATEGORY_NAMES_ZH = {
    "functional": "功能类",
    "experience": "使用体验类",
    "bug": "技术Bug类",
    "feature_request": "需求建议类",
    "service": "服务体验类",
    "question": "咨询",
    "other": "其他",
}
_PROBLEM_ORDER = ("bug", "functional", "service", "experience")
_NEGATABLE = frozenset(_PROBLEM_ORDER)


@dataclass(frozen=True)
class CategoryDecision:
    category: str
    terms: list[str]
    """The words that decided it."""
    by_model: bool
    """The trained model decided (the lexicon may have refined it)."""


def category_reason(category: str, terms: Sequence[str], *, by_model: bool = False) -> str:
    """The category in words, Chinese then English, with the words that decided it."""
    if by_model:
        said_zh = f" (分类模型, 依据: {', '.join(terms[:3])})" if terms else " (分类模型)"
        said_en = f" (category model, from: {', '.join(terms[:3])})" if terms else " (category model)"
        return f"类别: {CATEGORY_NAMES_ZH[category]}{said_zh} / category: {category}{said_en}"
    said = f" ({', '.join(terms[:3])})" if terms else ""
    if category == "other":
        return "类别: 其他, 未见投诉、提问或需求 / category: other, no complaint, question or request"
    return f"类别: {CATEGORY_NAMES_ZH[category]}{said} / category: {category}{said}"


def category_cues(text: str, lexicon: Lexicon) -> dict[str, list[str]]:
    """The live cue words of each category in `text` (negated problem cues left out)."""
    found: dict[str, list[str]] = {}
    for name, hits in lexicon.cue_groups.find(text).items():
        if name in _NEGATABLE and hits:
            hits = live_hits(text, hits, lexicon.negation)
        found[name] = list(dict.fromkeys(hit.term for hit in hits))
    return found


def rule_category(
    text: str,
    *,
    evidence: ComplaintEvidence,
    polarity: str,
    lexicon: Lexicon,
    cues: Mapping[str, list[str]] | None = None,
) -> tuple[str, list[str], bool]:
    """(category, the terms that decided it, whether a strong complaint term decided it) by the
    lexicon rules alone (`cues`: `category_cues` of the text, if found already)."""
    cues = cues if cues is not None else category_cues(text, lexicon)
    positive = polarity == "positive"
    strong = [hit for hit in evidence.live if hit.theme.force]
    if evidence.live and (strong or not cues.get("feature_request")):
        votes: dict[str, int] = dict.fromkeys(_PROBLEM_ORDER, 0)
        terms: dict[str, list[str]] = {name: [] for name in _PROBLEM_ORDER}
        for hit in {h.term: h for h in evidence.live}.values():
            votes[hit.theme.category] += 2
            terms[hit.theme.category].append(hit.term)
        for name in _PROBLEM_ORDER:
            votes[name] += len(cues.get(name, []))
        best = max(_PROBLEM_ORDER, key=lambda name: (votes[name], -_PROBLEM_ORDER.index(name)))
        decided = any(h.theme.force and h.theme.category == best for h in evidence.live)
        return best, list(dict.fromkeys(terms[best] + cues.get(best, []))), decided
    if cues.get("feature_request"):
        return "feature_request", cues["feature_request"], False
    if cues.get("service") and not positive:
        return "service", cues["service"], False
    if cues.get("question"):
        return "question", cues["question"], False
    if not positive:
        for name in ("bug", "functional", "experience"):
            if cues.get(name):
                return name, cues[name], False
    return "other", [], False


MODEL_CLASS = {"functional": "bug", "service": "other", "question": "other"}
"""Categories the labeled app reviews do not tell apart: the model's probability of the broader
class stands for them when the lexicon names them."""
LEXICON_WEIGHT_STRONG = 1.0
LEXICON_WEIGHT = 0.5
"""What the lexicon's category adds to the model's log-probability: a strong complaint term, or any
other cue. Chosen on clap_rq1 by 5-fold cross-validation (bench/eval.py) with DESIGN.md's
examples as a floor."""


def classify(
    text: str,
    *,
    evidence: ComplaintEvidence,
    polarity: str,
    lexicon: Lexicon,
    model: CategoryModel | None = None,
    lang: str = "und",
    register: str = "post",
    failure: FailureSignals | None = None,
) -> CategoryDecision:
    """The category: the lexicon rules, or, where the model knows the register and language, the
    model's log-probabilities with the lexicon's category given extra weight."""
    cues = category_cues(text, lexicon)
    by_rules, rule_terms, strong = rule_category(text, evidence=evidence, polarity=polarity, lexicon=lexicon, cues=cues)
    if model is None or not model.covers(lang, register) or not text.strip():
        return CategoryDecision(by_rules, rule_terms, by_model=False)
    tokens: list[str] | None = None
    if register != "review" and model.post_linear is not None:
        from sentiment.signals import find_failure, lexicon_tokens  # signals reads this module's rules

        failure = failure if failure is not None else find_failure(text, lexicon)
        if by_rules == "other" and polarity == "positive" and not (failure.described or failure.dissatisfied):
            # praise, or a problem said to be over: the post model saw 12 such posts, the lexicon knows them
            return CategoryDecision(by_rules, rule_terms, by_model=False)
        tokens = lexicon_tokens(text, evidence=evidence, cues=cues, failure=failure)
    probabilities = model.probabilities(text, register, tokens)
    predicted = max(probabilities, key=probabilities.__getitem__)
    bonus = 0.0 if by_rules == "other" else LEXICON_WEIGHT_STRONG if strong else LEXICON_WEIGHT
    if register != "review" and model.post_linear is not None:
        bonus = 0.0  # the post model reads the lexicons' tokens itself: no second vote

    def score(category: str) -> float:
        support = probabilities.get(category, probabilities.get(MODEL_CLASS.get(category, ""), 0.0))
        return math.log(max(support, 1e-9)) + (bonus if category == by_rules else 0.0)

    best = max(sorted({*probabilities, by_rules}), key=score)
    if best != predicted:
        return CategoryDecision(best, rule_terms, by_model=False)
    return CategoryDecision(best, model.cues(text, best, register=register, tokens=tokens), by_model=True)
