"""Which posts tell of the same incident (DESIGN.md, Data flow: a cluster is one incident).

Near-copies are found by fingerprints (sentiment/fingerprint.py); this module joins the rest:
- a reply that says the same happens to its author (同样, 我也是, +1, same here, me too) joins its
  thread: one more affected author;
- a complaint in the same thread that shares a complaint theme with an earlier one;
- complaints about the same problem in other words, sources and languages, close in time: the same
  configured product, the same lead symptom (the first complaint theme each names, title first:
  掉线 and disconnect are one theme; a memory leak that ends in a crash is not a crash report), a
  compatible product area (IM and push count as one: push is how IM messages arrive) and platform
  (the same OS, and the same version where both name one), within a window (seven times as long
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

from sentiment.lexicon import LexiconError, _read, _words
from sentiment.terms import TermMatcher

_AREA_FAMILY = {"push": "im", "rtm": "im"}
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


def same_incident(
    new: Mapping[str, Any], old: Mapping[str, Any], *, product_of: Mapping[str, str], window_hours: float
) -> bool:
    """Whether post `new` tells of the incident of the earlier post `old` (each a stored post with its
    `analysis` dict). `product_of` maps a product's names and aliases (casefolded) to the product."""
    a, b = new.get("analysis") or {}, old.get("analysis") or {}
    thread = _same_thread(new, old)
    if thread and a.get("me_too"):
        return True
    if not (a.get("complaint") and b.get("complaint")):
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
    if thread and set(a.get("symptoms", [])) & set(b.get("symptoms", [])):
        return True
    lead = _lead_symptom(a)
    return lead is not None and lead == _lead_symptom(b) and _compatible_platforms(a, b) and _compatible_areas(a, b)


def _lead_symptom(analysis: Mapping[str, Any]) -> str | None:
    """The first symptom the post names that says what is wrong (a crash, not "production down")."""
    broad = incident_words().broad
    return next((str(s) for s in analysis.get("symptoms", []) if s not in broad), None)
