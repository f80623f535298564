"""App Store customer reviews: the iTunes reviews feed in its JSON and its XML (Atom) form.

    /{cc}/rss/customerreviews/page={n}/id={app}/sortby=mostrecent/json   {"feed": {"entry": [...]}}
    /{cc}/rss/customerreviews/page={n}/id={app}/sortby=mostrecent/xml    Atom with im:* elements

Every entry with a star rating is a review (kind "review"). An entry without one is the app itself,
which the feed may list first (im:name, im:price): it is left out without being counted as broken.
The stars (1-5) go into raw["rating"], where the analysis reads them. Ids are Apple's review ids,
the same in both forms. The XML form dates every review (<updated>); the JSON form does only in
newer feeds (older ones, like the recorded 2020 response, have no per-review date: created_at None).
A JSON feed with a single entry serves it as an object rather than a list of one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from crawler.items import PostItem
from crawler.parsers import feed
from crawler.parsers.common import (
    ParseResult,
    PostCollector,
    RecordError,
    base_url,
    html_to_text,
    iso_now,
    iso_utc,
    load_json,
    looks_like_xml,
    opt_int,
    opt_str,
    plain_text,
    require_id,
    shape_error,
)

SOURCE = "appstore"
DEFAULT_BASE = "https://apps.apple.com"
_APP = re.compile(r"/id=(\d+)")
_COUNTRY = re.compile(r"/([a-z]{2})/rss/customerreviews/", re.IGNORECASE)
_PAGE = re.compile(r"/page=(\d+)")
_REVIEWER = re.compile(r"/id(\d+)(?:[/?]|$)")


@dataclass
class _Feed:
    base: str
    app_id: str | None
    country: str | None
    fetched_at: str

    def review_page(self) -> str | None:
        if self.app_id is None:
            return None
        country = f"/{self.country}" if self.country else ""
        return f"{self.base}{country}/app/id{self.app_id}?see-all=reviews"


def parse(body: bytes, url: str, fetched_at: datetime) -> ParseResult:
    if looks_like_xml(body):
        return _parse_xml(body, url, iso_now(fetched_at))
    data = load_json(body)
    root = data.get("feed") if isinstance(data, dict) else None
    if not isinstance(root, dict):
        raise shape_error("App Store", data)
    entries = root.get("entry", [])
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list):
        raise shape_error("App Store", {"entry": entries})
    links = root.get("link")
    hrefs = {
        str(link["attributes"].get("rel")): str(link["attributes"].get("href"))
        for link in (links if isinstance(links, list) else [links])
        if isinstance(link, dict) and isinstance(link.get("attributes"), dict)
    }
    self_url = url or hrefs.get("self") or _label(root.get("id")) or ""
    where = _where(url, self_url, iso_now(fetched_at))
    reviews = [e for e in entries if not (isinstance(e, dict) and _is_app(e))]
    collector = PostCollector()
    collector.collect(reviews, lambda entry: _json_review(entry, where))
    return collector.result("appstore/reviews", has_more=_has_more(self_url, hrefs.get("last"), len(reviews)))


def _where(url: str, feed_url: str, fetched_at: str) -> _Feed:
    path = urlsplit(feed_url).path
    app = _APP.search(path)
    country = _COUNTRY.search(path)
    return _Feed(
        # Apple's feed hosts (itunes.apple.com) only redirect to the store's own pages.
        base=DEFAULT_BASE if urlsplit(url).netloc.endswith("apple.com") else base_url(url, DEFAULT_BASE),
        app_id=app.group(1) if app else None,
        country=country.group(1).lower() if country else None,
        fetched_at=fetched_at,
    )


def _has_more(current: str, last: str | None, count: int) -> bool:
    """A next page exists when this one had reviews and the feed's `last` link points further."""
    here = _PAGE.search(urlsplit(current).path)
    end = _PAGE.search(urlsplit(last).path) if last else None
    if count == 0 or end is None:
        return False
    return (int(here.group(1)) if here else 1) < int(end.group(1))


def _label(value: Any) -> str | None:
    """JSON feed values are {"label": "..."} objects."""
    return opt_str(value.get("label")) if isinstance(value, dict) else None


def _is_app(entry: dict[str, Any]) -> bool:
    return "im:rating" not in entry and ("im:name" in entry or "im:price" in entry)


def _rating(value: Any) -> int:
    stars = opt_int(value)
    if stars is None or not 1 <= stars <= 5:
        raise RecordError(f"rating is not 1-5 stars ({str(value)[:20]!r})")
    return stars


