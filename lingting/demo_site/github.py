"""GitHub's REST API under /github: issue search and an issue's comments.

    /github/search/issues?q=&sort=&order=&per_page=&page=
    /github/repos/{owner}/{repo}/issues/{number}/comments?per_page=&page=&since=

In `q`, quoted phrases and bare words must all occur (case-insensitively) in the searched fields;
the qualifiers in:, is:, state:, repo:, org:, user: and label: are honoured and others ignored.
Bodies come as the full+json media type sends them (body, body_text, body_html), whatever the
Accept header asks for (the spider asks for exactly that). API addresses (`url`, `repository_url`,
`comments_url`) point at /github on the demo site, `html_url` at its root, as github.com's would.
Ids grow in creation order. Errors are GitHub's: 404 / 422 JSON with `message`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from lingting.demo_site.content import as_utc, blocks, iso_seconds, paragraphs_html, stable_int
from lingting.demo_site.responses import Response, json_response
from lingting.demo_site.western_content import Comment, Issue, WesternContent

ISSUE_ID_BASE = 2_900_000_001
COMMENT_ID_BASE = 3_100_000_001
DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100
SEARCH_LIMIT = 1000
COMMENTS_PATH = re.compile(r"^/github/repos/([^/]+/[^/]+)/issues/(\d+)/comments$")
TOKEN = re.compile(r'"[^"]*"|\S+')
QUALIFIERS = ("in", "is", "state", "repo", "org", "user", "label", "type")
LABEL_COLORS = {"bug": "d73a4a", "question": "d876e3", "discussion": "0075ca"}


def not_found(docs: str) -> Response:
    return json_response({"message": "Not Found", "documentation_url": docs, "status": "404"}, 404)


def body_text(text: str) -> str:
    """GitHub's body_text: the Markdown rendered to text, one line per paragraph or code line."""
    return "\n".join(chunk for _, chunk in blocks(text))


def body_html(text: str) -> str:
    return "\n".join(html.replace("<p>", '<p dir="auto">') for html in paragraphs_html(text))


def _int(params: dict[str, str], name: str, default: int) -> int:
    try:
        return max(int(params.get(name, default)), 1)
    except ValueError:
        return default


