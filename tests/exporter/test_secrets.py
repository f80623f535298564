"""Secrets: never written into the config, never kept from a receiver's answer, in any encoding."""

from __future__ import annotations

import base64
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any
from urllib.parse import quote, quote_plus

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

import config
import config.export
from exporter import export
from store import Store
from tests.exporter.intake_server import IntakeState, Received, intake_server
from tests.exporter.support import add_post, settings, zendesk_sink

PASTED = {
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw": "export.sinks[0].secret_env",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a": "export.sinks[0].token_env",
    "https://oapi.dingtalk.com/robot/send?access_token=8f2a77c1d0": "export.alerts[0].url_env",
    "a8F3kQ9zLm2Xw7Pq4Rt6Yv1B": "sources[0].token_env",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc": "web.secret_key_env",
}
SINK_OF = {
    "export.sinks[0].secret_env": '[[export.sinks]]\ntype = "webhook"\nurl = "https://i.test/h"\nsecret_env = "{v}"\n',
    "export.sinks[0].token_env": '[[export.sinks]]\ntype = "github"\nrepo = "a/b"\ntoken_env = "{v}"\n',
    "export.alerts[0].url_env": '[[export.alerts]]\ntype = "dingtalk"\nurl_env = "{v}"\n',
    "sources[0].token_env": '[[sources]]\ntype = "github"\nname = "gh"\ntoken_env = "{v}"\n',
    "web.secret_key_env": '[web]\nsecret_key_env = "{v}"\n',
}


def windows(value: str, size: int = 8) -> set[str]:
    return {value[i : i + size] for i in range(len(value) - size + 1)}


