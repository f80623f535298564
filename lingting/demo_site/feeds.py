"""Feeds: /feeds/weibo.rss (RSSHub's Weibo keyword route) and /feeds/reddit.atom (Reddit search).

The Weibo feed is what a self-hosted RSSHub's `/weibo/keyword/声链` serves: RSSHub's RSS 2.0
template, titles "author: text", descriptions with the author link and, for a repost, the original
in a <blockquote> after " - 转发 ". The Reddit feed follows a recorded `/r/{sub}/top.rss` Atom feed
with the entry markup of a self post. Every text node goes through xml.sax.saxutils.escape.
"""

from __future__ import annotations

from email.utils import format_datetime
from urllib.parse import quote
from xml.sax.saxutils import escape

from lingting.demo_site.content import Content, Thread, escape_html, slugify, stable_int
from lingting.demo_site.responses import ATOM, RSS, Response

QUOTE = {'"': "&quot;"}


def x(text: str) -> str:
    """Escape for an XML text node or a double-quoted attribute."""
    return escape(text, QUOTE)


def weibo_uid(screen_name: str) -> int:
    return stable_int(screen_name, 999_999_999, 5_000_000_000)


class FeedSite:
    def __init__(self, content: Content) -> None:
        self.content = content
        self.weibo = content.by_source("weibo")
        self.reddit = content.by_source("reddit")

    def _weibo_status(self, base_url: str, post: Thread, at: str = "") -> tuple[str, str]:
        """(title text, description html) of one status, as RSSHub's formatExtended builds them."""
        body = escape_html(post.text).replace("\n", "<br>")
        author_link = (
            f'<a href="{base_url}/weibo/{weibo_uid(post.author)}" target="_blank">{at}{escape_html(post.author)}</a>'
        )
        return post.text.replace("\n", " "), f"{author_link}:&ensp;{body}"

    def weibo_rss(self, base_url: str) -> Response:
        keyword = self.content.weibo_keyword
        by_bid = {post.id: post for post in self.weibo}
        items = []
        for post in reversed(self.weibo):
            title_text, description = self._weibo_status(base_url, post)
            title = f"{post.author}: {title_text}"
            original = by_bid.get(post.extra.get("retweet_of", ""))
            if original is not None:
                quoted_title, quoted = self._weibo_status(base_url, original, at="@")
                description += f"<br><blockquote> - 转发 {quoted}</blockquote>"
                # RSSHub strips tags from the quoted HTML, which leaves the &ensp; entity in the title.
                title += f" - 转发 @{original.author}:&ensp;{quoted_title}"
            link = f"{base_url}/weibo/{weibo_uid(post.author)}/{post.id}"
            items.append(
                "<item>"
                f"<title>{x(title)}</title>"
                f"<description>{x(description)}</description>"
                f"<link>{x(link)}</link>"
                f'<guid isPermaLink="false">{x(link)}</guid>'
                f"<pubDate>{format_datetime(post.created, usegmt=True)}</pubDate>"
                f"<author>{x(post.author)}</author>"
                "</item>"
            )
        title = f"微博关键词 - {keyword}"
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0"><channel>'
            f"<title>{x(title)}</title>"
            f"<link>{x(base_url)}/weibo/search?q={quote(keyword)}</link>"
            f'<atom:link href="{x(base_url)}/feeds/weibo.rss" rel="self" type="application/rss+xml"/>'
            f"<description>{x(title)} - Powered by RSSHub</description>"
            "<generator>RSSHub</generator>"
            "<webMaster>contact@rsshub.app (RSSHub)</webMaster>"
            "<language>en</language>"
            f"<lastBuildDate>{format_datetime(self.content.anchor, usegmt=True)}</lastBuildDate>"
            "<ttl>5</ttl>" + "".join(items) + "</channel></rss>"
        )
        return Response(200, RSS, body.encode("utf-8"))

    def _reddit_html(self, base_url: str, post: Thread, link: str) -> str:
        paragraphs = " ".join(f"<p>{escape_html(chunk)}</p>" for chunk in post.text.split("\n\n") if chunk)
        user = f"{base_url}/user/{post.author}"
        return (
            f'<!-- SC_OFF --><div class="md">{paragraphs} </div><!-- SC_ON --> &#32; submitted by &#32; '
            f'<a href="{user}"> /u/{post.author} </a> <br/> <span><a href="{link}">[link]</a></span>'
            f' &#32; <span><a href="{link}">[comments]</a></span>'
        )

    def reddit_atom(self, base_url: str) -> Response:
        query = self.content.reddit_query
        entries = []
        for post in reversed(self.reddit):
            sub = post.extra["subreddit"]
            slug = slugify(post.title.replace("'", "")).replace("-", "_")[:50]  # Reddit drops apostrophes
            link = f"{base_url}/r/{sub}/comments/{post.id}/{slug}/"
            stamp = post.created.replace(microsecond=0).isoformat()
            entries.append(
                "<entry>"
                f"<author><name>/u/{x(post.author)}</name><uri>{x(base_url)}/user/{x(post.author)}</uri></author>"
                f'<category term="{x(sub)}" label="r/{x(sub)}"/>'
                f'<content type="html">{x(self._reddit_html(base_url, post, link))}</content>'
                f"<id>t3_{x(post.id)}</id>"
                f'<link href="{x(link)}" />'
                f"<updated>{stamp}</updated><published>{stamp}</published>"
                f"<title>{x(post.title)}</title>"
                "</entry>"
            )
        search = f"/search.rss?q={quote(query)}&sort=new"
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">'
            f"<updated>{self.content.anchor.isoformat()}</updated>"
            "<icon>https://www.redditstatic.com/icon.png/</icon>"
            f"<id>{x(search)}</id>"
            f'<link rel="self" href="{x(base_url)}/feeds/reddit.atom" type="application/atom+xml" />'
            f'<link rel="alternate" href="{x(base_url)}/search?q={quote(query)}&amp;sort=new" type="text/html" />'
            f"<title>{x(query)} - reddit.com: search results</title>" + "".join(entries) + "</feed>"
        )
        return Response(200, ATOM, body.encode("utf-8"))
