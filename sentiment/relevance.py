"""Is a text about one of the configured products?

Product names are ambiguous (Agora is a Greek word, a road, a fund and many other projects), so a
product says what counts, in three ways that combine:
- names and aliases: Chinese names as substrings, Latin names on word boundaries,
  case-insensitively. "VoxLink's", "VoxLink-SDK" and "用VoxLink的" mention VoxLink; "VoxLinker"
  and "MyVoxLink" do not (list such spellings as aliases when they are the product);
- `context`: if set, a name counts only where one of these words is also present;
- `query`: if set, a boolean query (sentiment/query.py) decides instead of the names;
- `exclude`: words of another meaning of the name; a text with one is not about the product.

A comment's thread title is context only: a reply under "VoxLink SDK crashes on Android" that says
"same here on Android 14" is about VoxLink, but its own words are what the rest of the analysis reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from config import Product
from sentiment.query import Query, QueryError
from sentiment.terms import TermMatcher


@dataclass(frozen=True)
class Relevance:
    relevant: bool
    terms: list[str]
    """The product names and aliases found (or the query's terms), for the products the text is about."""
    via_thread: bool = False
    """The product is named only in the thread's title, not in the post itself."""
    via_source: bool = False
    """The post comes from the product's own channel (its app's reviews), whatever its words."""


@dataclass(frozen=True)
class _ProductRule:
    names: TermMatcher
    exclude: TermMatcher
    context: TermMatcher
    query: Query | None


def _rule(product: Product) -> _ProductRule:
    try:
        query = Query(product.query) if product.query and product.query.strip() else None
    except QueryError as exc:
        raise QueryError(f"product {product.name!r}: query {product.query!r}: {exc}") from None
    return _ProductRule(TermMatcher(product.terms), TermMatcher(product.exclude), TermMatcher(product.context), query)


class ProductMatcher:
    """Matches the names, aliases, context words, queries and exclusions of the configured products."""

    def __init__(self, products: Sequence[Product]) -> None:
        self._rules = [_rule(product) for product in products]
        self._names = frozenset(product.name for product in products)
        self.competitors = TermMatcher(c for product in products for c in product.competitors)

    @staticmethod
    def _found(rule: _ProductRule, text: str) -> list[str]:
        if rule.exclude.find(text):
            return []
        names = list(dict.fromkeys(hit.term for hit in rule.names.find(text)))  # each name once, however often said
        if rule.query is not None:
            hits = rule.query.hits(text)
            if not rule.query.matches(text, hits):
                return []
            return names or [t for t in rule.query.positive_terms() if hits[t]]
        if not names or (rule.context and not rule.context.find(text)):
            return []
        return names

    def match(self, text: str, thread_title: str | None = None, *, about: str | None = None) -> Relevance:
        """The products `text` is about; `about`, a configured product's name, makes it relevant to
        that product whatever its words (a name no longer configured is ignored)."""
        if about is not None and about in self._names:
            return Relevance(relevant=True, terms=[about], via_source=True)
        context = f"{text}\n{thread_title}" if thread_title else text
        terms: list[str] = []
        on_its_own = False
        for rule in self._rules:
            found = self._found(rule, context)
            if found:
                on_its_own = on_its_own or not thread_title or bool(self._found(rule, text))
                terms += [t for t in found if t not in terms]
        return Relevance(relevant=bool(terms), terms=terms, via_thread=bool(terms) and not on_its_own)
