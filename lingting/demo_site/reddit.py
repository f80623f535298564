"""Reddit's public JSON under /reddit: search, a subreddit's search and new posts, a post's comments.

    /reddit/search.json?q=&sort=new&limit=&after=          Listing of t3, all subreddits
    /reddit/r/{sub}/search.json?q=&restrict_sr=1           the same within one subreddit
    /reddit/r/{sub}/new.json?limit=&after=                 Listing of t3, newest first
    /reddit/comments/{id}.json?sort=new                    [t3 Listing, t1 tree with nested `replies`]

The posts are the Atom feed's (/feeds/reddit.atom), so the two ways in agree on ids (t3_...).
Field names and their order follow recorded responses (a 2023 comments Listing, a comments tree);
`permalink`s are paths as Reddit serves them, absolute `url`s point at the demo site. Texts are
served as with raw_json=1: not HTML-escaped once more.
"""

from __future__ import annotations

from typing import Any

from lingting.demo_site.content import Content, Thread, paragraphs_html, slugify, stable_int, unix
from lingting.demo_site.responses import Response, json_response
from lingting.demo_site.western_content import Comment, WesternContent

COMMENT_ID_BASE = int("k9a0000", 36)
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
NOT_FOUND = {"message": "Not Found", "error": 404}
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def base36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _DIGITS[rest] + digits
        if number == 0:
            return digits


def account_id(username: str) -> str:
    return "t2_" + base36(stable_int(username, 36**8, 36**7))


def subreddit_id(name: str) -> str:
    return "t5_" + base36(stable_int(name.lower(), 36**5, 36**4))


def markdown_html(text: str, wrapper: str) -> str:
    """Reddit's rendering of a Markdown text: paragraphs in <div class="md">, self posts wrapped
    in SC_OFF/SC_ON comments."""
    inner = '<div class="md">' + "\n\n".join(paragraphs_html(text, line_break="<br/>\n")) + "\n</div>"
    return f"<!-- SC_OFF -->{inner}<!-- SC_ON -->" if wrapper == "self" else inner


def _limit(params: dict[str, str]) -> int:
    try:
        return min(max(int(params.get("limit", DEFAULT_LIMIT)), 1), MAX_LIMIT)
    except ValueError:
        return DEFAULT_LIMIT


def listing(children: list[dict[str, Any]], after: str | None, dist: int | None) -> dict[str, Any]:
    return {
        "kind": "Listing",
        "data": {"after": after, "dist": dist, "modhash": "", "geo_filter": "", "children": children, "before": None},
    }


