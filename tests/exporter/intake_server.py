"""A ticket intake of our own on 127.0.0.1, for the exporter's tests and benchmark.

It speaks just enough of each receiver: a Standard Webhooks endpoint (signature verified with the
reference library, dedup on `webhook-id`), Zendesk (`Idempotency-Key`), Jira (JQL label search),
GitHub (issue search), and the DingTalk, Feishu, WeCom and Slack robots (signatures verified the
way each platform documents). Each request first draws a *fault* from `faults` (by default none):

    accept   answer normally
    500      HTTP 500                       429    HTTP 429 with `Retry-After: {retry_after}`
    400      HTTP 400 (permanent)           hang   say nothing for `hang_seconds`, then close
    reset    close with a TCP reset before reading the body
    lost     do the work, then reset instead of answering (the sender cannot know it succeeded)
    errcode  HTTP 200 whose JSON carries errcode/code 310000 (robots only)
    echo     HTTP 400 whose body is `echo(request)` (a receiver that repeats what it was sent)

`tickets` counts the tickets *created* per intake id: a delivery repeated after a crash or a lost
answer must find the first one and create nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

Fault = str
FAULTS = ("accept", "500", "429", "400", "hang", "reset", "lost", "errcode", "echo")


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    fault: Fault

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class IntakeState:
    webhook_secret: str | None = None
    robot_secret: str | None = None
    retry_after: str = "1"
    hang_seconds: float = 3.0
    faults: Callable[[Received], Fault] = lambda r: "accept"
    echo: Callable[[Received], bytes] = lambda r: r.body
    echo_type: str = "text/plain"
    received: list[Received] = field(default_factory=list)
    tickets: Counter[str] = field(default_factory=Counter)
    """Tickets created per intake id."""
    by_key: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Idempotency key or webhook-id -> the answer first given."""
    issues: list[dict[str, Any]] = field(default_factory=list)
    """Jira, GitHub and Zendesk tickets: {system, id, intake_id, labels, body, revision, ...}."""
    messages: list[dict[str, Any]] = field(default_factory=list)
    """Chat robot messages accepted."""
    signature_errors: int = 0
    on_created: Callable[[str], None] | None = None
    """Called with the intake id after a ticket is created, before the answer (a kill switch)."""
    lock: threading.Lock = field(default_factory=threading.Lock)


