"""Export policy: which clusters go out, and as what, given the config and the reviewers.

- A dismissed cluster never goes out again (a ticket already filed stays as it is).
- A cluster already exported goes on being revised whatever its priority: the ticket must not
  go stale. The other rules decide only whether a cluster becomes a ticket in the first place.
- `auto` priorities go out at once; `review` ones once confirmed; the rest never.
- A confirm stands for the cluster, so a confirmed cluster whose priority later rises stays
  confirmed; a relabel's category and priority override the analysis (and so make a new revision
  of a record already sent). Decisions are read in order: the latest confirm/dismiss is the
  verdict, the latest category and priority given (by a relabel or with a confirm) win.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from config.settings import ExportSettings
from store.reviews import ReviewState, fold_reviews

Route = Literal["auto", "review", "never"]
__all__ = ["ReviewState", "Route", "effective", "review_states", "route", "state"]


def review_states(rows: Iterable[Mapping[str, Any]]) -> dict[int, ReviewState]:
    """Fold the decision log (oldest first) into the state in force per cluster: an undo cancels
    the entry it points at; assign, note, merge and split leave the verdict as it was."""
    return fold_reviews(rows)


def route(
    priority: str | None, policy: ExportSettings, review: ReviewState | None = None, *, exported: bool = False
) -> Route:
    """`auto`: goes out now; `review`: waits for a reviewer; `never`: stays here."""
    if review is not None and review.verdict == "dismiss":
        return "never"
    if exported or priority in policy.auto:
        return "auto"
    if priority in policy.review:
        return "auto" if review is not None and review.verdict == "confirm" else "review"
    return "never"


def effective(cluster: Mapping[str, Any], review: ReviewState | None) -> dict[str, Any]:
    """The cluster as the reviewers see it: their category and priority over the analysis's."""
    out = dict(cluster)
    if review is None:
        return out
    reasons = list(out.get("reasons") or [])
    if review.priority and review.priority != cluster["priority"]:
        reasons.append(f"审核人改为 {review.priority} / reviewer set {review.priority} (was {cluster['priority']})")
        out["priority"] = review.priority
    if review.category and review.category != cluster["category"]:
        reasons.append(f"审核人改为 {review.category} / reviewer relabelled {review.category}")
        out["category"] = review.category
    if review.verdict == "confirm":
        reasons.append("审核人已确认 / confirmed by a reviewer")
    out["reasons"] = reasons
    return out


def state(cluster: Mapping[str, Any]) -> dict[str, Any]:
    """What makes a new revision: a change in any of these."""
    return {k: cluster[k] for k in ("priority", "category", "size", "distinct_authors")}