def _reviewer_id(uri: str | None) -> str | None:
    match = _REVIEWER.search(uri or "")
    return match.group(1) if match else None


def _json_review(entry: dict[str, Any], where: _Feed) -> PostItem:
    review_id = require_id({"id": _label(entry.get("id"))})
    stars = _rating(_label(entry.get("im:rating")))
    author: dict[str, Any] = entry["author"] if isinstance(entry.get("author"), dict) else {}
    content = entry.get("content")
    text = _label(content) or ""
    kind = content.get("attributes", {}).get("type") if isinstance(content, dict) else None
    link = entry.get("link")
    related = link.get("attributes", {}).get("href") if isinstance(link, dict) else None
    return PostItem(
        source=SOURCE,
        source_post_id=review_id,
        url=_review_url(where, related),
        kind="review",
        title=_label(entry.get("title")),
        text=html_to_text(text) if kind == "html" else plain_text(text),
        author=_label(author.get("name")),
        author_id=_reviewer_id(_label(author.get("uri"))),
        created_at=iso_utc(_label(entry.get("updated"))),
        likes=opt_int(_label(entry.get("im:voteSum"))),
        fetched_at=where.fetched_at,
        raw={**entry, "rating": stars},
    )


def _review_url(where: _Feed, related: Any) -> str:
    page = where.review_page()
    if page:
        return page
    if isinstance(related, str) and related.startswith(("http://", "https://")):
        return related
    raise RecordError("no app id in the feed and no link to the app's reviews")


# ---------------------------------------------------------------------------- XML (Atom)


def _parse_xml(body: bytes, url: str, fetched_at: str) -> ParseResult:
    # No base URL: feedparser would resolve the bare review ids against it as relative links.
    parsed = feed.read_feed(body, "")
    hrefs = {str(link.get("rel")): str(link.get("href")) for link in parsed.feed.get("links") or []}
    self_url = url or hrefs.get("self") or str(parsed.feed.get("id") or "")
    where = _where(url, self_url, fetched_at)
    # feedparser names namespaced elements prefix_localname, lower-cased: im:rating -> im_rating.
    reviews = [e for e in parsed.entries if not ("im_rating" not in e and ("im_name" in e or "im_price" in e))]
    collector = PostCollector()
    collector.collect(reviews, lambda entry: _xml_review(entry, where))
    return collector.result("appstore/reviews", has_more=_has_more(self_url, hrefs.get("last"), len(reviews)))


def _xml_review(entry: dict[str, Any], where: _Feed) -> PostItem:
    review_id = require_id(entry)
    stars = _rating(entry.get("im_rating"))
    contents = [c for c in entry.get("content") or [] if isinstance(c, dict)]
    plain = next((c.get("value") for c in contents if c.get("type") == "text/plain"), None)
    rendered = next((c.get("value") for c in contents if "html" in str(c.get("type"))), None)
    text = plain_text(plain) if isinstance(plain, str) else html_to_text(rendered if isinstance(rendered, str) else "")
    detail = entry.get("author_detail") or {}
    related = next((link.get("href") for link in entry.get("links") or [] if link.get("rel") == "related"), None)
    updated = entry.get("updated")
    return PostItem(
        source=SOURCE,
        source_post_id=review_id,
        url=_review_url(where, related),
        kind="review",
        title=opt_str(entry.get("title")),
        text=text,
        author=opt_str(entry.get("author")) or opt_str(detail.get("name")),
        author_id=_reviewer_id(opt_str(detail.get("href"))),
        created_at=iso_utc(entry.get("updated_parsed")) or iso_utc(updated),
        likes=opt_int(entry.get("im_votesum")),
        fetched_at=where.fetched_at,
        # The review's fields under the feed's own element names (feedparser's entry holds copies).
        raw={
            "id": review_id,
            "title": opt_str(entry.get("title")),
            "content": plain if isinstance(plain, str) else rendered,
            "author": {"name": opt_str(detail.get("name")), "uri": opt_str(detail.get("href"))},
            "updated": updated if isinstance(updated, str) else None,
            "im:version": opt_str(entry.get("im_version")),
            "im:voteSum": opt_str(entry.get("im_votesum")),
            "im:voteCount": opt_str(entry.get("im_votecount")),
            "im:rating": opt_str(entry.get("im_rating")),
            "rating": stars,
        },
    )