class RedditSite:
    def __init__(self, content: Content, western: WesternContent) -> None:
        self.posts = content.by_source("reddit")  # oldest first
        self.by_id = {post.id: post for post in self.posts}
        self.comments = {post: comments for post, comments in western.reddit_comments.items() if post in self.by_id}
        self.scores = western.reddit_scores
        order = sorted((c.created, post, i) for post, comments in self.comments.items() for i, c in enumerate(comments))
        # Comment ids grow with time across the whole site, as Reddit's do.
        self.comment_ids = {(post, i): base36(COMMENT_ID_BASE + n) for n, (_, post, i) in enumerate(order)}

    # -- records ------------------------------------------------------------------------------------

    def _permalink(self, post: Thread) -> str:
        slug = slugify(post.title.replace("'", "")).replace("-", "_")[:50]  # Reddit drops apostrophes
        return f"/r/{post.extra['subreddit']}/comments/{post.id}/{slug}/"

    def t3(self, base_url: str, post: Thread) -> dict[str, Any]:
        sub = post.extra["subreddit"]
        score = self.scores.get(post.id, 1)
        created = float(unix(post.created))
        permalink = self._permalink(post)
        return {
            "approved_at_utc": None,
            "subreddit": sub,
            "selftext": post.text,
            "author_fullname": account_id(post.author),
            "saved": False,
            "gilded": 0,
            "clicked": False,
            "title": post.title,
            "subreddit_name_prefixed": f"r/{sub}",
            "hidden": False,
            "downs": 0,
            "hide_score": False,
            "name": f"t3_{post.id}",
            "quarantine": False,
            "upvote_ratio": round(0.8 + stable_int(post.id, 20) / 100, 2),
            "subreddit_type": "public",
            "ups": score,
            "total_awards_received": 0,
            "media_embed": {},
            "is_original_content": False,
            "user_reports": [],
            "secure_media": None,
            "is_meta": False,
            "link_flair_text": None,
            "score": score,
            "thumbnail": "self",
            "edited": False,
            "gildings": {},
            "is_self": True,
            "created": created,
            "domain": f"self.{sub}",
            "selftext_html": markdown_html(post.text, "self"),
            "likes": None,
            "suggested_sort": None,
            "archived": False,
            "no_follow": False,
            "over_18": False,
            "locked": False,
            "subreddit_id": subreddit_id(sub),
            "author_is_blocked": False,
            "id": post.id,
            "author": post.author,
            "num_comments": len(self.comments.get(post.id, ())),
            "send_replies": True,
            "permalink": permalink,
            "stickied": False,
            "url": base_url + permalink,
            "subreddit_subscribers": stable_int(sub, 900_000, 20_000),
            "created_utc": created,
            "num_crossposts": 0,
            "media": None,
            "is_video": False,
        }

    def t1(self, base_url: str, post: Thread, index: int, depth: int, replies: Any) -> dict[str, Any]:
        comment = self.comments[post.id][index]
        comment_id = self.comment_ids[(post.id, index)]
        parent = f"t3_{post.id}" if comment.parent is None else f"t1_{self.comment_ids[(post.id, comment.parent)]}"
        sub = post.extra["subreddit"]
        created = float(unix(comment.created))
        return {
            "subreddit_id": subreddit_id(sub),
            "approved_at_utc": None,
            "author_is_blocked": False,
            "comment_type": None,
            "likes": None,
            "replies": replies,
            "saved": False,
            "id": comment_id,
            "gilded": 0,
            "archived": False,
            "no_follow": comment.score < 2,
            "author": comment.author,
            "can_mod_post": False,
            "created_utc": created,
            "send_replies": True,
            "parent_id": parent,
            "score": comment.score,
            "author_fullname": account_id(comment.author),
            "controversiality": 0,
            "body": comment.text,
            "edited": False,
            "downs": 0,
            "is_submitter": comment.author == post.author,
            "collapsed": False,
            "body_html": markdown_html(comment.text, "comment"),
            "distinguished": None,
            "stickied": False,
            "link_id": f"t3_{post.id}",
            "score_hidden": False,
            "permalink": f"{self._permalink(post)}{comment_id}/",
            "subreddit_type": "public",
            "locked": False,
            "name": f"t1_{comment_id}",
            "subreddit": sub,
            "created": created,
            "subreddit_name_prefixed": f"r/{sub}",
            "depth": depth,
            "ups": comment.score,
        }

    # -- endpoints ----------------------------------------------------------------------------------

    def _page(self, base_url: str, posts: list[Thread], params: dict[str, str]) -> Response:
        limit = _limit(params)
        names = [f"t3_{post.id}" for post in posts]
        after = params.get("after")
        start = names.index(after) + 1 if after in names else 0 if not after else len(names)
        page = posts[start : start + limit]
        more = start + limit < len(posts)
        children = [{"kind": "t3", "data": self.t3(base_url, post)} for post in page]
        return json_response(listing(children, f"t3_{page[-1].id}" if more and page else None, len(children)))

    def search(self, base_url: str, params: dict[str, str], subreddit: str | None = None) -> Response:
        words = params.get("q", "").lower().split()
        restrict = subreddit is not None and params.get("restrict_sr", "").lower() in ("1", "on", "true")
        found = [
            post
            for post in self.posts
            if words
            and all(word in f"{post.title}\n{post.text}".lower() for word in words)
            and (not restrict or post.extra["subreddit"].lower() == (subreddit or "").lower())
        ]
        if params.get("sort", "relevance") == "new":
            found.sort(key=lambda post: post.created, reverse=True)
        else:
            found.sort(key=lambda post: (self.scores.get(post.id, 1), post.created), reverse=True)
        return self._page(base_url, found, params)

    def new(self, base_url: str, subreddit: str, params: dict[str, str]) -> Response:
        posts = [post for post in reversed(self.posts) if post.extra["subreddit"].lower() == subreddit.lower()]
        if not posts:
            return json_response(NOT_FOUND, 404)
        return self._page(base_url, posts, params)

    def thread(self, base_url: str, post_id: str, params: dict[str, str]) -> Response:
        post = self.by_id.get(post_id)
        if post is None:
            return json_response(NOT_FOUND, 404)
        comments = self.comments.get(post_id, ())
        order = params.get("sort", "confidence")

        def tree(parent: int | None, depth: int) -> list[dict[str, Any]]:
            indices = [i for i, comment in enumerate(comments) if comment.parent == parent]
            indices.sort(key=lambda i: _sort_key(comments[i], order), reverse=order != "old")
            children = []
            for i in indices:
                below = tree(i, depth + 1)
                replies: Any = listing(below, None, None) if below else ""
                children.append({"kind": "t1", "data": self.t1(base_url, post, i, depth, replies)})
            return children

        post_listing = listing([{"kind": "t3", "data": self.t3(base_url, post)}], None, 1)
        return json_response([post_listing, listing(tree(None, 0), None, None)])


def _sort_key(comment: Comment, order: str) -> Any:
    if order in ("new", "old"):
        return comment.created
    return (comment.score, comment.created)
