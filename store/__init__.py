"""The SQLite database: schema and migrations, dedup and clustering, outbox, crawl runs."""

from store.database import ClusterTriage, Fingerprint, MatchFn, Store, StoreError, TriageFn, UpsertResult, utc_now
from store.outbox import Outbox
from store.reviews import ReviewError, add_review, latest_review, reviews
from store.runs import record_run, runs_of

__all__ = [
    "ClusterTriage",
    "Fingerprint",
    "MatchFn",
    "Outbox",
    "ReviewError",
    "Store",
    "StoreError",
    "TriageFn",
    "UpsertResult",
    "add_review",
    "latest_review",
    "record_run",
    "reviews",
    "runs_of",
    "utc_now",
]
