"""Where intake events go. A sink delivers one event and returns a reference to what it created.

Each HTTP sink renders its requests as data (`render…` methods, pure) and sends them through one
`HttpTransport`; secrets are read from the environment variables the config names, here, once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from config.settings import GithubSink as GithubSettings
from config.settings import JiraSink as JiraSettings
from config.settings import JsonlSink as JsonlSettings
from config.settings import Settings
from config.settings import WebhookSink as WebhookSettings
from config.settings import ZendeskSink as ZendeskSettings
from exporter.secrets import ExportConfigError, secret
from exporter.sinks.base import HttpSink, Sink, Transport
from exporter.sinks.github import GithubSink
from exporter.sinks.jira import JiraSink
from exporter.sinks.jsonl import JsonlFileSink
from exporter.sinks.webhook import WebhookSink
from exporter.sinks.zendesk import ZendeskSink
from exporter.transport import DeliveryError, HttpTransport, RenderedRequest

TransportFactory = Callable[[float], Transport]


def build_sinks(
    settings: Settings,
    *,
    env: Mapping[str, str] | None = None,
    transport: TransportFactory = HttpTransport,
) -> list[Sink]:
    """The configured sinks, named as in the outbox. Raises `ExportConfigError` for a missing secret."""
    names = settings.export.destination_names()
    sinks: list[Sink] = []
    for name, cfg in zip(names, settings.export.sinks, strict=False):
        if isinstance(cfg, JsonlSettings):
            sinks.append(JsonlFileSink(settings.path(cfg.path), name=name))
        elif isinstance(cfg, WebhookSettings):
            key = secret(env, cfg.secret_env, name)
            sinks.append(WebhookSink(name, cfg.url, key, transport=transport(cfg.timeout_seconds)))
        elif isinstance(cfg, ZendeskSettings):
            sinks.append(
                ZendeskSink(
                    name,
                    base_url=cfg.base_url,
                    email=cfg.email,
                    token=secret(env, cfg.token_env, name),
                    transport=transport(cfg.timeout_seconds),
                    priority_map={str(k): str(v) for k, v in cfg.priority_map.items()},
                    tags=cfg.tags,
                    group_id=cfg.group_id,
                )
            )
        elif isinstance(cfg, JiraSettings):
            sinks.append(
                JiraSink(
                    name,
                    base_url=cfg.base_url,
                    email=cfg.email,
                    token=secret(env, cfg.token_env, name),
                    project_key=cfg.project_key,
                    transport=transport(cfg.timeout_seconds),
                    issue_type=cfg.issue_type,
                    labels=cfg.labels,
                    priority_map={str(k): str(v) for k, v in (cfg.priority_map or {}).items()},
                )
            )
        elif isinstance(cfg, GithubSettings):
            sinks.append(
                GithubSink(
                    name,
                    repo=cfg.repo,
                    token=secret(env, cfg.token_env, name),
                    transport=transport(cfg.timeout_seconds),
                    api_url=cfg.api_url,
                    labels=cfg.labels,
                    priority_labels=cfg.priority_labels,
                )
            )
    return sinks


def describe(settings: Settings) -> dict[str, str]:
    """Where each configured sink and alert sends, in words and without secrets (for --dry-run)."""
    out: dict[str, str] = {}
    for name, cfg in zip(
        settings.export.destination_names(), [*settings.export.sinks, *settings.export.alerts], strict=True
    ):
        if isinstance(cfg, JsonlSettings):
            out[name] = f"file {settings.path(cfg.path)}"
        elif isinstance(cfg, WebhookSettings):
            out[name] = f"POST {cfg.url}"
        elif isinstance(cfg, ZendeskSettings):
            out[name] = f"Zendesk {cfg.base_url}"
        elif isinstance(cfg, JiraSettings):
            out[name] = f"Jira {cfg.base_url} project {cfg.project_key}"
        elif isinstance(cfg, GithubSettings):
            out[name] = f"GitHub {cfg.repo}"
        else:
            out[name] = f"{cfg.type} robot (${cfg.url_env})"
    return out


__all__ = [
    "DeliveryError",
    "ExportConfigError",
    "GithubSink",
    "HttpSink",
    "HttpTransport",
    "JiraSink",
    "JsonlFileSink",
    "RenderedRequest",
    "Sink",
    "Transport",
    "WebhookSink",
    "ZendeskSink",
    "build_sinks",
    "describe",
]
