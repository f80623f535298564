"""The SQLite database: schema and migrations, dedup and clustering, outbox, crawl runs."""

from store import crawl_state
from store.analyses import AnalysisChanges, posts_for_analysis, write_analyses
from store.database import (
    ClusterTriage,
    Fingerprint,
    IncidentFn,
    MatchFn,
    Store,
    StoreError,
    TriageFn,
    UpsertResult,
    utc_now,
)
from store.outbox import Outbox
from store.reviews import ReviewError, ReviewState, add_review, cluster_state, latest_review, reviews, undo_last
from store.runs import ever_yielded, last_success, record_run, runs_of, source_runs

__all__ = [
    "AnalysisChanges",
    "ClusterTriage",
    "Fingerprint",
    "IncidentFn",
    "MatchFn",
    "Outbox",
    "ReviewError",
    "ReviewState",
    "Store",
    "StoreError",
    "TriageFn",
    "UpsertResult",
    "add_review",
    "cluster_state",
    "crawl_state",
    "ever_yielded",
    "last_success",
    "latest_review",
    "posts_for_analysis",
    "record_run",
    "reviews",
    "runs_of",
    "source_runs",
    "undo_last",
    "utc_now",
    "write_analyses",
]
