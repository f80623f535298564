"""Where intake events go. A sink delivers one event and returns a reference to what it created."""

from __future__ import annotations

from typing import Any, Protocol

from config.settings import JsonlSink as JsonlSinkSettings
from config.settings import Settings
from exporter.sinks.jsonl import JsonlFileSink


class DeliveryError(Exception):
    """Delivery failed. `retry` says whether trying again later may succeed."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


class Sink(Protocol):
    name: str

    def deliver(self, event: dict[str, Any]) -> str:
        """Deliver `event` at most once per event id; return the external reference."""
        ...


def build_sinks(settings: Settings) -> list[Sink]:
    sinks: list[Sink] = []
    for i, cfg in enumerate(settings.export.sinks):
        if isinstance(cfg, JsonlSinkSettings):
            sinks.append(JsonlFileSink(settings.path(cfg.path), name=f"jsonl:{i}"))
    return sinks


__all__ = ["DeliveryError", "JsonlFileSink", "Sink", "build_sinks"]