def _intake_of(text: str) -> str | None:
    m = re.search(r"lt-[0-9a-f]{16}", text)
    return m.group(0) if m else None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # header and body go in two writes; do not wait 40 ms between

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _handle(self) -> None:
        state = self.server.state
        length = int(self.headers.get("content-length") or 0)
        headers = {k.lower(): v for k, v in self.headers.items()}
        probe = Received(self.command, self.path, headers, b"", "accept")
        fault = state.faults(probe)
        if fault == "reset":
            self._reset()
            return
        body = self.rfile.read(length) if length else b""
        if len(body) < length:  # the sender died mid-request: nothing arrived, as for any server
            self.close_connection = True
            return
        received = Received(self.command, self.path, headers, body, fault)
        with state.lock:
            state.received.append(received)
        if fault == "hang":
            time.sleep(state.hang_seconds)
            self.close_connection = True
            return
        if fault == "echo":
            self._reply(400, state.echo(received), {"content-type": state.echo_type})
            return
        if fault in ("500", "429", "400"):
            extra = {"retry-after": state.retry_after} if fault == "429" else {}
            self._reply(int(fault), {"error": f"injected {fault}"}, extra)
            return
        status, answer, created = self._route(received)
        if created and state.on_created:
            state.on_created(created)
        if fault == "lost":
            self._reset()
            return
        if fault == "errcode" and status == 200:
            answer = {"errcode": 310000, "code": 310000, "errmsg": "keywords not in content"}
        self._reply(status, answer)

    do_GET = do_POST = do_PUT = do_PATCH = _handle

    def _reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _reply(self, status: int, answer: Any, headers: dict[str, str] | None = None) -> None:
        data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        try:
            headers = {"content-type": "application/json" if not isinstance(answer, bytes) else "text/plain"} | (
                headers or {}
            )
            self.send_response(status)
            self.send_header("content-length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True  # the sender is gone (killed mid-request)

    # -- receivers ----------------------------------------------------------------------------

    def _route(self, r: Received) -> tuple[int, Any, str | None]:
        path = urlsplit(r.path).path
        if path.startswith("/hooks/"):
            return self._webhook(r)
        if path.startswith("/api/v2/tickets"):
            return self._zendesk(r, path)
        if path.startswith("/rest/api/3/"):
            return self._jira(r, path)
        if path.startswith(("/search/issues", "/repos/")):
            return self._github(r, path)
        if path in ("/robot/send", "/cgi-bin/webhook/send") or path.startswith(("/open-apis/bot/", "/services/")):
            return self._robot(r, path)
        return 404, {"error": "no such endpoint"}, None

    def _create_once(self, key: str, intake_id: str, make: Callable[[], dict[str, Any]]) -> tuple[Any, str | None]:
        state = self.server.state
        with state.lock:
            if key in state.by_key:
                return state.by_key[key], None
            answer = make()
            state.by_key[key] = answer
            state.tickets[intake_id] += 1
        return answer, intake_id

    def _webhook(self, r: Received) -> tuple[int, Any, str | None]:
        state = self.server.state
        if state.webhook_secret:
            try:
                Webhook(state.webhook_secret).verify(r.body, r.headers)
            except WebhookVerificationError:
                with state.lock:
                    state.signature_errors += 1
                return 401, {"error": "bad signature"}, None
        event = r.json()
        intake = event["data"]["intake_id"]
        if event["revision"] > 1:  # a revision updates the ticket; it is not a new one
            with state.lock:
                state.by_key.setdefault(r.headers["webhook-id"], {"id": event["id"]})
            return 200, {"id": event["id"]}, None
        answer, created = self._create_once(r.headers["webhook-id"], intake, lambda: {"id": f"T-{intake}"})
        return 200, answer, created

    def _next_id(self) -> int:
        with self.server.state.lock:
            return len(self.server.state.issues) + 1

    def _zendesk(self, r: Received, path: str) -> tuple[int, Any, str | None]:
        ticket = r.json()["ticket"]
        state = self.server.state
        if r.method == "POST":
            # Zendesk's keys are its own: the webhook receiver sees the same event ids.
            key = f"zendesk:{r.headers.get('idempotency-key') or time.monotonic_ns()}"

            def make() -> dict[str, Any]:
                issue = {"system": "zendesk", "id": len(state.issues) + 1, "intake_id": ticket["external_id"], **ticket}
                state.issues.append(issue)
                return {"ticket": {"id": issue["id"]}}

            answer, created = self._create_once(key, ticket["external_id"], make)
            return 201, answer, created
        number = int(re.findall(r"\d+", path)[-1])
        with state.lock:
            state.issues[number - 1]["updates"] = state.issues[number - 1].get("updates", 0) + 1
        return 200, {"ticket": {"id": number}}, None

    def _jira(self, r: Received, path: str) -> tuple[int, Any, str | None]:
        state = self.server.state
        if r.method == "GET":
            jql = parse_qs(urlsplit(r.path).query)["jql"][0]
            label = re.search(r'labels = "([^"]+)"', jql).group(1)  # type: ignore[union-attr]
            with state.lock:
                found = [{"key": i["key"]} for i in state.issues if i["system"] == "jira" and label in i["labels"]]
            return 200, {"issues": found}, None
        fields = r.json()["fields"]
        intake = next(x for x in fields["labels"] if x.startswith("lt-"))
        if r.method == "POST":
            with state.lock:
                key = f"{fields['project']['key']}-{len(state.issues) + 1}"
                state.issues.append({"system": "jira", "key": key, "intake_id": intake, **fields})
                state.tickets[intake] += 1
            return 201, {"id": "1", "key": key}, intake
        key = unquote(path.rsplit("/", 1)[1])
        with state.lock:
            issue = next(i for i in state.issues if i.get("key") == key)
            issue.update(fields)
            issue["updates"] = issue.get("updates", 0) + 1
        return 204, b"", None

    def _github(self, r: Received, path: str) -> tuple[int, Any, str | None]:
        state = self.server.state
        if r.method == "GET":
            q = parse_qs(urlsplit(r.path).query)["q"][0]
            wanted = re.search(r'"([^"]+)"', q).group(1)  # type: ignore[union-attr]
            with state.lock:
                items = [
                    {"number": i["number"], "body": i["body"]}
                    for i in state.issues
                    if i["system"] == "github" and wanted in i["body"]
                ]
            return 200, {"total_count": len(items), "items": items}, None
        issue = r.json()
        intake = _intake_of(issue["body"]) or "?"
        if r.method == "POST":
            with state.lock:
                number = len(state.issues) + 1
                state.issues.append({"system": "github", "number": number, "intake_id": intake, **issue})
                state.tickets[intake] += 1
            return 201, {"number": number, "html_url": f"https://github.test/issues/{number}"}, intake
        number = int(path.rsplit("/", 1)[1])
        with state.lock:
            found = next(i for i in state.issues if i.get("number") == number)
            found.update(issue)
            found["updates"] = found.get("updates", 0) + 1
        return 200, {"number": number}, None

    def _robot(self, r: Received, path: str) -> tuple[int, Any, str | None]:
        state = self.server.state
        payload = r.json()
        query = {k: v[0] for k, v in parse_qs(urlsplit(r.path).query).items()}
        secret = state.robot_secret
        if path == "/robot/send" and secret:  # DingTalk: ms timestamp and sign in the query
            expected = base64.b64encode(
                hmac.new(secret.encode(), f"{query.get('timestamp')}\n{secret}".encode(), hashlib.sha256).digest()
            ).decode()
            stamp = int(query.get("timestamp", "0"))
            if query.get("sign") != expected or abs(stamp - time.time() * 1000) > 3600_000:
                return 200, {"errcode": 310000, "errmsg": "sign not match"}, None
        if path.startswith("/open-apis/") and secret:  # Feishu: s timestamp and sign in the body
            key = f"{payload.get('timestamp')}\n{secret}".encode()
            expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            if payload.get("sign") != expected or abs(int(payload.get("timestamp", 0)) - time.time()) > 3600:
                return 200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}, None
        with state.lock:
            state.messages.append({"path": path, **payload})
        if path.startswith("/services/"):
            return 200, b"ok", None
        if path.startswith("/open-apis/"):
            return 200, {"code": 0, "msg": "success"}, None
        return 200, {"errcode": 0, "errmsg": "ok"}, None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, state: IntakeState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a sender killed or reset mid-request is what these tests do on purpose


@contextmanager
def intake_server(state: IntakeState | None = None) -> Iterator[tuple[str, IntakeState]]:
    """Run the intake in a thread; yields its base URL and its state."""
    state = state or IntakeState()
    server = _Server(state)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