class GitHubSite:
    def __init__(self, western: WesternContent) -> None:
        self.issues = western.issues
        self.issue_ids = {(i.repo, i.number): ISSUE_ID_BASE + 977 * n for n, i in enumerate(self.issues)}
        order = sorted((c.created, i.repo, i.number, k) for i in self.issues for k, c in enumerate(i.comments))
        self.comment_ids = {
            (repo, number, k): COMMENT_ID_BASE + 131 * n for n, (_, repo, number, k) in enumerate(order)
        }
        self.by_place = {(i.repo, i.number): i for i in self.issues}

    # -- records ------------------------------------------------------------------------------------

    def user(self, base_url: str, login: str) -> dict[str, Any]:
        api = f"{base_url}/github/users/{login}"
        user_id = stable_int(login, 90_000_000, 1_000_000)
        return {
            "login": login,
            "id": user_id,
            "node_id": f"MDQ6VXNlcj{user_id}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
            "gravatar_id": "",
            "url": api,
            "html_url": f"{base_url}/{login}",
            "followers_url": f"{api}/followers",
            "repos_url": f"{api}/repos",
            "type": "User",
            "user_view_type": "public",
            "site_admin": False,
        }

    def _reactions(self, api: str, total: int) -> dict[str, Any]:
        thumbs = total * 3 // 4
        return {"url": f"{api}/reactions", "total_count": total, "+1": thumbs, "-1": 0, "laugh": 0,
                "hooray": 0, "confused": 0, "heart": total - thumbs, "rocket": 0, "eyes": 0}  # fmt: skip

    def issue(self, base_url: str, issue: Issue, *, score: float | None = None) -> dict[str, Any]:
        repo_api = f"{base_url}/github/repos/{issue.repo}"
        api = f"{repo_api}/issues/{issue.number}"
        issue_id = self.issue_ids[(issue.repo, issue.number)]
        closed = iso_seconds(issue.updated) if issue.state == "closed" else None
        item: dict[str, Any] = {
            "url": api,
            "repository_url": repo_api,
            "labels_url": f"{api}/labels{{/name}}",
            "comments_url": f"{api}/comments",
            "events_url": f"{api}/events",
            "html_url": f"{base_url}/{issue.repo}/issues/{issue.number}",
            "id": issue_id,
            "node_id": f"I_kwDO{issue_id}",
            "number": issue.number,
            "title": issue.title,
            "user": self.user(base_url, issue.author),
            "labels": [self._label(repo_api, name) for name in issue.labels],
            "state": issue.state,
            "locked": False,
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "comments": len(issue.comments),
            "created_at": iso_seconds(issue.created),
            "updated_at": iso_seconds(issue.updated),
            "closed_at": closed,
            "author_association": issue.association,
            "active_lock_reason": None,
            "body": issue.text,
            "body_text": body_text(issue.text),
            "body_html": body_html(issue.text),
            "reactions": self._reactions(api, issue.reactions),
            "timeline_url": f"{api}/timeline",
            "performed_via_github_app": None,
            "state_reason": "completed" if closed else None,
        }
        if score is not None:
            item["score"] = score
        return item

    def _label(self, repo_api: str, name: str) -> dict[str, Any]:
        return {
            "id": stable_int(f"{repo_api}/{name}", 9_000_000_000, 1_000_000_000),
            "url": f"{repo_api}/labels/{name}",
            "name": name,
            "color": LABEL_COLORS.get(name, "ededed"),
            "default": name in LABEL_COLORS,
            "description": None,
        }

    def comment(self, base_url: str, issue: Issue, index: int, comment: Comment) -> dict[str, Any]:
        repo_api = f"{base_url}/github/repos/{issue.repo}"
        comment_id = self.comment_ids[(issue.repo, issue.number, index)]
        api = f"{repo_api}/issues/comments/{comment_id}"
        return {
            "url": api,
            "html_url": f"{base_url}/{issue.repo}/issues/{issue.number}#issuecomment-{comment_id}",
            "issue_url": f"{repo_api}/issues/{issue.number}",
            "id": comment_id,
            "node_id": f"IC_kwDO{comment_id}",
            "user": self.user(base_url, comment.author),
            "created_at": iso_seconds(comment.created),
            "updated_at": iso_seconds(comment.created),
            "author_association": comment.association,
            "body": comment.text,
            "body_text": body_text(comment.text),
            "body_html": body_html(comment.text),
            "reactions": self._reactions(api, comment.score),
            "performed_via_github_app": None,
        }

    # -- endpoints ----------------------------------------------------------------------------------

    def search(self, base_url: str, params: dict[str, str]) -> Response:
        q = params.get("q", "").strip()
        if not q:
            errors = [{"resource": "Search", "field": "q", "code": "missing"}]
            body = {"message": "Validation Failed", "errors": errors,
                    "documentation_url": "https://docs.github.com/v3/search", "status": "422"}  # fmt: skip
            return json_response(body, 422)
        found = [issue for issue in self.issues if _matches(issue, q)]
        key = {"updated": lambda i: i.updated, "comments": lambda i: (len(i.comments), i.created)}.get(
            params.get("sort", ""), lambda i: i.created
        )
        found.sort(key=key, reverse=params.get("order", "desc") != "asc")
        per_page = min(_int(params, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
        page = _int(params, "page", 1)
        shown = found[:SEARCH_LIMIT][(page - 1) * per_page : page * per_page]
        return json_response(
            {
                "total_count": len(found),
                "incomplete_results": False,
                "items": [self.issue(base_url, issue, score=1.0) for issue in shown],
            }
        )

    def comments(self, base_url: str, path: str, params: dict[str, str]) -> Response | None:
        """The response for a comments path, or None when `path` is not one."""
        match = COMMENTS_PATH.match(path)
        if match is None:
            return None
        issue = self.by_place.get((match.group(1), int(match.group(2))))
        if issue is None:
            return not_found("https://docs.github.com/rest/issues/comments#list-issue-comments")
        since = _since(params.get("since"))
        listed = [(k, c) for k, c in enumerate(issue.comments) if since is None or c.created >= since]
        per_page = min(_int(params, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
        page = _int(params, "page", 1)
        shown = listed[(page - 1) * per_page : page * per_page]
        return json_response([self.comment(base_url, issue, k, c) for k, c in shown])


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def _matches(issue: Issue, q: str) -> bool:
    scopes = ["title", "body"]
    wanted: list[str] = []
    for token in TOKEN.findall(q):
        key, _, value = token.partition(":")
        if token.startswith('"'):
            wanted.append(token.strip('"').lower())
        elif not value or key not in QUALIFIERS:
            wanted.append(token.lower())
        elif key == "in":
            scopes = value.lower().split(",")
        elif _excluded_by(issue, key, value.lower()):
            return False
    fields = {"title": issue.title, "body": issue.text, "comments": "\n".join(c.text for c in issue.comments)}
    searched = "\n".join(fields.get(scope, "") for scope in scopes).lower()
    return all(word in searched for word in wanted if word)


def _excluded_by(issue: Issue, key: str, value: str) -> bool:
    """Whether the qualifier key:value rules the issue out (every demo issue is an issue, not a PR)."""
    if key in ("is", "type", "state") and value in ("pr", "pull-request", "merged"):
        return True
    if key in ("is", "state") and value in ("open", "closed"):
        return issue.state != value
    if key == "repo":
        return value != issue.repo.lower()
    if key in ("org", "user"):
        return value != issue.repo.split("/")[0].lower()
    if key == "label":
        return value not in (label.lower() for label in issue.labels)
    return False
