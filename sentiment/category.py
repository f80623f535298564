"""Which feedback category a text belongs to (DESIGN.md, Categories).

1. Complaint terms decide first: each distinct term votes 2 for its theme's category, each live
   cue word of bug / functional / service / experience votes 1; the most votes win, ties in the
   order bug > functional > service > experience. Weak themes alone (docs, usability, a typo, a
   bare error code) give way to an explicit feature request.
2. Without complaint terms: a feature-request cue -> feature_request; a service cue in a text that
   does not read positive -> service; a question cue -> question; a bug / functional / experience
   cue in a text that does not read positive -> that category.
3. Anything else (praise, unrelated, spam) -> other.
"""

from __future__ import annotations

from collections.abc import Sequence

from sentiment.complaint import ComplaintEvidence
from sentiment.lexicon import Lexicon
from sentiment.negation import live_hits

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


def category_reason(category: str, terms: Sequence[str]) -> str:
    """The category in words, Chinese then English, with the words that decided it."""
    said = f" ({', '.join(terms[:3])})" if terms else ""
    if category == "other":
        return "类别: 其他, 未见投诉、提问或需求 / category: other, no complaint, question or request"
    return f"类别: {CATEGORY_NAMES_ZH[category]}{said} / category: {category}{said}"


def _cues(text: str, lexicon: Lexicon) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, matcher in lexicon.category_cues.items():
        hits = matcher.find(text)
        if name in _NEGATABLE:
            hits = live_hits(text, hits, lexicon.negation)
        found[name] = list(dict.fromkeys(hit.term for hit in hits))
    return found


def classify(text: str, *, evidence: ComplaintEvidence, polarity: str, lexicon: Lexicon) -> tuple[str, list[str]]:
    """(category, the terms that decided it)."""
    cues = _cues(text, lexicon)
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
        return best, list(dict.fromkeys(terms[best] + cues.get(best, [])))
    if cues.get("feature_request"):
        return "feature_request", cues["feature_request"]
    if cues.get("service") and not positive:
        return "service", cues["service"]
    if cues.get("question"):
        return "question", cues["question"]
    if not positive:
        for name in ("bug", "functional", "experience"):
            if cues.get(name):
                return name, cues[name]
    return "other", []
