"""The bundled demo site: one local HTTP server that speaks like the sources lingting crawls.

    with DemoSite(anchor=datetime(2026, 3, 2, 9, tzinfo=UTC)) as site:
        urlopen(site.base_url + "/api/topics/latest.json")

The content is about a fictional SDK vendor, VoxLink (声链), and lives in posts.json; post times
are ages before `anchor` (default: construction time floored to the hour, UTC), so every response
is a pure function of the anchor and the base URL.

Endpoints (formats as the real sites serve them):
    /robots.txt                               User-agent: * / Disallow: /private/
    /api/topics/latest.json                   V2EX API v1, all topics, newest first
    /api/topics/show.json?node_name=NAME      topics of node rtc | im | programmer | qna; else []
    /api/replies/show.json?topic_id=N         replies of a V2EX topic; unknown topic -> []
    /discourse/latest.json?page=N             10 topics a page, more_topics_url until the last page
    /discourse/search.json?q=TERM&page=N      case-insensitive substring over title and text, newest
                                              first, 10 posts a page, page starts at 1;
                                              after:/before:YYYY-MM-DD honoured, order:* accepted
    /discourse/posts.json?before=ID           latest_posts, 20 at a time
    /discourse/t/{id}.json, /discourse/t/{slug}/{id}.json
                                              topic with post_stream; unknown -> 404 JSON errors
    /hn/api/v1/search_by_date?query=&tags=&numericFilters=&page=&hitsPerPage=
    /hn/api/v1/search                         same filters, sorted by points
    /feeds/weibo.rss                          RSSHub /weibo/keyword/声链 output (RSS 2.0)
    /feeds/reddit.atom                        Reddit search feed for "voxlink" (Atom)
    anything else                             404 (JSON under /api/, /hn/api/, /discourse/*.json;
                                              an HTML page elsewhere)

Faults (only with faults=True; every other URL answers normally):
    /api/topics/show.json?node_name=im        200, the JSON body cut in half
    /discourse/t/{FAULTY_TOPIC_ID}.json       500 with an HTML "Internal Server Error" page
                                              (also under /discourse/t/{slug}/{id}.json);
                                              the topic is listed on page 0 of latest.json
    /feeds/reddit.atom                        200 with an empty body

Run it by hand with `python -m lingting.demo_site [--port N] [--faults]`.
"""

from lingting.demo_site.routes import FAULTY_TOPIC_ID
from lingting.demo_site.server import DemoSite

__all__ = ["FAULTY_TOPIC_ID", "DemoSite"]
