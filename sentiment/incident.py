"""Which posts tell of the same incident (DESIGN.md, Data flow: a cluster is one incident).

Near-copies are found by fingerprints (sentiment/fingerprint.py); this module joins the rest:
- a reply that says the same happens to its author (同样, 我也是, +1, same here, me too) joins its
  thread: one more affected author; so do the thread's author following up on their complaint and
  a complaint in reply to the thread's complaint naming one of its symptoms; other replies
  (advice, answers, the vendor) do not join for being in the thread;
- posts (not replies) complaining of the same problem in other words, sources and languages, close in time: the same
  configured product, the same lead symptom (the first complaint theme each names, title first:
  掉线 and disconnect are one theme; a memory leak that ends in a crash is not a crash report), a
  compatible product area (IM and push count as one: push is how IM messages arrive) and platform
  (the same OS, and the same version where both name one), anchored by the same platform or SDK
  version named in both, within a window (seven times as long
  when both name the same SDK version: a fault of a release lasts as long as it). Themes that say how
  bad rather than what is wrong ("production down", "no reply") are not a symptom of their own
  (config/lexicons/incident.toml).
Pure: posts in, yes or no out; the store asks (store/database.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sentiment.lexicon import LexiconError, _read, _words, load_lexicon
from sentiment.terms import TermMatcher

_AREA_FAMILY = {"push": "im", "rtm": "im"}
FAULT_CATEGORIES = frozenset({"functional", "bug"})
NOT_FAULTS = frozenset({"question", "feature_request", "other"})
"""A post of these categories asks or wishes: it joins another only as a me-too reply."""
"""Themes of these categories are faults an incident is made of; docs, usability, billing are not."""
SAME_RELEASE_WINDOW = 7
"""Posts naming the same SDK version may be this many windows apart."""
_VERSION = re.compile(r"(\d+)")


@dataclass(frozen=True)
class IncidentWords:
    me_too: TermMatcher
    broad: frozenset[str]


@functools.cache
def incident_words() -> IncidentWords:
    data = _read("incident.toml")
    table = data.get("me_too")
    broad = data.get("broad", {}).get("themes", [])
    if not isinstance(table, dict) or not isinstance(broad, list):
        raise LexiconError("incident.toml: needs [me_too] and [broad] themes / 缺少 [me_too] 或 [broad]")
    terms = _words(table, "zh", "incident.toml [me_too]") + _words(table, "en", "incident.toml [me_too]")
    return IncidentWords(TermMatcher(terms), frozenset(str(t) for t in broad))


def says_me_too(text: str) -> bool:
    return bool(incident_words().me_too.find(text))


def _time(post: Mapping[str, Any]) -> datetime | None:
    value = post.get("created_at") or post.get("first_seen_at")
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def _platform(analysis: Mapping[str, Any]) -> tuple[str, str | None] | None:
    value = analysis.get("platform")
    if not value:
        return None
    family, _, rest = str(value).partition(" ")
    version = _VERSION.match(rest.strip())
    return family, version.group(1) if version else None


def _compatible_platforms(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    pa, pb = _platform(a), _platform(b)
    if pa is None or pb is None:
        return True
    return pa[0] == pb[0] and (pa[1] is None or pb[1] is None or pa[1] == pb[1])


def _compatible_areas(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    area_a, area_b = a.get("product_area"), b.get("product_area")
    if not area_a or not area_b:
        return True
    return _AREA_FAMILY.get(area_a, area_a) == _AREA_FAMILY.get(area_b, area_b)


def _same_thread(new: Mapping[str, Any], old: Mapping[str, Any]) -> bool:
    thread = new.get("thread_id")
    return (
        bool(thread)
        and new.get("source") == old.get("source")
        and thread
        in (
            old.get("thread_id"),
            old.get("source_post_id"),
        )
    )


def _same_author(new: Mapping[str, Any], old: Mapping[str, Any]) -> bool:
    """By id where both have one (a comment's author id is often not given), else by name."""
    if new.get("author_id") and old.get("author_id"):
        return bool(new["author_id"] == old["author_id"])
    return bool(new.get("author")) and new.get("author") == old.get("author")


def _root(post: Mapping[str, Any]) -> bool:
    return post.get("kind") != "comment"


def _shares_symptom(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """A complaint in reply to a complaint, naming one of its symptoms ("status page now shows the
    push incident"): the same incident, told in its thread."""
    return bool(a.get("complaint")) and bool(set(a.get("symptoms", [])) & set(b.get("symptoms", [])))


def _asks_how(post: Mapping[str, Any]) -> bool:
    title = post.get("title")
    return bool(title) and bool(load_lexicon().asks.find(str(title)))


def same_incident(
    new: Mapping[str, Any], old: Mapping[str, Any], *, product_of: Mapping[str, str], window_hours: float
) -> bool:
    """Whether post `new` tells of the incident of the earlier post `old` (each a stored post with its
    `analysis` dict). `product_of` maps a product's names and aliases (casefolded) to the product.
    With `old` empty: whether `new` may join near-copies at all (a reply only as a me-too: answers
    quote the error message they answer)."""
    a, b = new.get("analysis") or {}, old.get("analysis") or {}
    if not old:  # may `new` join near-copies: not as a reply that only answers or advises
        return _root(new) or bool(a.get("me_too"))
    thread = _same_thread(new, old)
    if thread and (a.get("me_too") or (b.get("me_too") and _root(new))):
        return True
    if thread and _root(old) and b.get("complaint") and (_same_author(new, old) or _shares_symptom(a, b)):
        return True
    if not (_root(new) and _root(old)):  # other replies answer, advise or speak for the vendor
        return False
    if _asks_how(new) or _asks_how(old):  # "how do I rejoin after a disconnect" reports nothing
        return False
    if not (a.get("complaint") and b.get("complaint")) or {a.get("category"), b.get("category")} & NOT_FAULTS:
        return False
    when_a, when_b = _time(new), _time(old)
    if a.get("sdk_version") and a.get("sdk_version") == b.get("sdk_version"):
        window_hours *= SAME_RELEASE_WINDOW
    if when_a is None or when_b is None or abs((when_a - when_b).total_seconds()) > window_hours * 3600:
        return False
    products_a = {product_of.get(str(t).casefold()) for t in a.get("relevance_terms", [])} - {None}
    products_b = {product_of.get(str(t).casefold()) for t in b.get("relevance_terms", [])} - {None}
    if not products_a & products_b:
        return False
    lead = _lead_symptom(a)
    return (
        lead is not None
        and lead == _lead_symptom(b)
        and _anchored(a, b)
        and _compatible_platforms(a, b)
        and _compatible_areas(a, b)
    )


def _lead_symptom(analysis: Mapping[str, Any]) -> str | None:
    """The first fault the post names (a crash, lost messages; not "production down", not the docs)."""
    broad, themes = incident_words().broad, load_lexicon().themes
    return next(
        (
            str(s)
            for s in analysis.get("symptoms", [])
            if s not in broad and s in themes and themes[s].category in FAULT_CATEGORIES
        ),
        None,
    )


def _anchored(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Both name the same platform or the same SDK version: "lag" alone, twice, is not one incident."""
    pa, pb = _platform(a), _platform(b)
    return bool(
        (pa and pb and pa[0] == pb[0]) or (a.get("sdk_version") and a.get("sdk_version") == b.get("sdk_version"))
    )
