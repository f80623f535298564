"""The review site for the web tests: a real demo crawl's database, hostile posts stored through
the real analysis, accounts made with `lingting users add`, and `lingting serve` in a subprocess."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from config import load_settings
from crawler.analysis import analyze_post, build_analyzer, store_analyzed
from store import Store

LINGTING = [sys.executable, "-m", "lingting.cli"]
PASSWORDS = {"alice": "alice-admin-pw", "rita": "rita-reviewer-pw", "vera": "vera-viewer-pw"}
ROLES = {"alice": "admin", "rita": "reviewer", "vera": "viewer"}
SECRET = "test-secret-key-9f1c2e7a4b"  # the session key the server gets from its environment

HOSTILE_TITLE = "<script>window.__pwned=1</script>声链 SDK 推送失败"
HOSTILE_POSTS = [
    {
        "source_post_id": "hostile-1",
        "title": HOSTILE_TITLE,
        "text": '声链 SDK 推送失败, 消息全部发不出去, 闪退崩溃 <img src=x onerror="window.__pwned=1;alert(1)">'
        ' <script>alert(document.cookie)</script> <a href="javascript:window.__pwned=1">点我</a>',
        "url": "javascript:window.__pwned=1//",
    },
    {
        "source_post_id": "hostile-2",
        "title": "声链 闪退 \u202egnp.exe\u202c 零\u200b宽\u200d字\ufeff符",
        "text": "声链 SDK 安卓闪退, 崩溃了 \u202eRTL override\u202c 和零宽字符\u200b\u200c\u200d, 急!",
        "url": "https://forum.example/t/2",
    },
    {
        "source_post_id": "hostile-3",
        "title": "声链 SDK 崩溃 超长一行",
        "text": "声链 SDK 崩溃 闪退 " + "长" * 100_000,
        "url": "https://forum.example/t/3",
    },
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [*LINGTING, *args], input=stdin, capture_output=True, text=True, timeout=300, env=env or os.environ.copy()
    )
    assert done.returncode == 0, f"lingting {' '.join(args)} failed: {done.stdout}\n{done.stderr}"
    return done.stdout


def build_demo_folder(folder: Path, *, hostile: bool = True) -> Path:
    """A real demo crawl, three hostile posts through the real analysis (unless not `hostile`),
    and three accounts."""
    output = run_cli("demo", "--dir", str(folder))
    assert "lingting serve" in output and "demo" in output
    config = folder / "lingting.toml"
    settings = load_settings(config)
    store = Store(settings.database_path)
    analyzer = build_analyzer(settings)
    for post in HOSTILE_POSTS if hostile else ():
        item = {
            "source": "discourse", "kind": "post", "author": "mallory", "lang": "zh",
            "author_id": "mallory-" + post["source_post_id"],
            "created_at": "2026-12-01T08:00:00Z", "fetched_at": "2026-12-01T09:00:00Z", **post,
        }  # fmt: skip
        store_analyzed(item, analyze_post(analyzer, item), store=store, settings=settings, source_name="forum")
    store.close()
    run_cli("export", "-c", str(config))  # as a crawl would: policy sends what it sends at once
    for name, password in PASSWORDS.items():
        run_cli(
            "users", "add", name, "--role", ROLES[name], "--password-stdin", "-c", str(config), stdin=password + "\n"
        )
    return config


@dataclass
class ReviewSite:
    base_url: str
    config: Path
    process: subprocess.Popen[bytes]

    @property
    def database(self) -> Path:
        return load_settings(self.config).database_path

    def store(self) -> Store:
        return Store(self.database)


def start_site(template: Path, folder: Path) -> ReviewSite:
    """Copy the demo folder (each test gets its own database) and serve it on a free port."""
    shutil.copytree(template, folder)
    config = folder / "lingting.toml"
    port = free_port()
    env = {**os.environ, "LINGTING_SECRET_KEY": SECRET}
    process = subprocess.Popen(
        [*LINGTING, "serve", "-c", str(config), "--port", str(port), "--no-scheduler"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"lingting serve exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            httpx.get(base + "/login", timeout=1)
            return ReviewSite(base, config, process)
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("lingting serve did not answer within 30 s")


def stop_site(site: ReviewSite) -> None:
    site.process.terminate()
    try:
        site.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        site.process.kill()
        site.process.wait()


CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found, "no CSRF field in the page"
    return found.group(1)


@contextmanager
def logged_in(base_url: str, name: str) -> Iterator[tuple[httpx.Client, str]]:
    """A logged-in HTTP client and its session's CSRF token."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        token = csrf_of(client.get("/login").text)
        answer = client.post("/login", data={"csrf": token, "name": name, "password": PASSWORDS[name]})
        assert answer.status_code == 303, answer.text[:500]
        yield client, csrf_of(client.get("/").text)
