"""Stack Exchange API 2.3 under /se: question search, and the answers and comments of questions.

    /se/2.3/search/advanced?q=&tagged=&site=&sort=&order=&page=&pagesize=&filter=
    /se/2.3/questions/{id;id;...}/answers?site=&...
    /se/2.3/questions/{id;id;...}/comments?site=&...

Every answer is the API's wrapper {"items", "has_more", "quota_max", "quota_remaining"}; items are
sorted by `sort` (creation, activity, votes) in `order`, paged by `page`/`pagesize`, and carry `body`
(HTML) with filter=withbody. Titles and display names are HTML-encoded, as the API sends them.
Questions and answers share one id sequence, in creation order, as posts do on the sites. Errors are
the API's: HTTP 400 with {"error_id", "error_message", "error_name"}. The quota fields are constant,
so that responses stay a pure function of the anchor.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lingting.demo_site.content import escape_html, paragraphs_html, slugify, stable_int, unix
from lingting.demo_site.responses import Response, json_response
from lingting.demo_site.western_content import WesternContent

POST_ID_BASE = 79_500_101
COMMENT_ID_BASE = 139_870_001
QUOTA_MAX = 300
QUOTA_REMAINING = 287
DEFAULT_PAGE_SIZE = 30
MAX_PAGE_SIZE = 100
LICENSE = "CC BY-SA 4.0"
QUESTIONS_OF = re.compile(r"^/se/2\.3/questions/([0-9;]+)/(answers|comments)$")


# Matching items, each with its sort keys (creation, activity, votes).
Found = tuple[list[dict[str, Any]], list[dict[str, int]]]


class BadParameter(ValueError):
    pass


def body_html(text: str) -> str:
    return "\n\n".join(paragraphs_html(text)) + "\n"


def _int(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(params.get(name, default))
    except ValueError as error:
        raise BadParameter(f"{name} must be an integer") from error
    if not low <= value <= high:
        raise BadParameter(f"{name} must be between {low} and {high}")
    return value


class StackExchangeSite:
    def __init__(self, western: WesternContent) -> None:
        self.site = western.stackexchange_site
        self.questions = western.questions
        posts = sorted(
            [(q.created, n, -1) for n, q in enumerate(self.questions)]
            + [(a.created, n, i) for n, q in enumerate(self.questions) for i, a in enumerate(q.answers)]
        )
        self.post_ids = {(n, i): POST_ID_BASE + 37 * k for k, (_, n, i) in enumerate(posts)}
        comments = sorted((c.created, n, i) for n, q in enumerate(self.questions) for i, c in enumerate(q.comments))
        self.comment_ids = {(n, i): COMMENT_ID_BASE + 11 * k for k, (_, n, i) in enumerate(comments)}
        self.by_id = {self.post_ids[(n, -1)]: n for n in range(len(self.questions))}

    # -- records ------------------------------------------------------------------------------------

    def owner(self, base_url: str, name: str, reputation: int) -> dict[str, Any]:
        user = stable_int(name, 9_000_000, 1_000_000)
        return {
            "account_id": stable_int(name, 9_000_000, 100_000),
            "reputation": reputation,
            "user_id": user,
            "user_type": "registered",
            "profile_image": f"https://www.gravatar.com/avatar/{stable_int(name, 16**8):08x}?s=256&d=identicon&r=PG",
            "display_name": escape_html(name),
            "link": f"{base_url}/users/{user}/{slugify(name)}",
        }

    def _link(self, base_url: str, n: int) -> str:
        question = self.questions[n]
        return f"{base_url}/questions/{self.post_ids[(n, -1)]}/{slugify(question.title)}"

    def question(self, base_url: str, n: int, with_body: bool) -> dict[str, Any]:
        q = self.questions[n]
        accepted = [i for i, a in enumerate(q.answers) if a.accepted]
        activity = max([q.created, *(a.created for a in q.answers), *(c.created for c in q.comments)])
        item: dict[str, Any] = {
            "tags": list(q.tags),
            "owner": self.owner(base_url, q.author, q.reputation),
            "is_answered": bool(accepted) or any(a.score > 0 for a in q.answers),
            "view_count": stable_int(q.title, 400, 20),
        }
        if accepted:
            item["accepted_answer_id"] = self.post_ids[(n, accepted[0])]
        item.update(
            {
                "answer_count": len(q.answers),
                "score": q.score,
                "last_activity_date": unix(activity),
                "creation_date": unix(q.created),
                "question_id": self.post_ids[(n, -1)],
                "content_license": LICENSE,
                "link": self._link(base_url, n),
                "title": escape_html(q.title),
            }
        )
        if with_body:
            item["body"] = body_html(q.text)
        return item

    def answer(self, base_url: str, n: int, i: int, with_body: bool) -> dict[str, Any]:
        a = self.questions[n].answers[i]
        item: dict[str, Any] = {
            "owner": self.owner(base_url, a.author, a.reputation),
            "is_accepted": a.accepted,
            "score": a.score,
            "last_activity_date": unix(a.created),
            "creation_date": unix(a.created),
            "answer_id": self.post_ids[(n, i)],
            "question_id": self.post_ids[(n, -1)],
            "content_license": LICENSE,
            "link": f"{self._link(base_url, n)}/{self.post_ids[(n, i)]}#{self.post_ids[(n, i)]}",
        }
        if with_body:
            item["body"] = body_html(a.text)
        return item

    def comment(self, base_url: str, n: int, i: int, with_body: bool) -> dict[str, Any]:
        c = self.questions[n].comments[i]
        question_id, comment_id = self.post_ids[(n, -1)], self.comment_ids[(n, i)]
        item: dict[str, Any] = {
            "owner": self.owner(base_url, c.author, c.reputation),
            "edited": False,
            "score": c.score,
            "creation_date": unix(c.created),
            "post_id": question_id,
            "comment_id": comment_id,
            "content_license": LICENSE,
            "link": f"{self._link(base_url, n)}#comment{comment_id}_{question_id}",
        }
        if with_body:
            # Comments are one paragraph of inline HTML, without a <p>.
            item["body"] = escape_html(c.text)
        return item

    # -- endpoints ----------------------------------------------------------------------------------

    def handle(self, base_url: str, path: str, params: dict[str, str]) -> Response | None:
        """The response for an /se/2.3/ path, or None when the path is not one of the API's."""
        if path == "/se/2.3/search/advanced":
            return self._respond(lambda: self._search(base_url, params), params)
        match = QUESTIONS_OF.match(path)
        if match:
            ids, what = match.group(1), match.group(2)
            return self._respond(lambda: self._of_questions(base_url, ids, what, params), params)
        return None

    def _respond(self, build: Callable[[], Found], params: dict[str, str]) -> Response:
        site = params.get("site", "")
        if not site:
            return _error(400, "bad_parameter", "site is required")
        if site != self.site:
            return _error(400, "bad_parameter", f"No site found for name `{site}`")
        try:
            items, sort_keys = build()
            ordered = _ordered(items, sort_keys, params)
            page = _int(params, "page", 1, 1, 25)
            size = _int(params, "pagesize", DEFAULT_PAGE_SIZE, 0, MAX_PAGE_SIZE)
        except BadParameter as error:
            return _error(400, "bad_parameter", str(error))
        shown = ordered[(page - 1) * size : page * size]
        return json_response(
            {
                "items": shown,
                "has_more": page * size < len(ordered),
                "quota_max": QUOTA_MAX,
                "quota_remaining": QUOTA_REMAINING,
            }
        )

    def _search(self, base_url: str, params: dict[str, str]) -> Found:
        words = params.get("q", "").lower().split()
        tagged = [t for t in params.get("tagged", "").lower().split(";") if t]
        with_body = params.get("filter") == "withbody"
        items, keys = [], []
        for n, q in enumerate(self.questions):
            if not all(word in f"{q.title}\n{q.text}".lower() for word in words):
                continue
            if not all(tag in q.tags for tag in tagged):
                continue
            item = self.question(base_url, n, with_body)
            items.append(item)
            keys.append({"creation": item["creation_date"], "activity": item["last_activity_date"], "votes": q.score})
        return items, keys

    def _of_questions(self, base_url: str, ids: str, what: str, params: dict[str, str]) -> Found:
        numbers = [self.by_id[int(part)] for part in ids.split(";") if part and int(part) in self.by_id]
        with_body = params.get("filter") == "withbody"
        items, keys = [], []
        for n in numbers:
            question = self.questions[n]
            if what == "answers":
                for i, a in enumerate(question.answers):
                    items.append(self.answer(base_url, n, i, with_body))
                    keys.append({"creation": unix(a.created), "activity": unix(a.created), "votes": a.score})
            else:
                for i, c in enumerate(question.comments):
                    items.append(self.comment(base_url, n, i, with_body))
                    keys.append({"creation": unix(c.created), "activity": unix(c.created), "votes": c.score})
        return items, keys


def _ordered(items: list[dict[str, Any]], keys: list[dict[str, int]], params: dict[str, str]) -> list[dict[str, Any]]:
    sort = params.get("sort", "activity")
    if sort not in ("activity", "creation", "votes", "relevance"):
        raise BadParameter("sort")
    order = params.get("order", "desc")
    if order not in ("asc", "desc"):
        raise BadParameter("order")
    field = "creation" if sort == "relevance" else sort
    pairs = sorted(zip(keys, items, strict=True), key=lambda pair: pair[0][field], reverse=order == "desc")
    return [item for _, item in pairs]


def _error(status: int, name: str, message: str) -> Response:
    return json_response({"error_id": status, "error_message": message, "error_name": name}, status)