@pytest.mark.parametrize(("value", "key"), PASTED.items())
def test_a_secret_pasted_where_a_variable_name_belongs_is_refused_without_echoing_it(
    tmp_path: Path, value: str, key: str
):
    path = tmp_path / "lingting.toml"
    path.write_text(f'products = [{{ name = "声链" }}]\n{SINK_OF[key].format(v=value)}', encoding="utf-8")
    for command in (["export", "--dry-run"], ["crawl"]):
        result = subprocess.run(
            [sys.executable, "-m", "lingting.cli", *command, "-c", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        said = result.stdout + result.stderr
        assert result.returncode == 2, said
        assert key in said and "not shown" in said and "不予显示" in said and "Traceback" not in said
        assert not any(w in said for w in windows(value)), said
    assert not (tmp_path / "lingting.db").exists()


def config_modules() -> list[ModuleType]:
    """Every module of the config package, so that a settings model added later is walked too."""
    return [importlib.import_module(f"config.{m.name}") for m in pkgutil.iter_modules(config.__path__)]


def test_every_env_key_of_every_model_is_checked_as_a_name():
    models = [m for mod in config_modules() for m in vars(mod).values()]
    env_fields = {
        (m.__name__, name): Annotated[f.annotation, f]  # the field's type with its validators
        for m in models
        if isinstance(m, type) and issubclass(m, BaseModel)
        for name, f in m.model_fields.items()
        if name.endswith("_env")
    }
    assert len(env_fields) >= 10 and ("WebSettings", "secret_key_env") in env_fields
    for where, annotation in env_fields.items():
        check: TypeAdapter[Any] = TypeAdapter(annotation)  # type: ignore[arg-type]
        assert check.validate_python("LINGTING_TOKEN") == "LINGTING_TOKEN"
        for value in PASTED:
            with pytest.raises(ValidationError):
                check.validate_python(value)
                pytest.fail(f"{where} took a secret")


TOKEN = "zd/Tok+en=&9f8e7d6c5b4a"
"""A token with the characters that every encoding writes differently."""


def echo_everywhere(r: Received) -> bytes:
    """A receiver that repeats the token around where the error message (200) and the stored
    answer (2000) are cut, JSON-escaped as Go and PHP write it, URL-encoded, and in base64."""
    sent = r.headers["authorization"].split()[1]  # base64 of "email/token:TOKEN"
    go = json.dumps(TOKEN)[1:-1].replace("&", "\\u0026").replace("+", "\\u002b")
    php = json.dumps(TOKEN).replace("/", "\\/")
    noise = base64.b64encode(b"ab" + TOKEN.encode() + b"cd").decode()
    parts = [
        "e" * 190 + TOKEN,  # across the message's cut
        f'{{"detail": "{go}", "php": {php}}}',
        quote(TOKEN, safe=""),
        quote_plus(TOKEN),
        f"auth={sent} noise={noise}",
    ]
    parts.append(quote(quote(TOKEN, safe=""), safe=""))  # encoded twice
    head = " ".join(parts)
    return (head + "f" * (2000 - len("HTTP 400\n") - len(head) - 5) + TOKEN + "g" * 100).encode()


def test_a_receivers_echo_is_redacted_before_it_is_cut_in_every_encoding(tmp_path: Path):
    state = IntakeState(faults=lambda r: "echo", echo=echo_everywhere)
    with intake_server(state) as (url, state):
        s = settings(tmp_path, zendesk_sink(url))
        store = Store(s.database_path)
        add_post(store, "1", "alice")
        assert export(store, s, env={"ZD_TOKEN": TOKEN}).dead == 1
        echoed = state.received[0]
    (row,) = store.query("SELECT last_error, response FROM outbox")
    assert row["response"].startswith("HTTP 400\n") and row["response"].count("***") >= 6
    assert "e" * 190 + "***" in row["last_error"]
    store.close()
    db = b"".join(p.read_bytes() for p in tmp_path.glob("l.db*")).decode("utf-8", errors="replace")
    forms = [
        TOKEN,
        json.dumps(TOKEN)[1:-1].replace("&", "\\u0026"),
        quote(TOKEN, safe=""),
        echoed.headers["authorization"].split()[1],
        base64.b64encode(b"ab" + TOKEN.encode() + b"cd").decode()[4:-4],
    ]
    for form in forms:
        leaked = [w for w in windows(form, 6) if w in db]
        assert not leaked, (form, leaked)


def test_an_answer_in_utf_16_is_redacted_too(tmp_path: Path):
    state = IntakeState(
        faults=lambda r: "echo",
        echo=lambda r: f"bad token {TOKEN} for ops@x.test".encode("utf-16"),
        echo_type="text/plain; charset=utf-16",
    )
    with intake_server(state) as (url, _):
        s = settings(tmp_path, zendesk_sink(url))
        store = Store(s.database_path)
        add_post(store, "1", "alice")
        assert export(store, s, env={"ZD_TOKEN": TOKEN}).dead == 1
    (row,) = store.query("SELECT last_error, response FROM outbox")
    assert row["response"] == "HTTP 400\nbad token *** for ops@x.test" and "bad token ***" in row["last_error"]


@pytest.mark.parametrize(
    "name",
    ["WH_SECRET", "ZENDESK_API_TOKEN", "LINGTING_WEBHOOK_SIGNING_SECRET_PRODUCTION", "PROD2024WEBHOOKSECRET",
     "MyLongWebhookSecretName", "github_token", "SECRET_KEY", "WEIBO_COOKIE"],
)  # fmt: skip
def test_names_of_variables_are_taken(name: str):
    assert config.export.GithubSink(type="github", repo="a/b", token_env=name).token_env == name


@pytest.mark.parametrize(
    "value",
    [*PASTED, "sk-proj-abc", "xoxb-1-2-abc", "glpat-abcdefghij", "SEC0123456789abcdef0123456789",
     "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c", "eyJhbGciOiJIUzI1NiJ9", "AKIAIOSFODNN7EXAMPLE", "MfKQrGKYqrTwjUPDILPZIoLa"],
)  # fmt: skip
def test_tokens_are_refused_without_being_repeated(value: str):
    with pytest.raises(ValidationError) as caught:
        config.export.GithubSink(type="github", repo="a/b", token_env=value)
    message = str(caught.value.errors()[0]["msg"])
    assert "not shown" in message and not any(w in message for w in windows(value, 6))
