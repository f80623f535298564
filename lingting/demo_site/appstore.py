"""App Store customer reviews under /appstore, in the feed's JSON and XML (Atom) forms.

    /appstore/{cc}/rss/customerreviews/page={n}/id={app}/sortby=mostrecent/json
    /appstore/{cc}/rss/customerreviews/page={n}/id={app}/sortby=mostrecent/xml

The path segments may come in any order and any case (Apple's own links mix `sortBy=mostRecent`
and `sortby=mostrecent`); `page` defaults to 1. Fifty reviews a page, ten pages at most. The JSON
follows the recorded feed (values as {"label": ...}), with the per-review `updated` that current
feeds carry; a single review is served as an object, not a list of one, as Apple does. The XML
form lists the app itself as the first entry of page 1 (im:name, im:price, no rating). Times are
in Apple's -07:00. An unknown app or a page past the end is a feed without entries.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from lingting.demo_site.content import escape_html, stable_int
from lingting.demo_site.responses import ATOM, Response, json_response
from lingting.demo_site.western_content import App, Review, WesternContent

PAGE_SIZE = 50
MAX_PAGES = 10
REVIEW_ID_BASE = 11_300_000_001
FEED_PATH = re.compile(r"^/appstore/([a-z]{2})/rss/customerreviews/((?:[^/]+/)*)(json|xml)$", re.IGNORECASE)
TITLES = {"cn": "iTunes Store: 顾客评论", "jp": "iTunes Store: カスタマーレビュー"}
CONTENT_TYPE_LABELS = {"cn": "应用程序", "jp": "アプリケーション"}
PACIFIC = timedelta(hours=-7)


def apple_time(moment: datetime) -> str:
    return (moment + PACIFIC).strftime("%Y-%m-%dT%H:%M:%S") + "-07:00"


def x(text: str) -> str:
    return escape(text, {'"': "&quot;"})


class AppStoreSite:
    def __init__(self, western: WesternContent) -> None:
        self.app = western.app
        self.anchor = western.anchor
        everything = sorted(
            (r.created, cc, k) for cc, reviews in self.app.reviews.items() for k, r in enumerate(reviews)
        )
        # Review ids grow with time across storefronts.
        self.review_ids = {(cc, k): REVIEW_ID_BASE + 7919 * n for n, (_, cc, k) in enumerate(everything)}

    def handle(self, base_url: str, path: str) -> Response | None:
        """The feed for a reviews path, or None when `path` is not one."""
        match = FEED_PATH.match(path)
        if match is None:
            return None
        country, form = match.group(1).lower(), match.group(3).lower()
        segments = dict(part.partition("=")[::2] for part in match.group(2).strip("/").split("/") if part)
        options = {key.lower(): value for key, value in segments.items()}
        try:
            page = int(options.get("page", "1"))
        except ValueError:
            page = 1
        app_id = options.get("id", "")
        # (index in the storefront's list, review): the index keys the review's id.
        indexed = list(enumerate(self.app.reviews.get(country, ()))) if app_id == self.app.id else []
        if options.get("sortby", "mostrecent").lower() == "mosthelpful":
            indexed.sort(key=lambda pair: pair[1].votes, reverse=True)
        last = min(max(math.ceil(len(indexed) / PAGE_SIZE), 1), MAX_PAGES)
        shown = indexed[(page - 1) * PAGE_SIZE : page * PAGE_SIZE] if 1 <= page <= MAX_PAGES else []
        feed = _Feed(base_url, country, app_id, page, last, form)
        if form == "json":
            return self._json(feed, shown)
        return self._xml(feed, shown)

    # -- JSON ---------------------------------------------------------------------------------------

    def _json_entry(self, feed: _Feed, index: int, review: Review) -> dict[str, Any]:
        return {
            "author": {
                "uri": {"label": feed.reviewer_uri(review.author)},
                "name": {"label": review.author},
                "label": "",
            },
            "updated": {"label": apple_time(review.created)},
            "im:rating": {"label": str(review.rating)},
            "im:version": {"label": review.version},
            "id": {"label": str(self.review_ids[(feed.country, index)])},
            "title": {"label": review.title},
            "content": {"label": review.text, "attributes": {"type": "text"}},
            "link": {"attributes": {"rel": "related", "href": feed.related}},
            "im:voteSum": {"label": str(review.votes)},
            "im:contentType": {"attributes": {"term": "Application", "label": feed.content_type_label}},
            "im:voteCount": {"label": str(review.vote_count)},
        }

    def _json(self, feed: _Feed, shown: list[tuple[int, Review]]) -> Response:
        body: dict[str, Any] = {
            "author": {
                "name": {"label": "iTunes Store"},
                "uri": {"label": f"http://www.apple.com/{feed.country}/itunes/"},
            }
        }
        entries = [self._json_entry(feed, index, review) for index, review in shown]
        if entries:
            body["entry"] = entries[0] if len(entries) == 1 else entries
        body.update(
            {
                "updated": {"label": apple_time(self.anchor)},
                "rights": {"label": "Copyright 2008 Apple Inc."},
                "title": {"label": feed.title},
                "icon": {"label": "http://itunes.apple.com/favicon.ico"},
                "link": [{"attributes": attributes} for attributes in feed.links()],
                "id": {"label": feed.self_url},
            }
        )
        return json_response({"feed": body})

    # -- XML ----------------------------------------------------------------------------------------

    def _xml_app(self, feed: _Feed) -> str:
        app: App = self.app
        store = f"{feed.base}/{feed.country}/app/voxlink-meet/id{app.id}?uo=2"
        return (
            f"<entry><updated>{apple_time(self.anchor)}</updated>"
            f'<id im:id="{app.id}" im:bundleId="com.voxlink.meet">{x(store)}</id>'
            f"<title>{x(app.name)} - {x(app.developer)}</title><im:name>{x(app.name)}</im:name>"
            f'<link rel="alternate" type="text/html" href="{x(store)}"/>'
            f'<im:contentType term="Application" label="{x(feed.content_type_label)}"/>'
            f'<im:artist href="{x(feed.base)}/developer/id{app.id[:-1]}0">{x(app.developer)}</im:artist>'
            '<im:price amount="0.00000" currency="USD">Get</im:price>'
            f"<rights>© 2026 {x(app.developer)}</rights></entry>"
        )

    def _xml_entry(self, feed: _Feed, index: int, review: Review) -> str:
        table = (
            '<table border="0" width="100%"><tr><td><b>'
            + escape_html(review.title)
            + '</b><br/><font size="2" face="Helvetica,Arial,Geneva,Swiss,SunSans-Regular"><br/>'
            + escape_html(review.text).replace("\n", "<br/>")
            + "</font><br/></td></tr></table>"
        )
        return (
            f"<entry><updated>{apple_time(review.created)}</updated>"
            f"<id>{self.review_ids[(feed.country, index)]}</id><title>{x(review.title)}</title>"
            f'<content type="text">{x(review.text)}</content>'
            f'<im:contentType term="Application" label="{x(feed.content_type_label)}"/>'
            f"<im:voteSum>{review.votes}</im:voteSum><im:voteCount>{review.vote_count}</im:voteCount>"
            f"<im:rating>{review.rating}</im:rating><im:version>{x(review.version)}</im:version>"
            f"<author><name>{x(review.author)}</name><uri>{x(feed.reviewer_uri(review.author))}</uri></author>"
            f'<link rel="related" href="{x(feed.related)}"/>'
            f'<content type="html">{x(table)}</content></entry>'
        )

    def _xml(self, feed: _Feed, shown: list[tuple[int, Review]]) -> Response:
        links = "".join(
            "<link " + " ".join(f'{key}="{x(value)}"' for key, value in attributes.items()) + "/>"
            for attributes in feed.links()
        )
        entries = (self._xml_app(feed) if feed.page == 1 and feed.app_id == self.app.id else "") + "".join(
            self._xml_entry(feed, index, review) for index, review in shown
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns:im="http://itunes.apple.com/rss" xmlns="http://www.w3.org/2005/Atom" xml:lang="en">'
            f"<id>{x(feed.self_url)}</id><title>{x(feed.title)}</title>"
            f"<updated>{apple_time(self.anchor)}</updated>{links}"
            "<icon>http://itunes.apple.com/favicon.ico</icon>"
            f"<author><name>iTunes Store</name><uri>http://www.apple.com/{feed.country}/itunes/</uri></author>"
            f"<rights>Copyright 2008 Apple Inc.</rights>{entries}</feed>"
        )
        return Response(200, ATOM, body.encode("utf-8"))


class _Feed:
    """One page of one storefront's feed: its addresses and labels."""

    def __init__(self, base: str, country: str, app_id: str, page: int, last: int, form: str) -> None:
        self.base, self.country, self.app_id, self.page, self.last, self.form = base, country, app_id, page, last, form
        self.title = TITLES.get(country, "iTunes Store: Customer Reviews")
        self.content_type_label = CONTENT_TYPE_LABELS.get(country, "Application")
        self.related = f"{base}/{country}/review?id={app_id}&type=Purple%20Software"
        self.self_url = self._url(page, form)

    def _url(self, page: int, form: str) -> str:
        feed = f"customerreviews/page={page}/id={self.app_id}/sortby=mostrecent/{form}"
        return f"{self.base}/appstore/{self.country}/rss/{feed}"

    def reviewer_uri(self, author: str) -> str:
        return f"{self.base}/{self.country}/reviews/id{stable_int(author, 900_000_000, 100_000_000)}"

    def links(self) -> list[dict[str, str]]:
        # Apple's paging links point at the XML form and say where they came from in urlDesc.
        desc = f"?urlDesc=/customerreviews/page={self.page}/id={self.app_id}/sortBy=mostRecent/{self.form}"

        def page_link(rel: str, page: int) -> dict[str, str]:
            return {"rel": rel, "href": self._url(page, "xml") + desc}

        alternate = f"{self.base}/WebObjects/MZStore.woa/wa/viewGrouping?cc={self.country}&id=1000"
        return [
            {"rel": "alternate", "type": "text/html", "href": alternate},
            {"rel": "self", "href": self.self_url},
            page_link("first", 1),
            page_link("last", self.last),
            page_link("previous", max(self.page - 1, 1)),
            page_link("next", min(self.page + 1, self.last)),
        ]
