"""A GitHub token from the environment reaches the API as Authorization and nowhere else: not the
log (even at DEBUG), not the error samples, not the database. A real Scrapy crawl in a subprocess
against a local server that records the headers it receives."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from lingting.demo_site.content import load_content
from lingting.demo_site.routes import Router
from tests.lingting.demo_site_support import ANCHOR

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
TOKEN = "ghp_LINGTINGtestTOKEN0123456789abcdef"
FAILING = "/github/repos/dartisan/voxlink_flutter/issues/57/comments"


class _Recorder(BaseHTTPRequestHandler):
    router: ClassVar[Router]
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Authorization")))
        base = f"http://127.0.0.1:{self.server.server_port}"  # type: ignore[attr-defined]
        if self.path.startswith(FAILING):  # an error, so that an error sample is written
            status, content_type, body = 500, "text/plain", b"boom"
        else:
            response = self.router.handle(base, self.path)
            status, content_type, body = response.status, response.content_type, response.body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Recorder.router = Router(load_content(ANCHOR))
    _Recorder.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_token_is_sent_and_never_written(tmp_path: Path, server: str) -> None:
    config = tmp_path / "lingting.toml"
    config.write_text(
        f"""database = "lingting.db"
[[products]]
name = "VoxLink"
[[sources]]
name = "gh"
type = "github"
base_url = "{server}/github"
token_env = "LINGTING_E2E_GITHUB_TOKEN"
[crawl]
download_delay = 0
autothrottle = false
retries = 0
""",
        encoding="utf-8",
    )
    env = {**os.environ, "LINGTING_CONFIG": str(config), "LINGTING_E2E_GITHUB_TOKEN": TOKEN}
    crawled = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "github", "-s", "LOG_LEVEL=DEBUG"],
        capture_output=True, text=True, cwd=REPO, timeout=300, env=env,
    )  # fmt: skip
    assert crawled.returncode == 0, crawled.stderr

    paths = [path for path, _ in _Recorder.seen if path.startswith("/github/")]
    assert any(p.startswith("/github/search/issues") for p in paths) and any(p.startswith(FAILING) for p in paths)
    assert all(auth == f"Bearer {TOKEN}" for path, auth in _Recorder.seen if path.startswith("/github/"))
    assert TOKEN not in crawled.stdout + crawled.stderr
    assert FAILING in crawled.stdout + crawled.stderr  # the error was logged, without the token
    for stored in tmp_path.glob("lingting.db*"):
        assert TOKEN.encode() not in stored.read_bytes(), stored.name
