"""The HTTP half of bench/review: `lingting serve` (create_app under uvicorn) in a subprocess on
127.0.0.1, a reviewer account made with `lingting users add`, and httpx timing the pages."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx

LINGTING = [sys.executable, "-m", "lingting.cli"]
USER, PASSWORD = "bench", "bench-reviewer-password"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def web_available() -> bool:
    try:
        import lingting.web  # noqa: F401
    except ImportError:
        return False
    return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def add_reviewer(config: Path) -> None:
    done = subprocess.run(
        [*LINGTING, "users", "add", USER, "--role", "reviewer", "--password-stdin", "-c", str(config)],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0 and "exists" not in done.stderr + done.stdout:
        raise RuntimeError(f"lingting users add failed: {done.stderr or done.stdout}")


@contextmanager
def served(config: Path) -> Iterator[str]:
    """`lingting serve` on a free port; yields its base URL and stops it after."""
    port = _free_port()
    env = {**os.environ, "LINGTING_SECRET_KEY": "bench-review-session-key-0123456789"}
    process = subprocess.Popen(
        [*LINGTING, "serve", "-c", str(config), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"lingting serve exited: {process.stderr.read().decode() if process.stderr else ''}")
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("lingting serve did not answer within 60 s") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _csrf(html: str) -> str:
    found = _CSRF.search(html)
    if not found:
        raise RuntimeError("no CSRF token in the page")
    return found.group(1)


@contextmanager
def logged_in(base: str) -> Iterator[tuple[httpx.Client, str]]:
    with httpx.Client(base_url=base, timeout=30) as client:
        token = _csrf(client.get("/login").text)
        answer = client.post("/login", data={"csrf": token, "name": USER, "password": PASSWORD})
        if answer.status_code != 303:
            raise RuntimeError(f"login refused: {answer.status_code}")
        yield client, _csrf(client.get("/").text)


def http_calls(
    client: httpx.Client, token: str, cursor: str | None, detail_ids: list[int], confirm_ids: list[int]
) -> dict[str, Callable[[int], object]]:
    """The same requests a reviewer's browser makes, keyed like bench/review's scenarios."""

    def get(path: str) -> Callable[[int], object]:
        def call(_: int) -> object:
            answer = client.get(path)
            if answer.status_code != 200:
                raise RuntimeError(f"GET {path}: {answer.status_code}")
            return answer

        return call

    def cluster(i: int) -> object:
        return get(f"/clusters/{detail_ids[i % len(detail_ids)]}")(i)

    def confirm(i: int) -> object:
        answer = client.post(
            f"/clusters/{confirm_ids[i]}/decide", data={"csrf": token, "action": "confirm", "back": "tab=pending"}
        )
        if answer.status_code != 303:
            raise RuntimeError(f"confirm: {answer.status_code} {answer.text[:200]}")
        return answer

    return {
        "queue page 1": get("/?tab=pending"),
        "queue page 500": get(f"/?tab=pending&after={quote(cursor or '')}"),
        "filter P1+weibo+zh": get("/?tab=pending&priority=P1&source=weibo&lang=zh"),
        "search 离线推送": get(f"/?tab=pending&q={quote('离线推送')}"),
        "search 闪退 (2 chars)": get(f"/?tab=pending&q={quote('闪退')}"),
        "cluster page": cluster,
        "confirm": confirm,
    }
