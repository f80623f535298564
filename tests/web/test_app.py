"""`create_app` served by uvicorn in a thread: extra routes are public, every POST route wants the
CSRF token, the store opens in the server's thread, and the login page works in both languages."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from config import settings_from_toml
from lingting.web import create_app
from lingting.web.passwords import hash_password
from store import Store
from store.users import add_user
from tests.web.support import csrf_of, free_port


async def healthz(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    settings = settings_from_toml('database = "l.db"\nproducts = [{ name = "声链" }]\n', base_dir=tmp_path)
    store = Store(settings.database_path)
    add_user(store, "rita", "reviewer", hash_password("rita-password"))
    store.close()
    app = create_app(settings, extra_routes=[Route("/healthz", healthz)])
    post_paths = [
        route.path.replace("{cluster_id}", "1").replace("{post_id}", "1")
        for route in app.routes
        if isinstance(route, Route) and route.methods and "POST" in route.methods
    ]
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}", post_paths
    server.should_exit = True
    thread.join(timeout=10)


def test_extra_routes_are_public_and_every_post_route_wants_the_token(served: tuple[str, list[str]]) -> None:
    base, post_paths = served
    assert {"/login", "/logout", "/bulk", "/undo", "/clusters/1/decide", "/users/add"} <= set(post_paths)
    with httpx.Client(base_url=base) as client:
        assert client.get("/healthz").text == "ok"
        token = csrf_of(client.get("/login").text)
        assert (
            client.post("/login", data={"csrf": token, "name": "rita", "password": "rita-password"}).status_code == 303
        )
        for path in post_paths:
            answer = client.post(path, data={"name": "x"})
            assert answer.status_code == 403, path
            assert answer.headers["content-security-policy"].startswith("default-src 'none'")


def test_login_page_in_both_languages_and_a_wrong_password(served: tuple[str, list[str]]) -> None:
    base, _ = served
    with httpx.Client(base_url=base) as client:
        assert "登录" in client.get("/login").text
        english = client.get("/login?lang=en").text
        assert "Log in" in english and 'lang="en"' in english
        token = csrf_of(english)
        wrong = client.post("/login", data={"csrf": token, "name": "rita", "password": "nope"})
        assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text
        nobody = client.post("/login", data={"csrf": token, "name": "nobody", "password": "nope"})
        assert nobody.status_code == 401 and nobody.text.count("不正确") == wrong.text.count("不正确")
        # a redirect target from the login form stays on this site
        answer = client.post(
            "/login", data={"csrf": token, "name": "rita", "password": "rita-password", "next": "https://evil.example/"}
        )
        assert answer.status_code == 303 and answer.headers["location"] == "/"
