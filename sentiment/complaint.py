"""Complaint evidence: the complaint-lexicon terms in a text, negated ones set apart."""

from __future__ import annotations

from dataclasses import dataclass

from sentiment.lexicon import Lexicon, Theme
from sentiment.negation import split_negated
from sentiment.terms import Hit


@dataclass(frozen=True)
class ThemeHit:
    term: str
    theme: Theme


@dataclass(frozen=True)
class ComplaintEvidence:
    live: list[ThemeHit]
    """Terms that say something is wrong, in text order."""
    negated: list[ThemeHit]
    """Terms said not to happen or to be over (不卡了, no longer crashes)."""

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys(hit.term for hit in self.live))

    @property
    def themes(self) -> list[Theme]:
        return list({hit.theme.name: hit.theme for hit in self.live}.values())

    @property
    def resolved(self) -> bool:
        """Only negated terms: the text says a problem is absent or gone."""
        return bool(self.negated) and not self.live


def find_complaints(text: str, lexicon: Lexicon) -> ComplaintEvidence:
    live, negated = split_negated(text, lexicon.complaints.find(text), lexicon.negation)

    def themed(hits: list[Hit]) -> list[ThemeHit]:
        return [ThemeHit(h.term, lexicon.themes[lexicon.theme_of[h.term.casefold()]]) for h in hits]

    return ComplaintEvidence(live=themed(live), negated=themed(negated))
