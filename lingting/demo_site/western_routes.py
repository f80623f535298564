"""The demo site's Reddit JSON, Stack Exchange, GitHub and App Store endpoints, behind one `route`.

    /reddit/search.json, /reddit/r/{sub}/search.json, /reddit/r/{sub}/new.json, /reddit/comments/{id}.json
    /se/2.3/search/advanced, /se/2.3/questions/{ids}/answers, /se/2.3/questions/{ids}/comments
    /github/search/issues, /github/repos/{owner}/{repo}/issues/{n}/comments
    /appstore/{cc}/rss/customerreviews/page={n}/id={app}/sortby=mostrecent/{json|xml}

Any other path under these prefixes is a JSON 404, as the APIs answer.
"""

from __future__ import annotations

import re

from lingting.demo_site.appstore import AppStoreSite
from lingting.demo_site.content import Content
from lingting.demo_site.github import GitHubSite
from lingting.demo_site.reddit import NOT_FOUND as REDDIT_NOT_FOUND
from lingting.demo_site.reddit import RedditSite
from lingting.demo_site.responses import Response, json_response
from lingting.demo_site.stackexchange import StackExchangeSite
from lingting.demo_site.synthetic_sites import ScaledContent
from lingting.demo_site.western_content import load_western

REDDIT_SEARCH = re.compile(r"^/reddit(?:/r/([A-Za-z0-9_]+))?/search\.json$")
REDDIT_NEW = re.compile(r"^/reddit/r/([A-Za-z0-9_]+)/new\.json$")
REDDIT_THREAD = re.compile(r"^/reddit(?:/r/[A-Za-z0-9_]+)?/comments/([0-9a-z]+)(?:/[^/]*)?/?\.json$")
PREFIXES = ("/reddit/", "/se/", "/github/", "/appstore/")


class WesternSites:
    def __init__(self, content: Content) -> None:
        scaled = content.western if isinstance(content, ScaledContent) else None  # a benchmark's many posts
        western = scaled or load_western(content.anchor)
        self.reddit = RedditSite(content, western)
        self.stackexchange = StackExchangeSite(western)
        self.github = GitHubSite(western)
        self.appstore = AppStoreSite(western)

    def route(self, base_url: str, path: str, params: dict[str, str]) -> Response | None:
        """The answer for one of these sites' paths; None for a path outside them."""
        if not path.startswith(PREFIXES):
            return None
        if match := REDDIT_SEARCH.match(path):
            return self.reddit.search(base_url, params, subreddit=match.group(1))
        if match := REDDIT_NEW.match(path):
            return self.reddit.new(base_url, match.group(1), params)
        if match := REDDIT_THREAD.match(path):
            return self.reddit.thread(base_url, match.group(1), params)
        if path == "/github/search/issues":
            return self.github.search(base_url, params)
        found = (
            self.stackexchange.handle(base_url, path, params)
            or self.github.comments(base_url, path, params)
            or self.appstore.handle(base_url, path)
        )
        if found is not None:
            return found
        if path.startswith("/reddit/"):
            return json_response(REDDIT_NOT_FOUND, 404)
        if path.startswith("/se/"):
            return json_response({"error_id": 404, "error_message": "no method found with this name",
                                  "error_name": "no_method"}, 404)  # fmt: skip
        return json_response({"message": "Not Found", "status": "404"}, 404)
