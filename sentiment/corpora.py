"""The labeled data sets of ../shared/data (SOURCES.md there), read from their text, and the fixed
held-back splits that training never sees. Pure: the caller reads the files.

Held back, fixed and documented:
- weibo2018_train.txt: rows sorted by `mid` (numerically); every 5th row, starting with the first
  (positions 0, 5, 10, ...), is held back: 2,000 of 10,000.
- waimai_10k.csv: in file order, every 5th review starting with the first: 2,398 of 11,987.
Neither held-back part is used for training or for calibrating the threshold.
- clap_rq1.csv: no held-back part; figures come from 5-fold cross-validation (fold = row % 5), and
  the shipped category model is trained on all of it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sentiment.training import CategoryExample

HELD_BACK_EVERY = 5

CLAP_TO_CATEGORY = {
    "BUG": "bug",
    "SECURITY": "bug",
    "ENERGY": "bug",
    "PERFORMANCE": "experience",
    "USABILITY": "experience",
    "FEATURE": "feature_request",
    "OTHER": "other",
}
"""How clap_rq1's classes train our categories (DESIGN.md). Performance and energy go to
experience and bug respectively; bench/eval accepts either for both."""


class CorpusError(ValueError):
    """A labeled file that is not in the expected format; the message names the line."""


@dataclass(frozen=True)
class Review:
    """A labeled app review of clap_rq1."""

    text: str
    clap_class: str
    rating: int | None


def _held_back(index: int) -> bool:
    return index % HELD_BACK_EVERY == 0


def weibo(text: str) -> list[tuple[str, int, str]]:
    """(mid, label, text) per line of weibo2018_train.txt (`mid,label,text`; 1 positive, 0 negative)."""
    rows: list[tuple[str, int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(",", 2)
        if len(parts) != 3 or not parts[0].isdigit() or parts[1] not in {"0", "1"}:
            raise CorpusError(f"line {number}: expected `mid,label,text` with label 0 or 1 / 格式应为 mid,label,text")
        rows.append((parts[0], int(parts[1]), parts[2]))
    return rows


def weibo_split(rows: Sequence[tuple[str, int, str]]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(training, held back) as (text, label) pairs: by mid, every 5th row held back."""
    ordered = sorted(rows, key=lambda row: int(row[0]))
    train = [(t, y) for i, (_, y, t) in enumerate(ordered) if not _held_back(i)]
    held = [(t, y) for i, (_, y, t) in enumerate(ordered) if _held_back(i)]
    return train, held


def _csv(text: str, columns: Sequence[str], name: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise CorpusError(f"{name}: needs columns {', '.join(columns)}; missing {', '.join(missing)} / 缺少列")
    return list(reader)


def waimai(text: str) -> list[tuple[str, int]]:
    """(review, label) per row of waimai_10k.csv (`label,review`; 1 positive, 0 negative)."""
    out: list[tuple[str, int]] = []
    for number, row in enumerate(_csv(text, ("label", "review"), "waimai"), start=2):
        if row["label"] not in {"0", "1"}:
            raise CorpusError(f"line {number}: label must be 0 or 1 / 标签须为 0 或 1")
        out.append((row["review"], int(row["label"])))
    return out


def waimai_split(rows: Sequence[tuple[str, int]]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(training, held back): in file order, every 5th review held back."""
    return (
        [r for i, r in enumerate(rows) if not _held_back(i)],
        [r for i, r in enumerate(rows) if _held_back(i)],
    )


def clap_example(review: Review) -> CategoryExample:
    """A clap_rq1 review as a category training example (English, review register)."""
    from sentiment.training import CategoryExample

    return CategoryExample(review.text, CLAP_TO_CATEGORY[review.clap_class], "en", "review")


def clap(text: str) -> list[Review]:
    """The reviews of clap_rq1.csv with their class and star rating."""
    out: list[Review] = []
    for number, row in enumerate(_csv(text, ("review", "category", "rating"), "clap_rq1"), start=2):
        if row["category"] not in CLAP_TO_CATEGORY:
            raise CorpusError(f"line {number}: unknown class {row['category']!r} / 类别未知")
        rating = row["rating"].strip()
        out.append(Review(row["review"], row["category"], int(rating) if rating.isdigit() else None))
    return out


@dataclass(frozen=True)
class Issue:
    """A labeled post of rtc_issues_dev.jsonl: a real GitHub issue about an RTC/IM/push SDK."""

    id: str
    lang: str
    title: str
    text: str
    category: str
    complaint: bool
    severity: str
    """low | medium | high"""
    product: str


def rtc_issues(text: str) -> list[Issue]:
    """The labeled issues of rtc_issues_dev.jsonl (one JSON object a line; its .md has the fields)."""
    import json

    out: list[Issue] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            labels = item["labels"]
            out.append(
                Issue(
                    id=str(item["id"]),
                    lang=str(item.get("lang") or "und"),
                    title=str(item.get("title") or ""),
                    text=str(item.get("text") or ""),
                    category=str(labels["category"]),
                    complaint=bool(labels["complaint"]),
                    severity=str(labels["severity"]),
                    product=str(labels.get("product") or ""),
                )
            )
        except (ValueError, KeyError, TypeError):
            raise CorpusError(f"line {number}: needs id, title, text and labels / 缺少字段") from None
        if out[-1].severity not in ("low", "medium", "high"):
            raise CorpusError(f"line {number}: severity must be low, medium or high / severity 无效")
    return out
