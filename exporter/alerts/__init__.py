"""Chat alerts about new tickets: DingTalk, Feishu, WeCom and Slack robots."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from config.settings import DingtalkAlert, FeishuAlert, Settings
from exporter.alerts.bots import BOTS, ChatBot, DingtalkBot, FeishuBot, SlackBot, WecomBot
from exporter.alerts.digest import AlertItem, AlertMessage
from exporter.alerts.dispatch import dispatch
from exporter.alerts.ratelimit import SlidingWindow
from exporter.secrets import secret
from exporter.sinks import Transport
from exporter.transport import HttpTransport


def build_bots(
    settings: Settings,
    *,
    env: Mapping[str, str] | None = None,
    transport: Callable[[float], Transport] = HttpTransport,
) -> list[ChatBot]:
    """The configured robots, named as in the outbox. Raises `ExportConfigError` for a missing secret."""
    names = settings.export.destination_names()[len(settings.export.sinks) :]
    bots: list[ChatBot] = []
    for name, cfg in zip(names, settings.export.alerts, strict=True):
        signing = cfg.secret_env if isinstance(cfg, DingtalkAlert | FeishuAlert) else None
        bots.append(
            BOTS[cfg.type](
                name,
                url=secret(env, cfg.url_env, name),
                secret=secret(env, signing, name) if signing else None,
                transport=transport(cfg.timeout_seconds),
                priorities=tuple(cfg.priorities),
                immediate=tuple(cfg.immediate),
                window_minutes=cfg.window_minutes,
                per_minute=cfg.per_minute,
            )
        )
    return bots


__all__ = [
    "AlertItem",
    "AlertMessage",
    "ChatBot",
    "DingtalkBot",
    "FeishuBot",
    "SlackBot",
    "SlidingWindow",
    "WecomBot",
    "build_bots",
    "dispatch",
]
