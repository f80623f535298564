"""Boolean relevance queries: what a product's `query` in lingting.toml says.

    (Agora OR 声网) AND (SDK OR RTC OR "video call" OR 音视频) NOT "Agora Road"
    声网 NEAR/5 (卡顿 OR 掉线)

- A term is a word or a "quoted phrase", matched like lexicon terms (sentiment/terms.py): Latin on
  word boundaries and case-insensitively (but an all-capitals term of three letters or fewer, such
  as RTC or IM, in capitals only), Chinese as a substring.
- Operators, strongest first: NOT (also `-term`), NEAR/n, AND (also two terms side by side), OR;
  parentheses group. Operators are written in capitals; `and` in lower case is a word.
- `a NEAR/n b`: an occurrence of a and one of b with at most n words between them (each Chinese
  character counts as a word). Its sides are terms or OR-groups of terms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from config.query_syntax import Node, QueryError, parse_query
from sentiment.terms import Hit, TermMatcher

__all__ = ["Node", "Query", "QueryError"]

_GAP_WORD = re.compile(r"[A-Za-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff]")


def _terms(node: Node) -> list[str]:
    return [node.term] if node.op == "term" else [t for c in node.children for t in _terms(c)]


def _gap_words(text: str) -> int:
    return len(_GAP_WORD.findall(text))


class Query:
    """A parsed query; `matches(text)` says whether the text satisfies it."""

    def __init__(self, query: str) -> None:
        self.source = query
        self.root = parse_query(query)
        self.terms = list(dict.fromkeys(_terms(self.root)))
        self._matchers = {t: TermMatcher([t], inflect=False) for t in self.terms}

    def positive_terms(self) -> list[str]:
        """The terms that count for the query (not those under a NOT)."""

        def walk(node: Node, negated: bool) -> list[str]:
            if node.op == "term":
                return [] if negated else [node.term]
            return [t for c in node.children for t in walk(c, negated ^ (node.op == "not"))]

        return list(dict.fromkeys(walk(self.root, False)))

    def hits(self, text: str) -> dict[str, list[Hit]]:
        return {t: m.find(text) for t, m in self._matchers.items()}

    def matches(self, text: str, hits: dict[str, list[Hit]] | None = None) -> bool:
        found = hits if hits is not None else self.hits(text)
        return _evaluate(self.root, text, found.__getitem__)


def _spans(node: Node, hits: Callable[[str], Sequence[Hit]]) -> list[Hit]:
    if node.op == "term":
        return list(hits(node.term))
    return [h for c in node.children for h in _spans(c, hits)]


def _evaluate(node: Node, text: str, hits: Callable[[str], Sequence[Hit]]) -> bool:
    if node.op == "term":
        return bool(hits(node.term))
    if node.op == "and":
        return all(_evaluate(c, text, hits) for c in node.children)
    if node.op == "or":
        return any(_evaluate(c, text, hits) for c in node.children)
    if node.op == "not":
        return not _evaluate(node.children[0], text, hits)
    left, right = (_spans(c, hits) for c in node.children)
    for a in left:
        for b in right:
            first, second = (a, b) if a.start <= b.start else (b, a)
            if second.start < first.end or _gap_words(text[first.end : second.start]) <= node.distance:
                return True
    return False
