"""Ingest: a batch of normalized posts analyzed together and stored in one transaction.

A post the store already holds with the same text is not analyzed again: only its likes and reply
count are brought up to date (`lingting reanalyze` is the way to re-judge stored posts). "The same
text" is the content key the store keeps, computed as the store computes it (the product's own
names removed). Nor is one whose text is a fragment of the stored text: sites show a post whole in
one place and cut in others (Discourse's topic list excerpt, its search blurb "...words..."), and
the cut copy must not replace the whole one.

The batch's new and changed posts go through `analyze_many` at once; their writes share one
transaction, each post in a savepoint of its own, so one hostile post costs itself, not the batch.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from config.settings import Settings
from crawler.analysis import analyze_post, analyze_posts, post_key, store_analyzed
from sentiment import Analysis, Analyzer
from sentiment.fingerprint import normalize_text
from store import Store
from store.crawl_state import StoredPost, stored_post, update_post_counts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stored:
    """What became of one post of a batch."""

    new: bool = False
    complaint: bool = False
    evidence_capped: bool = False
    """Its analysis listed only the first EVIDENCE_ITEMS of a longer list of evidence."""
    error: str | None = None
    lost: bool = False
    """Not stored for no fault of the post's (the ingest stopped, the database failed): the source's
    run is then not healthy; the next crawl fetches the post again, as its checkpoint was not committed."""


def _fragment(post: Mapping[str, Any], known: StoredPost) -> bool:
    """The new copy says nothing the stored one does not: same title (or none), text a part of it."""
    title = post.get("title")
    if title and normalize_text(title) != normalize_text(known.title or ""):
        return False
    return normalize_text(post.get("text") or "") in normalize_text(known.text)


class Ingest:
    """Stores batches of posts in one database with one analyzer; owns neither."""

    def __init__(self, store: Store, analyzer: Analyzer, settings: Settings) -> None:
        self.store = store
        self.analyzer = analyzer
        self.settings = settings

    def _unchanged(self, post: Mapping[str, Any], key: str) -> StoredPost | None:
        """The stored copy of the post if this one brings no new words, else None."""
        known = stored_post(self.store, post["source"], post["source_post_id"])
        if known is not None and (known.content_key == key or _fragment(post, known)):
            return known
        return None

    def store_batch(self, posts: Sequence[Mapping[str, Any]], source_names: Sequence[str | None]) -> list[Stored]:
        """Analyze what is new and store it all; one `Stored` per post, in order."""
        keys = [post_key(p, ignore=self.settings.product_terms) for p in posts]
        todo = [i for i, (p, k) in enumerate(zip(posts, keys, strict=True)) if self._unchanged(p, k) is None]
        analyses = dict(zip(todo, self._analyze([posts[i] for i in todo]), strict=True))
        outcomes: list[Stored] = []
        with self.store.transaction():
            for i, (post, key) in enumerate(zip(posts, keys, strict=True)):
                outcomes.append(self._store_one(post, key, analyses.get(i), source_names[i]))
        return outcomes

    def _analyze(self, posts: list[Mapping[str, Any]]) -> list[Analysis | BaseException]:
        try:
            return list(analyze_posts(self.analyzer, posts))
        except Exception:  # a hostile post in the batch: find it, analyze the others one by one
            results: list[Analysis | BaseException] = []
            for post in posts:
                try:
                    results.append(analyze_post(self.analyzer, post))
                except Exception as exc:
                    results.append(exc)
            return results

    def _store_one(
        self, post: Mapping[str, Any], key: str, analysis: Analysis | BaseException | None, source_name: str | None
    ) -> Stored:
        # Looked up again inside the transaction: an earlier post of this batch may be the same one.
        known = self._unchanged(post, key)
        if known is not None:
            fresh = ((post.get("likes"), known.likes), (post.get("replies"), known.replies))
            if any(new is not None and new != old for new, old in fresh):
                update_post_counts(self.store, known.id, likes=post.get("likes"), replies=post.get("replies"))
            return Stored()
        try:
            if analysis is None:  # new words only since the batch was analyzed (a copy earlier in it)
                analysis = analyze_post(self.analyzer, post)
            if isinstance(analysis, BaseException):
                raise analysis
            with self.store.savepoint():
                new = store_analyzed(post, analysis, store=self.store, settings=self.settings, source_name=source_name)
        except Exception as exc:  # one hostile post must not stop the crawl; it is counted with its reason
            log.exception("could not store post %s", post.get("source_post_id"))
            return Stored(error=f"post {post.get('source_post_id')} not stored: {type(exc).__name__}: {exc}")
        return Stored(new=new, complaint=analysis.complaint, evidence_capped=analysis.evidence_capped)
