"""Delivery through a real intake on 127.0.0.1 that fails in each way a receiver fails."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from config.settings import Settings
from exporter import RetryPolicy, deliver_all, export, retry_policy, run_worker
from exporter.retry import RetryPolicy as Policy
from exporter.transport import retry_after
from store import Outbox, Store
from store.outbox import moment
from tests.exporter.intake_server import IntakeState, Received, intake_server
from tests.exporter.support import add_post, settings, zendesk_sink

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
T0 = 1_790_000_000.0


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def script(*faults: str) -> Callable[[Received], str]:
    """The first requests fail as listed; the rest are accepted."""
    queue = list(faults)
    return lambda r: queue.pop(0) if queue else "accept"


@pytest.fixture
def intake() -> Iterator[tuple[str, IntakeState]]:
    with intake_server(IntakeState(webhook_secret=SECRET, hang_seconds=1.5)) as served:
        yield served


def webhook_settings(tmp_path: Path, url: str, extra: str = "") -> Settings:
    return settings(
        tmp_path,
        f'[export]\nretry_base_seconds = 10\nmax_attempts = 4\n{extra}\n[[export.sinks]]\ntype = "webhook"\n'
        f'url = "{url}/hooks/lingting"\nsecret_env = "WH_SECRET"\ntimeout_seconds = 0.5\n',
    )


def run(store: Store, s: Settings, clock: Clock, seed: int = 7) -> Any:
    return export(store, s, env={"WH_SECRET": SECRET}, clock=clock, retry=policy(s, seed))


def policy(s: Settings, seed: int = 7) -> RetryPolicy:
    return retry_policy(s, random.Random(seed))


def only_row(store: Store) -> dict[str, Any]:
    (row,) = store.query("SELECT * FROM outbox")
    return row


def test_500_is_retried_after_jittered_backoff(tmp_path: Path, intake: tuple[str, IntakeState]):
    url, state = intake
    state.faults = script("500", "500")
    s = webhook_settings(tmp_path, url)
    store = Store(s.database_path)
    add_post(store, "1", "alice")
    clock = Clock()
    summary = run(store, s, clock)
    assert (summary.delivered, summary.failed) == (0, 1)
    twin = policy(s)  # the same seed draws the same jitter
    row = only_row(store)
    assert row["status"] == "failed" and row["attempts"] == 1 and "HTTP 500" in row["last_error"]
    assert row["next_attempt_at"] == moment(T0 + twin.delay(1))
    assert deliver_all(store, [], [], retry=twin, clock=clock).delivered == 0  # not due yet
    clock.now += 10  # past any first delay (5-10 s), not yet the second
    summary = run(store, s, clock)
    row = only_row(store)
    assert row["attempts"] == 2 and row["next_attempt_at"] > moment(clock.now + 9.99)  # second delay: 10-20 s
    clock.now += 20
    assert run(store, s, clock).delivered == 1
    assert only_row(store)["status"] == "delivered" and sum(state.tickets.values()) == 1
    assert state.signature_errors == 0


def test_429_honours_retry_after(tmp_path: Path, intake: tuple[str, IntakeState]):
    url, state = intake
    state.faults, state.retry_after = script("429"), "120"
    s = webhook_settings(tmp_path, url)
    store = Store(s.database_path)
    add_post(store, "1", "alice")
    clock = Clock()
    run(store, s, clock)
    assert only_row(store)["next_attempt_at"] == moment(T0 + 120)
    clock.now += 119
    assert run(store, s, clock).delivered == 0
    clock.now += 1
    assert run(store, s, clock).delivered == 1


def test_retry_after_as_seconds_or_http_date():
    assert retry_after("30", T0) == 30.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470.0) == 10.0
    assert retry_after("soon", T0) is None and retry_after(None, T0) is None
    assert retry_after("nan", T0) is None and retry_after("1e400", T0) == float("inf")


@pytest.mark.parametrize(
    ("header", "wait"),
    [
        ("3000000000", 600),  # 95 years
        ("1e400", 600),
        ("Fri, 31 Dec 9999 23:59:59 GMT", 600),
        ("120", 120),
        ("nan", None),  # says nothing: the backoff decides
    ],
)
def test_a_retry_after_far_ahead_is_capped_by_retry_after_max_seconds(
    tmp_path: Path, intake: tuple[str, IntakeState], header: str, wait: float | None
):
    url, state = intake
    state.faults, state.retry_after = script("429"), header
    s = webhook_settings(tmp_path, url, "retry_after_max_seconds = 600")
    store = Store(s.database_path)
    add_post(store, "1", "alice")
    clock = Clock()
    assert run(store, s, clock).failed == 1
    expected = policy(s).delay(1) if wait is None else wait
    assert only_row(store)["next_attempt_at"] == moment(T0 + expected)
    clock.now += expected
    assert run(store, s, clock).delivered == 1 and sum(state.tickets.values()) == 1


@pytest.mark.parametrize("fault", ["hang", "reset"])
def test_timeout_and_connection_reset_are_retried(tmp_path: Path, intake: tuple[str, IntakeState], fault: str):
    url, state = intake
    state.faults = script(fault)
    s = webhook_settings(tmp_path, url)
    store = Store(s.database_path)
    add_post(store, "1", "alice")
    clock = Clock()
    assert run(store, s, clock).failed == 1
    error = only_row(store)["last_error"]
    assert ("no answer within 0.5s" in error) if fault == "hang" else ("Error" in error)
    clock.now += 3600
    assert run(store, s, clock).delivered == 1 and sum(state.tickets.values()) == 1


def test_lost_answer_is_sent_again_and_the_intake_keeps_one_ticket(tmp_path: Path, intake: tuple[str, IntakeState]):
    url, state = intake
    state.faults = script("lost")
    s = webhook_settings(tmp_path, url)
    store = Store(s.database_path)
    add_post(store, "1", "alice")
    clock = Clock()
    assert run(store, s, clock).failed == 1  # the ticket was made, but the exporter cannot know
    clock.now += 3600
    assert run(store, s, clock).delivered == 1
    posts = [r for r in state.received if r.method == "POST"]
    assert len(posts) == 2 and posts[0].headers["webhook-id"] == posts[1].headers["webhook-id"]
    assert list(state.tickets.values()) == [1]


def test_other_4xx_is_dead_with_the_response_kept_and_can_be_replayed(tmp_path: Path, intake: tuple[str, IntakeState]):
    url, state = intake
    state.faults = script("400")
    s = webhook_settings(tmp_path, url)
    store = Store(s.database_path)
    add_post(store, "1", "alice")
    clock = Clock()
    assert run(store, s, clock).dead == 1
    row = only_row(store)
    assert row["status"] == "dead" and row["response"].startswith("HTTP 400\n") and "injected 400" in row["response"]
    assert Outbox(store).replay_dead(now=moment(clock.now)) == 1
    assert run(store, s, clock).delivered == 1 and only_row(store)["response"] is None


def test_gives_up_after_max_attempts(tmp_path: Path, intake: tuple[str, IntakeState]):
    url, state = intake
    state.faults = lambda r: "500"
    s = webhook_settings(tmp_path, url)
    store = Store(s.database_path)
    add_post(store, "1", "alice")
    clock = Clock()
    for _ in range(4):
        run(store, s, clock)
        clock.now += 7200
    row = only_row(store)
    assert row["status"] == "dead" and row["attempts"] == 4 and "gave up after 4 attempts" in row["last_error"]


def test_backoff_jitter_is_seeded_bounded_and_capped():
    a, b = Policy(10, 100, 5, random.Random(1)), Policy(10, 100, 5, random.Random(1))
    delays = [a.delay(n) for n in range(1, 8)]
    assert delays == [b.delay(n) for n in range(1, 8)]
    for n, d in enumerate(delays, start=1):
        ceiling = min(100, 10 * 2 ** (n - 1))
        assert ceiling / 2 <= d <= ceiling
    assert Policy(10, 100, 5, random.Random(2)).delay(3) != Policy(10, 100, 5, random.Random(1)).delay(3)
    assert a.delay(1, retry_after=30) == 30 and a.exhausted(5) and not a.exhausted(4)


def test_a_revision_waits_for_the_first_and_then_updates_the_same_ticket(tmp_path: Path):
    with intake_server() as (url, state):
        state.faults = script("500")
        s = settings(tmp_path, zendesk_sink(url))
        store = Store(s.database_path)
        add_post(store, "1", "alice")
        clock = Clock()
        env = {"ZD_TOKEN": "zendesk-token-secret"}
        assert export(store, s, env=env, clock=clock).failed == 1
        add_post(store, "2", "bob", copy_of="1")  # grows while revision 1 is still owed
        summary = export(store, s, env=env, clock=clock)
        assert [p.revision for p in summary.planned] == [2] and summary.delivered == 0  # r2 waits for r1
        clock.now += 3600
        assert export(store, s, env=env, clock=clock).delivered == 2
        methods = [(r.method, r.path) for r in state.received]
        assert methods == [("POST", "/api/v2/tickets.json")] * 2 + [("PUT", "/api/v2/tickets/1.json")]
        assert list(state.tickets.values()) == [1] and state.issues[0]["updates"] == 1
        refs = [r["external_ref"] for r in store.query("SELECT external_ref FROM outbox ORDER BY revision")]
        assert refs == ["1", "1"]


@pytest.mark.parametrize("system", ["zendesk", "jira", "github"])
def test_lost_create_answer_finds_the_ticket_instead_of_making_another(tmp_path: Path, system: str):
    with intake_server() as (url, state):
        state.faults = lambda r: "lost" if r.method == "POST" and not state.tickets else "accept"
        sink = {
            "zendesk": f'type = "zendesk"\nbase_url = "{url}"\nemail = "ops@x.test"\ntoken_env = "TOKEN"\n',
            "jira": f'type = "jira"\nbase_url = "{url}"\nemail = "e@x"\ntoken_env = "TOKEN"\nproject_key = "OPS"\n',
            "github": f'type = "github"\nrepo = "acme/fb"\napi_url = "{url}"\ntoken_env = "TOKEN"\n',
        }[system]
        s = settings(tmp_path, f"[export]\n[[export.sinks]]\n{sink}")
        store = Store(s.database_path)
        add_post(store, "1", "alice")
        clock, env = Clock(), {"TOKEN": "token-very-secret"}
        assert export(store, s, env=env, clock=clock).failed == 1
        clock.now += 3600
        assert export(store, s, env=env, clock=clock).delivered == 1
        add_post(store, "2", "bob", copy_of="1")
        assert export(store, s, env=env, clock=clock).delivered == 1  # revision 2: an update
        assert list(state.tickets.values()) == [1]
        assert state.issues[0].get("updates", 0) >= 1


def test_secrets_appear_in_no_log_and_no_database_row(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    token = "zd-token-0123456789"
    with intake_server() as (url, state):
        state.faults = lambda r: "400"
        s = settings(
            tmp_path,
            zendesk_sink(url) + '[[export.sinks]]\ntype = "webhook"\n'
            f'url = "{url}/hooks/x"\nsecret_env = "WH_SECRET"\n',
        )
        store = Store(s.database_path)
        add_post(store, "1", "alice")
        with caplog.at_level(logging.DEBUG):
            summary = export(store, s, env={"ZD_TOKEN": token, "WH_SECRET": SECRET}, clock=Clock())
        assert summary.dead == 2
        sent = state.received[0].headers["authorization"]
        signature = next(r.headers["webhook-signature"] for r in state.received if "webhook-signature" in r.headers)
    store.close()
    db = b"".join(p.read_bytes() for p in tmp_path.glob("l.db*"))
    for secret in (token, sent.split()[1], SECRET, SECRET.removeprefix("whsec_"), signature.removeprefix("v1,")):
        assert secret.encode() not in db
        assert secret not in caplog.text


@pytest.mark.parametrize("poll", [0.0, -1.0, float("nan"), float("inf")])
def test_the_worker_refuses_a_poll_that_would_never_sleep_or_never_wake(tmp_path: Path, poll: float):
    s = settings(tmp_path)
    store = Store(s.database_path)
    add_post(store, "1", "alice")
    with pytest.raises(ValueError, match="poll"):
        run_worker(store, [], [], retry=retry_policy(s), poll=poll)
