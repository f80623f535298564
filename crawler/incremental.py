"""Incremental crawling: what a spider knows from earlier crawls, and the checkpoints that advance it.

A spider yields a checkpoint item (`ListingDone`, `ThreadVisited`) after the posts it covers;
`StorePipeline` commits it only once every one of those posts is stored, so the state never runs
ahead of the data (see store/crawl_state.py). Everything else is derived from the content again
on each crawl: a 304 Not Modified hands back the stored body, which is parsed as usual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from store import Store
from store.crawl_state import (
    Backoff,
    PostKey,
    ThreadState,
    backoff_of,
    commit_listing,
    commit_thread,
    listing_mark,
    set_source_value,
    source_value,
    stored_keys,
    thread_state,
)


@dataclass
class ListingDone:
    """A pass over one listing (pages of a search, a feed, a latest list) reached its end."""

    source_name: str
    query: str
    mark: str | None
    """The newest position the pass saw (ISO time); the next pass stops when it gets back to it."""
    covered: list[PostKey] = field(default_factory=list)


@dataclass
class ThreadVisited:
    """A thread's replies were fetched up to `cursor`; its reply count was then `replies`."""

    source_name: str
    thread_id: str
    replies: int | None
    cursor: str | None
    covered: list[PostKey] = field(default_factory=list)


Checkpoint = ListingDone | ThreadVisited


class CrawlState:
    """The state a spider reads, as it was when the crawl started (marks do not move mid-crawl)."""

    def __init__(self, store: Store | None, *, incremental: bool = True) -> None:
        self.store = store
        self.incremental = incremental and store is not None
        """False: nothing is known from earlier crawls, everything is fetched (back-offs still hold)."""
        self._marks: dict[tuple[str, str], str | None] = {}

    def mark(self, source_name: str, query: str) -> str | None:
        if self.store is None or not self.incremental:
            return None
        key = (source_name, query)
        if key not in self._marks:
            self._marks[key] = listing_mark(self.store, source_name, query)
        return self._marks[key]

    def thread(self, source_name: str, thread_id: str) -> ThreadState | None:
        if self.store is None or not self.incremental:
            return None
        return thread_state(self.store, source_name, thread_id)

    def known(self, keys: list[PostKey]) -> set[PostKey]:
        if self.store is None or not self.incremental or not keys:
            return set()
        return stored_keys(self.store, keys)

    def kept(self, source_name: str, key: str, *, max_age_seconds: float) -> str | None:
        """A value the spider kept for this source in an earlier run, if recent enough."""
        if self.store is None or not self.incremental:
            return None
        newer_than = (datetime.now(UTC) - timedelta(seconds=max_age_seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return source_value(self.store, source_name, key, newer_than=newer_than)

    def keep(self, source_name: str, key: str, value: str) -> None:
        if self.store is not None:
            set_source_value(self.store, source_name, key, value)

    def backoff(self, source_name: str) -> Backoff | None:
        return backoff_of(self.store, source_name) if self.store is not None else None

    def commit(self, checkpoint: Checkpoint) -> bool:
        """Advance the state if every post the checkpoint covers is stored; False leaves it as it was."""
        if self.store is None or not self.incremental:
            return True
        if isinstance(checkpoint, ListingDone):
            return commit_listing(
                self.store, checkpoint.source_name, checkpoint.query, checkpoint.mark, checkpoint.covered
            )
        return commit_thread(
            self.store,
            checkpoint.source_name,
            checkpoint.thread_id,
            replies=checkpoint.replies,
            cursor=checkpoint.cursor,
            covered=checkpoint.covered,
        )


def epoch_of(mark: str | None) -> int | None:
    """An ISO mark as Unix seconds (for APIs that filter on a timestamp)."""
    if not mark:
        return None
    try:
        return int(datetime.fromisoformat(mark.replace("Z", "+00:00")).astimezone(UTC).timestamp())
    except ValueError:
        return None
