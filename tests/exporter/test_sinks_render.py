"""Each sink's requests, rendered as data and checked without a network."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from standardwebhooks.webhooks import Webhook

from exporter import ExportConfigError, build_sinks, plan
from exporter.sinks import GithubSink, JiraSink, WebhookSink, ZendeskSink
from exporter.sinks.adf import to_adf
from exporter.transport import HttpResponse, RenderedRequest
from store import Store
from tests.exporter.support import add_post, settings

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
TOKEN = "tok-SECRET-123456"


class Unused:
    def send(self, request: RenderedRequest) -> HttpResponse:
        raise AssertionError("rendering sends nothing")


def event(tmp_path: Path, revision: int = 1) -> dict[str, Any]:
    s = settings(tmp_path)
    store = Store(s.database_path)
    add_post(store, "1", "alice", text="声链 推送失败 <script>alert(1)</script> **急**")
    ev = plan(store, s).planned[0].event
    ev["revision"] = revision
    ev["id"] = f"{ev['subject']}.r{revision}"
    return ev


def test_standard_webhooks_known_answer():
    # The example of the Standard Webhooks specification: our signer must reproduce it.
    signer = WebhookSink("w", "https://x.test/h", SECRET, transport=Unused())._signer
    from datetime import UTC, datetime

    got = signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", datetime.fromtimestamp(1614265330, UTC), '{"test": 2432232314}')
    assert got == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_webhook_request_is_signed_and_idempotent(tmp_path: Path):
    ev = event(tmp_path)
    sink = WebhookSink("webhook:0", "https://intake.test/hooks/lingting", SECRET, transport=Unused())
    req = sink.render(ev, now=1_790_000_000.7)
    assert (req.method, req.url) == ("POST", "https://intake.test/hooks/lingting")
    h = req.headers
    assert h["webhook-id"] == h["idempotency-key"] == ev["id"] and h["webhook-timestamp"] == "1790000000"
    assert h["content-type"].startswith("application/cloudevents+json")
    assert json.loads(req.body or b"") == ev
    # Verified with the reference implementation (its clock check needs a current timestamp).
    now_req = sink.render(ev, now=time.time())
    assert Webhook(SECRET).verify(now_req.body or b"", dict(now_req.headers)) == ev
    again = sink.render(ev, now=1_790_000_000.2)
    assert again.headers["webhook-signature"] == h["webhook-signature"]  # same second, same signature
    assert SECRET not in repr(req.label)


def test_webhook_rejects_a_secret_that_is_not_base64():
    with pytest.raises(ExportConfigError, match="whsec_"):
        WebhookSink("w", "https://x.test", "whsec_!!!", transport=Unused())


def zendesk() -> ZendeskSink:
    prio = {"P0": "urgent", "P1": "high", "P2": "normal", "P3": "low"}
    return ZendeskSink(
        "zendesk:0", base_url="https://acme.zendesk.com/", email="ops@acme.test", token=TOKEN,
        transport=Unused(), priority_map=prio, tags=["voxlink"], group_id=42,
    )  # fmt: skip


def test_zendesk_create_and_update(tmp_path: Path):
    ev = event(tmp_path)
    req = zendesk().render(ev)
    assert (req.method, req.url) == ("POST", "https://acme.zendesk.com/api/v2/tickets.json")
    assert req.headers["idempotency-key"] == ev["id"]
    user, _, password = base64.b64decode(req.headers["authorization"].split()[1]).decode().partition(":")
    assert (user, password) == ("ops@acme.test/token", TOKEN)
    t = req.json()["ticket"]
    assert t["external_id"] == ev["data"]["intake_id"] and t["priority"] == "urgent" and t["type"] == "problem"
    assert {"lingting", "voxlink", "lingting_p0", "v2ex", "functional"} <= set(t["tags"])
    assert t["group_id"] == 42 and ev["data"]["intake_id"] in t["comment"]["body"]
    upd = zendesk().render(event(tmp_path / "b", revision=2), previous_ref="77")
    assert (upd.method, upd.url) == ("PUT", "https://acme.zendesk.com/api/v2/tickets/77.json")
    body = upd.json()["ticket"]
    assert "external_id" not in body and body["comment"]["public"] is False and "revision 2" in body["comment"]["body"]
    assert TOKEN not in req.label and TOKEN not in upd.label


def jira() -> JiraSink:
    return JiraSink(
        "jira:0", base_url="https://acme.atlassian.net", email="ops@acme.test", token=TOKEN, project_key="OPS",
        transport=Unused(), priority_map={"P0": "Highest"},
    )  # fmt: skip


def test_jira_searches_the_intake_label_then_creates_with_adf(tmp_path: Path):
    ev = event(tmp_path)
    intake = ev["data"]["intake_id"]
    search = jira().render_search(ev)
    assert search.method == "GET" and urlsplit(search.url).path == "/rest/api/3/search/jql"
    jql = parse_qs(urlsplit(search.url).query)["jql"][0]
    assert jql == f'project = "OPS" AND labels = "{intake}" ORDER BY created ASC'
    create = jira().render_create(ev)
    fields = create.json()["fields"]
    assert create.url.endswith("/rest/api/3/issue") and fields["project"] == {"key": "OPS"}
    assert intake in fields["labels"] and "lingting" in fields["labels"]
    assert fields["priority"] == {"name": "Highest"} and fields["issuetype"] == {"name": "Bug"}
    doc = fields["description"]
    assert doc["type"] == "doc" and doc["version"] == 1
    texts = json.dumps(doc, ensure_ascii=False)
    assert "<script>alert(1)</script>" in texts  # plain text in a JSON structure, not markup
    update = jira().render_update(ev, "OPS-7")
    assert (update.method, update.url) == ("PUT", "https://acme.atlassian.net/rest/api/3/issue/OPS-7")
    assert "project" not in update.json()["fields"]


def test_adf_blocks_and_marks():
    doc = to_adf(
        "**P0** · bug\n\n````text\nquoted **not bold** <https://x.test> ```\n- two\n````\n\n"
        "Source: x — <https://a.test/p?q=1> `lt-1`\n\n- one\n- [two](https://b.test)"
    )
    kinds = [b["type"] for b in doc["content"]]
    assert kinds == ["paragraph", "codeBlock", "paragraph", "bulletList"]
    assert doc["content"][0]["content"][0] == {"type": "text", "text": "P0", "marks": [{"type": "strong"}]}
    code = doc["content"][1]["content"]
    assert code == [{"type": "text", "text": "quoted **not bold** <https://x.test> ```\n- two"}]  # text, no marks
    link, ident = doc["content"][2]["content"][1], doc["content"][2]["content"][3]
    assert link["marks"] == [{"type": "link", "attrs": {"href": "https://a.test/p?q=1"}}]
    assert ident == {"type": "text", "text": "lt-1", "marks": [{"type": "code"}]}
    assert doc["content"][3]["content"][1]["content"][0]["content"] == [
        {"type": "text", "text": "[two](https://b.test)"}
    ]


def github() -> GithubSink:
    return GithubSink("github:0", repo="acme/feedback", token=TOKEN, transport=Unused())


def test_github_hidden_marker_search_create_update(tmp_path: Path):
    ev = event(tmp_path)
    intake = ev["data"]["intake_id"]
    search = github().render_search(ev)
    q = parse_qs(urlsplit(search.url).query)["q"][0]
    assert (
        q == f'"{intake}" repo:acme/feedback is:issue in:body' and search.headers["authorization"] == f"Bearer {TOKEN}"
    )
    create = github().render_create(ev)
    issue = create.json()
    assert create.url == "https://api.github.com/repos/acme/feedback/issues"
    assert issue["body"].rstrip().endswith(f"<!-- lingting-intake: {intake} -->")
    assert issue["labels"] == ["lingting", "priority:P0"] and issue["title"] == "推送失败 ＃1"  # `#1` links nothing
    update = github().render_update(ev, 12)
    assert (update.method, update.url) == ("PATCH", "https://api.github.com/repos/acme/feedback/issues/12")
    assert TOKEN not in search.label + create.label + update.label


def test_build_sinks_reads_secrets_from_the_environment_only(tmp_path: Path):
    s = settings(
        tmp_path,
        '[export]\n[[export.sinks]]\ntype = "jsonl"\n'
        '[[export.sinks]]\ntype = "github"\nrepo = "a/b"\ntoken_env = "GH_TOKEN"\n'
        '[[export.sinks]]\ntype = "jira"\nbase_url = "https://j.test"\nemail = "e@x"\n'
        'token_env = "JIRA_TOKEN"\nproject_key = "OPS"\n',
    )
    with pytest.raises(ExportConfigError, match="GH_TOKEN"):
        build_sinks(s, env={})
    sinks = build_sinks(s, env={"GH_TOKEN": "g" * 10, "JIRA_TOKEN": "j" * 10})
    assert [x.name for x in sinks] == ["jsonl:0", "github:0", "jira:0"]
