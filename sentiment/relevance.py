"""Is a text about one of the configured products?

A product is mentioned when its name or an alias occurs: Chinese names as substrings, Latin names on
word boundaries, case-insensitively. "VoxLink's", "VoxLink-SDK" and "用VoxLink的" mention VoxLink;
"VoxLinker" and "MyVoxLink" do not (list such spellings as aliases when they are the product).
A product's `exclude` words (another meaning of the name) make the whole text not about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from config import Product
from sentiment.terms import TermMatcher


@dataclass(frozen=True)
class Relevance:
    relevant: bool
    terms: list[str]
    """The product names and aliases found, as configured, for the products the text is about."""


class ProductMatcher:
    """Matches the names, aliases and exclusions of the configured products."""

    def __init__(self, products: Sequence[Product]) -> None:
        self._products = [(TermMatcher(product.terms), TermMatcher(product.exclude)) for product in products]
        self.competitors = TermMatcher(c for product in products for c in product.competitors)

    def match(self, text: str) -> Relevance:
        terms: list[str] = []
        for names, exclude in self._products:
            found = [hit.term for hit in names.find(text)]
            if found and not exclude.find(text):
                terms += [t for t in found if t not in terms]
        return Relevance(relevant=bool(terms), terms=terms)
