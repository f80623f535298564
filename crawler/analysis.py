"""Analysis of one stored post and triage of its cluster, shared by the pipeline and `reanalyze`.

An `Analyzer` is cheap to build after the first: the models and lexicons behind it are loaded once
per process (sentiment/models.py, sentiment/lexicon.py), so each pipeline builds its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache, partial
from typing import Any

import numpy as np

from config.settings import AnalysisSettings, Settings
from sentiment import Analysis, Analyzer, cluster_priority
from sentiment.analyzer import stars_of
from sentiment.fingerprint import (
    band_keys,
    content_key,
    minhash,
    near_duplicate_score,
    near_duplicate_scores,
    shingle_count,
    signature_bytes,
    signature_from_bytes,
    signatures_from_bytes,
)
from sentiment.incident import SAME_RELEASE_WINDOW, same_incident
from store import ClusterTriage, Fingerprint, IncidentFn, MatchFn, Store, TriageFn

_SEVERITY = {"P0": 0, "P1": 1, "P2": 2, "P3": 3}


def build_analyzer(settings: Settings) -> Analyzer:
    return Analyzer(settings.products, settings.analysis)


def own_text(post: Mapping[str, Any]) -> str:
    """What the post itself says: a comment carries its thread's title, which is not its own words."""
    title = post.get("title") if post.get("kind", "post") != "comment" else None
    return "\n".join(t for t in (title, post.get("text")) if t)


def fingerprint(post: Mapping[str, Any], *, ignore: Sequence[str] = ()) -> Fingerprint:
    """The post's fingerprint, without the words in `ignore`: the product's own names are in every
    post about it, so they say nothing about two posts being copies and only make short posts alike."""
    text = _compared_text(post, ignore)
    signature = minhash(text)
    return Fingerprint(content_key(text), signature_bytes(signature), shingle_count(text), band_keys(signature))


def post_key(post: Mapping[str, Any], *, ignore: Sequence[str] = ()) -> str:
    """The content key the store keeps for the post (its fingerprint's), without the minhash's cost."""
    return content_key(_compared_text(post, ignore))


def _compared_text(post: Mapping[str, Any], ignore: Sequence[str]) -> str:
    text = own_text(post)
    return _ignored(tuple(ignore)).sub(" ", text) if ignore else text


@cache
def _ignored(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)


class Matcher:
    """The store's MatchFn for the configured thresholds; `many` scores a post's candidates at once."""

    def __init__(self, settings: AnalysisSettings) -> None:
        self.jaccard = settings.near_duplicate_similarity
        self.containment = settings.near_duplicate_containment

    def __call__(self, a: bytes, size_a: int, b: bytes, size_b: int) -> float:
        return near_duplicate_score(
            signature_from_bytes(a),
            size_a,
            signature_from_bytes(b),
            size_b,
            jaccard=self.jaccard,
            containment=self.containment,
        )

    def many(self, a: bytes, size_a: int, others: list[bytes], sizes: list[int]) -> list[float]:
        scores = near_duplicate_scores(
            signature_from_bytes(a),
            size_a,
            signatures_from_bytes(others),
            np.asarray(sizes, dtype=np.int64),
            jaccard=self.jaccard,
            containment=self.containment,
        )
        return [float(s) for s in scores]


def matcher(settings: AnalysisSettings) -> MatchFn:
    return Matcher(settings)


def cluster_triage(
    members: list[dict[str, Any]], distinct_authors: int, size: int, *, settings: AnalysisSettings
) -> ClusterTriage:
    """The cluster speaks through its most severe complaint (or its most severe post if none)."""
    lead = min(members, key=lambda m: (not m["complaint"], _SEVERITY.get(m["priority"] or "P3", 3), m["id"]))
    decision = cluster_priority(lead["analysis"], distinct_authors=distinct_authors, size=size, settings=settings)
    category = str(lead["analysis"].get("category") or "other")
    return ClusterTriage(decision.priority, decision.impact, decision.urgency, category, list(decision.reasons))


def incident_fn(settings: Settings) -> IncidentFn:
    """Whether two stored posts tell of one incident (sentiment/incident.py), for the configured products."""
    product_of = {term.casefold(): product.name for product in settings.products for term in product.terms}
    return partial(same_incident, product_of=product_of, window_hours=settings.analysis.incident_window_hours)


def triage_fn(settings: Settings) -> TriageFn:
    return partial(cluster_triage, settings=settings.analysis)


def star_rating(post: Mapping[str, Any]) -> int | None:
    """An app-store review's stars, which parsers keep in the raw record as `rating`."""
    raw = post.get("raw") or {}
    return stars_of(raw.get("rating")) if isinstance(raw, Mapping) else None


ABOUT = "about"
"""Key of the raw record naming the configured product a post is known to be about (a review of the
product's own app, from a source whose `product` is set)."""


def about_product(post: Mapping[str, Any]) -> str | None:
    raw = post.get("raw") or {}
    value = raw.get(ABOUT) if isinstance(raw, Mapping) else None
    return value if isinstance(value, str) and value else None


def analyze_post(analyzer: Analyzer, post: Mapping[str, Any]) -> Analysis:
    """A normalized (or stored) post analyzed as the pipeline does it."""
    return analyzer.analyze(**analysis_input(post))


def analyze_posts(analyzer: Analyzer, posts: Sequence[Mapping[str, Any]]) -> list[Analysis]:
    """`analyze_post` of each, with the models run in batches."""
    return analyzer.analyze_many(analysis_input(p) for p in posts)


def analysis_input(post: Mapping[str, Any]) -> dict[str, Any]:
    """The analyzer's arguments for a post: `analyze`'s keywords, also the dict `analyze_many` takes."""
    # A comment is judged on its own words; its thread's title would lend it the thread's complaint,
    # so the title is context for relevance only.
    comment = post.get("kind") == "comment"
    return {
        "text": post.get("text") or "",
        "title": None if comment else post.get("title"),
        "lang": post.get("lang"),
        "source": post.get("source"),
        "rating": star_rating(post),
        "thread_title": post.get("title") if comment else None,
        "about": about_product(post),
    }


def store_analyzed(
    post: Mapping[str, Any], analysis: Analysis, *, store: Store, settings: Settings, source_name: str | None
) -> bool:
    """Upsert one analyzed post and keep its cluster current; True when the post is new."""
    result = store.upsert_post(
        post,
        analysis.to_dict(),
        fingerprint(post, ignore=settings.product_terms),
        triage=triage_fn(settings),
        match=matcher(settings.analysis),
        window_days=settings.analysis.cluster_window_days,
        source_name=source_name,
        incident=incident_fn(settings),
        incident_window_hours=settings.analysis.incident_window_hours * SAME_RELEASE_WINDOW,
    )
    return result.new
