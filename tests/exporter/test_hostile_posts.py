"""Crawled text cannot act through a ticket: every sink's bytes, from a hostile post, open nothing.

A post that mentions people and teams, references other repositories, carries Markdown links,
HTML, bidi overrides and zero-width characters, and a `javascript:` address, is exported to a real
intake on 127.0.0.1 (GitHub, Jira, Zendesk, webhook, JSONL, a Slack robot). What arrives must have
the shape of a harmless post's ticket (the same skeleton: no link, emphasis, HTML or list the post
made), no live mention or reference outside code, no invisible character, and only addresses on
the source's own site. The fuzz test then does the same for any text hypothesis draws.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from exporter import build_record, envelope, export, validate
from exporter.alerts import AlertItem, AlertMessage, DingtalkBot, SlackBot
from exporter.inert import clean
from exporter.sinks import GithubSink, JiraSink, WebhookSink, ZendeskSink
from exporter.transport import HttpResponse, RenderedRequest
from lingting.cli import main
from store import Store
from tests.exporter.intake_server import IntakeState, intake_server
from tests.exporter.markup import adf_skeleton, adf_texts, invisible, live_text, skeleton
from tests.exporter.support import add_post
from tests.exporter.support import settings as config
from tests.fuzz import fuzz_settings

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
HOSTILE_TITLE = "@everyone @acme/oncall acme/infra#1 #2 GH-3 [reset](https://evil.test/r) <b>x</b> \u202egnp.exe\u200b"
HOSTILE_TEXT = (
    "声链推送失败 cc @alice @acme/security, see acme/infra#12 and #7 :tada:\n"
    "[reset your password](https://evil.test/reset) ![](https://evil.test/pixel.png) <img src=x onerror=alert(1)>\n"
    "**urgent** _now_ https://evil.test www.evil.test javascript:alert(1)\n"
    "```\n# heading\n> quote\n- item\n\u202eevil\u2066 zero\u200bwidth\x07bell\r\nend"
)
HOSTILE_URLS = ("javascript:alert(1)", "https://evil.test/phish", "https://v2ex.test/t/1) [x](https://evil.test")


def sinks_toml(url: str) -> str:
    return (
        f'[export]\n[[export.sinks]]\ntype = "jsonl"\n'
        f'[[export.sinks]]\ntype = "webhook"\nurl = "{url}/hooks/x"\nsecret_env = "WH_SECRET"\n'
        f'[[export.sinks]]\ntype = "zendesk"\nbase_url = "{url}"\nemail = "ops@x.test"\ntoken_env = "TOKEN"\n'
        f'[[export.sinks]]\ntype = "jira"\nbase_url = "{url}"\nemail = "e@x.test"\ntoken_env = "TOKEN"\n'
        'project_key = "OPS"\n'
        f'[[export.sinks]]\ntype = "github"\nrepo = "acme/fb"\napi_url = "{url}"\ntoken_env = "TOKEN"\n'
        '[[export.alerts]]\ntype = "slack"\nurl_env = "SLACK_URL"\n'
    )


def delivered(tmp_path: Path, title: str, text: str, urls: tuple[str, str]) -> dict[str, Any]:
    """Export a cluster of two posts to every sink on a real intake; what each one received."""
    with intake_server(IntakeState(webhook_secret=SECRET)) as (url, state):
        s = config(tmp_path, sinks_toml(url))
        store = Store(s.database_path)
        add_post(store, "1", "alice", text=text)
        store.conn.execute("UPDATE posts SET title = ?, url = ? WHERE source_post_id = '1'", (title, urls[0]))
        add_post(store, "2", "bob", text=text, copy_of="1")
        store.conn.execute("UPDATE posts SET url = ? WHERE source_post_id = '2'", (urls[1],))
        env = {"WH_SECRET": SECRET, "TOKEN": "token-0123456789", "SLACK_URL": f"{url}/services/T0/B0/x"}
        summary = export(store, s, env=env)
        assert summary.delivered == 5 and summary.alerted == 1 and not summary.invalid
        sent = {r.path.split("?")[0]: r.json() for r in state.received if r.method in ("POST", "PUT", "PATCH")}
    (event,) = [json.loads(line) for line in (tmp_path / "tickets.jsonl").read_text("utf-8").splitlines()]
    return {
        "jsonl": event,
        "webhook": sent["/hooks/x"],
        "zendesk": sent["/api/v2/tickets.json"]["ticket"],
        "jira": sent["/rest/api/3/issue"]["fields"],
        "github": sent["/repos/acme/fb/issues"],
        "slack": sent["/services/T0/B0/x"],
    }


def strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


def test_a_hostile_post_reaches_every_sink_inert(tmp_path: Path):
    got = delivered(tmp_path / "hostile", HOSTILE_TITLE, HOSTILE_TEXT, ("javascript:alert(1)", "https://evil.test/p"))
    calm = delivered(tmp_path / "calm", "a title", "a text", ("javascript:x", "https://elsewhere.test/p"))
    record = got["jsonl"]["data"]
    validate(record)
    assert got["webhook"] == got["jsonl"]  # the same event, byte for byte in meaning
    # The post's own address and its copy's are not on v2ex.test: left out, and said why.
    assert "url" not in record["source"] and "http(s)" in record["source"]["url_omitted"]
    assert record["related"]["urls"] == [] and "evil.test" not in json.dumps(record["source"])
    assert "\u202e" not in record["title"] and "\u200b" not in record["title"] and "gnp.exe" in record["title"]
    for sink, body in got.items():
        assert not [s for s in strings(body) if invisible(s)], sink
    # Markdown surfaces: the shape of a harmless ticket, nothing live outside the quoted code.
    for name, markdown, calm_markdown in (
        ("description", record["description_md"], calm["jsonl"]["data"]["description_md"]),
        ("zendesk", got["zendesk"]["comment"]["body"], calm["zendesk"]["comment"]["body"]),
        ("github", got["github"]["body"], calm["github"]["body"]),
    ):
        assert skeleton(markdown) == skeleton(calm_markdown), name
        assert live_text(markdown) == [], (name, live_text(markdown))
        assert "@alice" in markdown  # the words are all there, as text in a code block
    title = got["github"]["title"]
    assert not set(title) & set("@#[]()<>`*_|!:") and "＠everyone" in title and "acme/infra＃1" in title
    # Jira: the same document shape as a harmless post's; the post's words only in a code block.
    fields = got["jira"]
    assert adf_skeleton(fields["description"]) == adf_skeleton(calm["jira"]["description"])
    quoted = [text for block, text in adf_texts(fields["description"]) if "@alice" in text]
    assert [block for block, text in adf_texts(fields["description"]) if "@alice" in text] == ["codeBlock"]
    assert quoted and "[reset your password](https://evil.test/reset)" in quoted[0]
    # The Slack robot: our words and look-alikes, no link since the address was refused.
    slack = got["slack"]["blocks"][0]["text"]["text"]
    assert "<" not in slack and "@" not in slack and "＠everyone" in slack


def test_only_http_addresses_on_the_sources_site_are_linked(tmp_path: Path):
    got = delivered(tmp_path, "t", "声链推送失败", ("https://v2ex.test/t/1?a=1&b=2", HOSTILE_URLS[2]))
    record = got["jsonl"]["data"]
    assert record["source"]["url"] == "https://v2ex.test/t/1?a=1&b=2" and "url_omitted" not in record["source"]
    assert record["related"]["urls"] == []  # the copy's address holds markup
    hrefs = [h for h in (line.split("<", 1)[-1] for line in got["github"]["body"].splitlines() if "<http" in line)]
    assert hrefs == ["https://v2ex.test/t/1?a=1&b=2>", "https://v2ex.test/t/1?a=1&b=2>"]  # source line, footer
    links = [m for _, t in adf_texts(got["jira"]["description"]) for m in [t] if t.startswith("https://")]
    assert links == ["https://v2ex.test/t/1?a=1&b=2"] * 2


# -- fuzz: any text in, nothing live out, in every sink's rendering -------------------------------

FUZZ = fuzz_settings(40)
FRAGMENTS = [
    "@x", "@org/team", "a/b#1", "#1", "GH-1", "[a](https://evil.test)", "![i](https://evil.test/i.png)", "<b>",
    "<https://evil.test>", "https://evil.test", "www.evil.test", "**b**", "_e_", "`c`", "```", "~~~", "# h", "> q",
    "- l", "1. n", "\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\x00", "\x1b[31m", "\r", "\n", "\u2028",
    "&amp;", "&lt;script&gt;", "\\", "|", ":smile:", "javascript:alert(1)", "声链推送失败",
]  # fmt: skip
HOSTILE = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=12).map("".join)
URL = st.one_of(
    st.sampled_from(["https://v2ex.test/t/9", "https://evil.test/p", *HOSTILE_URLS, "data:text/html,x", ""]),
    HOSTILE,
    HOSTILE.map(lambda t: f"https://v2ex.test/t/{t}"),
)
SITES = {"v2ex": frozenset({"v2ex.test"})}


class Unused:
    def send(self, request: RenderedRequest) -> HttpResponse:
        raise AssertionError("rendering sends nothing")


def event_for(title: str, text: str, urls: tuple[str, str], author: str = "a") -> dict[str, Any]:
    analysis = {"category": "bug", "missing_info": ["logs"], "complaint_terms": [], "relevance_terms": []}
    posts = [
        {"id": n, "complaint": True, "priority": "P0", "analysis": analysis, "text": text, "title": title, "url": url,
         "source": "v2ex", "source_post_id": str(n), "author": author, "created_at": "2026-11-24T10:00:00Z",
         "lang": "zh", "fetched_at": "2026-11-24T11:00:00Z"}
        for n, url in enumerate(urls, start=1)
    ]  # fmt: skip
    cluster = {
        "intake_id": "lt-0123456789abcdef", "priority": "P0", "impact": "high", "urgency": "high", "category": "bug",
        "reasons": ["紧急程度: 明确催促 (急) / urgency: explicit pressure (急)"], "id": 1, "size": 2,
        "distinct_authors": 2, "flagged_at": "2026-11-24T11:00:00Z", "first_seen_at": None,
    }  # fmt: skip
    record = build_record(cluster, posts, captured_at="2026-11-24T12:00:00Z", sites=SITES)
    validate(record)
    return envelope(record, revision=1, source="urn:lingting", time="2026-11-24T12:00:00Z")


def renderings(event: dict[str, Any]) -> dict[str, Any]:
    github = GithubSink("g", repo="acme/fb", token="t" * 8, transport=Unused()).render_create(event).json()
    jira = JiraSink("j", base_url="https://j.test", email="e@x", token="t" * 8, project_key="OPS", transport=Unused())
    zendesk = ZendeskSink(
        "z", base_url="https://z.test", email="e@x", token="t" * 8, transport=Unused(), priority_map={}
    )
    webhook = WebhookSink("w", "https://w.test/h", SECRET, transport=Unused())
    message = AlertMessage("immediate", (AlertItem.from_event(event),))
    return {
        "github": github,
        "jira": jira.render_create(event).json()["fields"],
        "zendesk": zendesk.render(event).json()["ticket"],
        "webhook": webhook.render(event, now=0).json(),
        "jsonl": json.loads(json.dumps(event, ensure_ascii=False)),
        "dingtalk": DingtalkBot("d", url="https://d.test/robot/send?access_token=x", transport=Unused())
        .render(message, now=0)
        .json(),
        "slack": SlackBot("s", url="https://s.test/services/x", transport=Unused()).render(message, now=0).json(),
    }


@FUZZ
@given(HOSTILE, HOSTILE, URL, URL, HOSTILE)
def test_any_post_renders_inert_in_every_sink(title: str, text: str, url: str, copy_url: str, author: str):
    hostile = renderings(event_for(title, text, (url, copy_url), author))
    record = hostile["jsonl"]["data"]
    accepted = ("url" in record["source"], bool(record["related"]["urls"]))
    # A harmless post whose addresses were taken or left out as the hostile one's were.
    calm_urls = (record["source"].get("url", "javascript:0"), (record["related"]["urls"] or ["javascript:0"])[0])
    calm = renderings(event_for("t", "x" if clean(text).strip("\n") else "", calm_urls))  # an empty post stays empty
    for sink, body in hostile.items():
        assert not [s for s in strings(body) if invisible(s)], sink
    for sink, markdown in (
        ("description", record["description_md"]),
        ("github", hostile["github"]["body"]),
        ("zendesk", hostile["zendesk"]["comment"]["body"]),
        ("dingtalk", hostile["dingtalk"]["markdown"]["text"]),
    ):
        calm_markdown = {
            "description": calm["jsonl"]["data"]["description_md"],
            "github": calm["github"]["body"],
            "zendesk": calm["zendesk"]["comment"]["body"],
            "dingtalk": calm["dingtalk"]["markdown"]["text"],
        }[sink]
        assert skeleton(markdown) == skeleton(calm_markdown), sink
        assert live_text(markdown) == [], (sink, live_text(markdown))
    assert not set(hostile["github"]["title"]) & set("@#[]()<>`*_|!:")
    assert adf_skeleton(hostile["jira"]["description"]) == adf_skeleton(calm["jira"]["description"])
    links = {t for b, t in adf_texts(hostile["jira"]["description"]) if b != "codeBlock" and t.startswith("http")}
    assert links <= {record["source"].get("url"), *record["related"]["urls"]}
    slack = hostile["slack"]["blocks"][0]["text"]["text"]
    assert slack.count("<") == slack.count(">") == (1 if accepted[0] else 0) and "@" not in slack
    for href in [record["source"].get("url"), *record["related"]["urls"]]:
        assert href is None or href.startswith("https://v2ex.test/")


def test_the_terminal_shows_a_hostile_title_without_escapes_or_invisible_characters(tmp_path: Path):
    s = config(tmp_path)
    store = Store(s.database_path)
    add_post(store, "1", "alice")
    store.conn.execute("UPDATE posts SET title = ?", ("\x1b[2J\x1b[31m红\u202e字\u2060\ufeff[bold]x[/bold]",))
    path = tmp_path / "lingting.toml"
    path.write_text('database = "l.db"\nproducts = [{ name = "声链" }]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["flagged", "-c", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "红字[bold]x[/bold]" in result.output and not invisible(result.output.replace("\x1b", ""))
    assert "\x1b[2J" not in result.output and "\x1b[31m" not in result.output
