"""The review app's security, checked over real HTTP against `lingting serve`: login wall, CSRF,
roles, the login rate limit, headers, and no secret in any page."""

from __future__ import annotations

import httpx

from store.review_queue import QueueFilter, queue_page
from tests.web.support import PASSWORDS, SECRET, ReviewSite, csrf_of, logged_in


def first_pending(site: ReviewSite) -> int:
    store = site.store()
    try:
        return queue_page(store, QueueFilter(), limit=1).items[0].cluster_id
    finally:
        store.close()


def decisions(site: ReviewSite) -> int:
    store = site.store()
    try:
        return store.count("reviews")
    finally:
        store.close()


def test_every_page_but_login_redirects_an_anonymous_visitor(site: ReviewSite) -> None:
    cid = first_pending(site)
    with httpx.Client(base_url=site.base_url) as client:
        for path in ("/", "/?tab=all&q=闪退", f"/clusters/{cid}", "/users", "/deliveries", "/report", "/nowhere"):
            answer = client.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/login?next="), path
        assert client.get("/login").status_code == 200
        assert client.get("/static/app.css").status_code == 200
        # and a POST without a session is refused, not acted on
        assert client.post(f"/clusters/{cid}/decide", data={"action": "confirm"}).status_code == 403
    assert decisions(site) == 0


def test_a_post_without_the_csrf_token_is_refused(site: ReviewSite) -> None:
    cid = first_pending(site)
    with logged_in(site.base_url, "rita") as (client, token):
        for data in ({"action": "confirm"}, {"action": "confirm", "csrf": "forged"}):
            answer = client.post(f"/clusters/{cid}/decide", data=data)
            assert answer.status_code == 403
            assert "CSRF" in answer.text
        assert client.post("/undo", data={}).status_code == 403
        assert (
            client.post("/bulk", data={"bulk_action": "confirm", "scope": "all", "filter": "tab=pending"}).status_code
            == 403
        )
        assert client.post("/logout", data={}).status_code == 403
        assert decisions(site) == 0
        # the same request with the token (as a form field, or as a script's header) is done
        assert client.post(f"/clusters/{cid}/decide", data={"action": "confirm", "csrf": token}).status_code == 303
        answer = client.post(
            f"/clusters/{cid}/decide", data={"action": "note", "note": "hi"}, headers={"X-CSRF-Token": token}
        )
        assert answer.status_code == 303
    assert decisions(site) == 2


def test_the_token_from_before_login_is_worth_nothing_after(site: ReviewSite) -> None:
    with httpx.Client(base_url=site.base_url) as client:
        before = csrf_of(client.get("/login").text)
        client.post("/login", data={"csrf": before, "name": "rita", "password": PASSWORDS["rita"]})
        answer = client.post(f"/clusters/{first_pending(site)}/decide", data={"action": "confirm", "csrf": before})
        assert answer.status_code == 403


def test_a_viewers_decision_is_refused(site: ReviewSite) -> None:
    cid = first_pending(site)
    with logged_in(site.base_url, "vera") as (client, token):
        assert client.get(f"/clusters/{cid}").status_code == 200  # a viewer reads
        for path, data in (
            (f"/clusters/{cid}/decide", {"action": "confirm"}),
            ("/bulk", {"bulk_action": "dismiss", "reason": "spam", "scope": "all", "filter": "tab=pending"}),
            ("/undo", {}),
            (f"/clusters/{cid}/merge", {"other": "1"}),
        ):
            answer = client.post(path, data={**data, "csrf": token})
            assert answer.status_code == 403, path
        queue = client.get("/").text
        assert 'id="bulk"' not in queue and "row-confirm" not in queue  # no buttons it may not use
    assert decisions(site) == 0


def test_only_an_admin_manages_users_and_replays_dead_deliveries(site: ReviewSite) -> None:
    with logged_in(site.base_url, "rita") as (client, token):
        assert client.get("/users").status_code == 403
        answer = client.post("/users/add", data={"csrf": token, "name": "eve", "password": "x" * 12, "role": "admin"})
        assert answer.status_code == 403
        assert client.post("/deliveries/replay", data={"csrf": token}).status_code == 403
    with logged_in(site.base_url, "alice") as (admin, admin_token):
        answer = admin.post(
            "/users/add", data={"csrf": admin_token, "name": "eve", "password": "x" * 12, "role": "viewer"}
        )
        assert answer.status_code == 303
        assert "eve" in admin.get("/users").text
        assert admin.post("/deliveries/replay", data={"csrf": admin_token}).status_code == 303


def test_the_eleventh_wrong_password_in_a_minute_is_refused(site: ReviewSite) -> None:
    with httpx.Client(base_url=site.base_url) as client:
        token = csrf_of(client.get("/login").text)
        for _ in range(10):
            answer = client.post("/login", data={"csrf": token, "name": "rita", "password": "wrong"})
            assert answer.status_code == 401
        # the 11th is refused even with the right password
        answer = client.post("/login", data={"csrf": token, "name": "rita", "password": PASSWORDS["rita"]})
        assert answer.status_code == 429
        assert "稍后再试" in answer.text
        # another user from the same client is refused too (per client); rita stays refused (per user)
        answer = client.post("/login", data={"csrf": token, "name": "alice", "password": PASSWORDS["alice"]})
        assert answer.status_code == 429


def test_session_cookie_flags_and_security_headers(site: ReviewSite) -> None:
    with httpx.Client(base_url=site.base_url) as client:
        answer = client.get("/login")
        cookie = answer.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
    with httpx.Client(base_url=site.base_url) as client:
        # behind a trusted https proxy (127.0.0.1 here) the cookie is Secure
        https = client.get("/login", headers={"X-Forwarded-Proto": "https"})
        assert "secure" in https.headers["set-cookie"].lower()


def test_no_secret_appears_in_any_page(site: ReviewSite) -> None:
    store = site.store()
    try:
        hashes = [row["password_hash"] for row in store.query("SELECT password_hash FROM users")]
        cids = [item.cluster_id for item in queue_page(store, QueueFilter(tab="all"), limit=5).items]
    finally:
        store.close()
    with logged_in(site.base_url, "alice") as (client, _token):
        pages = ["/", "/?tab=all", "/users", "/deliveries", *(f"/clusters/{c}" for c in cids)]
        bodies = [client.get(p).text for p in pages]
    with httpx.Client(base_url=site.base_url) as anonymous:
        bodies.append(anonymous.get("/login").text)
    secrets = [SECRET, *PASSWORDS.values(), *hashes, "$argon2"]
    for path, body in zip([*pages, "/login"], bodies, strict=True):
        for secret in secrets:
            assert secret not in body, f"{path} shows a secret"
    assert not (site.database.parent / (site.database.name + ".secret")).exists()  # the key came from the env


def test_the_trend_report_is_a_page_for_every_role(site: ReviewSite) -> None:
    with logged_in(site.base_url, "vera") as (client, _):
        queue = client.get("/")
        assert 'href="/report"' in queue.text  # in the navigation
        answer = client.get("/report", params={"since": "8w", "lang": "en"})
        assert answer.status_code == 200, answer.text[:500]
        for section in ("Recurring problems", "Share of voice", 'href="/"'):
            assert section in answer.text, section
        # its own policy: inline style for its charts, still nothing fetched and no script
        policy = answer.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy and "frame-ancestors 'none'" in policy
        assert "<script" not in answer.text
        bad = client.get("/report", params={"since": "yesterday-ish"})
        assert bad.status_code == 400 and "90d" in bad.text
