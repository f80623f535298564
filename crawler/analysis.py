"""Analysis of one stored post and triage of its cluster, shared by the pipeline and `reanalyze`.

One `Analyzer` and one `Store` per process and database: several spiders crawl in one process and
the models behind the analyzer are slow to load.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache, partial
from typing import Any, NamedTuple

from config.settings import AnalysisSettings, Settings
from sentiment import Analysis, Analyzer, cluster_priority
from sentiment.analyzer import stars_of
from sentiment.fingerprint import (
    band_keys,
    content_key,
    minhash,
    near_duplicate_score,
    shingle_count,
    signature_bytes,
    signature_from_bytes,
)
from store import ClusterTriage, Fingerprint, MatchFn, Store, TriageFn

_SEVERITY = {"P0": 0, "P1": 1, "P2": 2, "P3": 3}
_stores: dict[str, Store] = {}
_analyzers: dict[int, Analyzer] = {}


def shared_store(settings: Settings) -> Store:
    path = str(settings.database_path.resolve())
    if path not in _stores:
        _stores[path] = Store(path)
    return _stores[path]


def shared_analyzer(settings: Settings) -> Analyzer:
    key = hash(settings.model_dump_json(include={"products", "analysis"}))
    if key not in _analyzers:
        _analyzers[key] = Analyzer(settings.products, settings.analysis)
    return _analyzers[key]


def own_text(post: Mapping[str, Any]) -> str:
    """What the post itself says: a comment carries its thread's title, which is not its own words."""
    title = post.get("title") if post.get("kind", "post") != "comment" else None
    return "\n".join(t for t in (title, post.get("text")) if t)


def fingerprint(post: Mapping[str, Any], *, ignore: Sequence[str] = ()) -> Fingerprint:
    """The post's fingerprint, without the words in `ignore`: the product's own names are in every
    post about it, so they say nothing about two posts being copies and only make short posts alike."""
    text = own_text(post)
    if ignore:
        text = _ignored(tuple(ignore)).sub(" ", text)
    signature = minhash(text)
    return Fingerprint(content_key(text), signature_bytes(signature), shingle_count(text), band_keys(signature))


@cache
def _ignored(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)


def matcher(settings: AnalysisSettings) -> MatchFn:
    def match(a: bytes, size_a: int, b: bytes, size_b: int) -> float:
        return near_duplicate_score(
            signature_from_bytes(a),
            size_a,
            signature_from_bytes(b),
            size_b,
            jaccard=settings.near_duplicate_similarity,
            containment=settings.near_duplicate_containment,
        )

    return match


def cluster_triage(
    members: list[dict[str, Any]], distinct_authors: int, size: int, *, settings: AnalysisSettings
) -> ClusterTriage:
    """The cluster speaks through its most severe complaint (or its most severe post if none)."""
    lead = min(members, key=lambda m: (not m["complaint"], _SEVERITY.get(m["priority"] or "P3", 3), m["id"]))
    decision = cluster_priority(lead["analysis"], distinct_authors=distinct_authors, size=size, settings=settings)
    category = str(lead["analysis"].get("category") or "other")
    return ClusterTriage(decision.priority, decision.impact, decision.urgency, category, list(decision.reasons))


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
    # A comment is judged on its own words; its thread's title would lend it the thread's complaint,
    # so the title is context for relevance only.
    comment = post.get("kind") == "comment"
    return analyzer.analyze(
        post.get("text") or "",
        title=None if comment else post.get("title"),
        lang=post.get("lang"),
        source=post.get("source"),
        rating=star_rating(post),
        thread_title=post.get("title") if comment else None,
        about=about_product(post),
    )


class Stored(NamedTuple):
    """What storing a post did: whether it was new, and what its analysis found."""

    new: bool
    complaint: bool
    evidence_capped: bool


def analyze_and_store(
    post: Mapping[str, Any], *, store: Store, analyzer: Analyzer, settings: Settings, source_name: str | None
) -> Stored:
    """Analyze and upsert one normalized post."""
    analysis = analyze_post(analyzer, post)
    result = store.upsert_post(
        post,
        analysis.to_dict(),
        fingerprint(post, ignore=settings.product_terms),
        triage=triage_fn(settings),
        match=matcher(settings.analysis),
        window_days=settings.analysis.cluster_window_days,
        source_name=source_name,
    )
    return Stored(result.new, analysis.complaint, analysis.evidence_capped)
