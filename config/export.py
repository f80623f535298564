"""Export settings: policy, ticket sinks and chat alerts. Secrets only as `*_env` names."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from config.base import Priority, _Model
from config.envname import EnvName

_SINK_NAME = r"^[a-z0-9][a-z0-9_:.-]*$"
_HTTP_URL = r"^https?://[^\s/]+(/\S*)?$"


class _Destination(_Model):
    name: str | None = Field(default=None, pattern=_SINK_NAME)
    """The key of this destination's rows in the outbox; default `<type>:<n>` (n counts per type).
    Keep it fixed once tickets went out, or they are owed to a "new" destination."""


class _HttpDestination(_Destination):
    timeout_seconds: float = Field(default=10, gt=0, le=300)
    """The whole request, connect to last byte; a slower answer counts as a timeout and is retried."""


class JsonlSink(_Destination):
    type: Literal["jsonl"]
    path: str = "tickets.jsonl"


class WebhookSink(_HttpDestination):
    """POST each CloudEvent, signed as Standard Webhooks say, with `Idempotency-Key` = event id."""

    type: Literal["webhook"]
    url: str = Field(pattern=_HTTP_URL)
    secret_env: EnvName
    """Environment variable holding the signing secret (`whsec_` + base64)."""


class ZendeskSink(_HttpDestination):
    type: Literal["zendesk"]
    base_url: str = Field(pattern=_HTTP_URL)
    """e.g. https://acme.zendesk.com"""
    email: str
    token_env: EnvName
    """Environment variable holding the API token (used as `{email}/token:{token}`)."""
    group_id: int | None = None
    tags: list[str] = Field(default_factory=list)
    priority_map: dict[Priority, Literal["urgent", "high", "normal", "low"]] = {
        "P0": "urgent",
        "P1": "high",
        "P2": "normal",
        "P3": "low",
    }


class JiraSink(_HttpDestination):
    type: Literal["jira"]
    base_url: str = Field(pattern=_HTTP_URL)
    """e.g. https://acme.atlassian.net"""
    email: str
    token_env: EnvName
    project_key: str = Field(pattern=r"^[A-Z][A-Z0-9_]+$")
    issue_type: str = "Bug"
    labels: list[str] = ["lingting"]
    priority_map: dict[Priority, str] | None = {"P0": "Highest", "P1": "High", "P2": "Medium", "P3": "Low"}
    """Jira priority names; set to an empty table when the project's screen has no priority field."""


class GithubSink(_HttpDestination):
    type: Literal["github"]
    repo: str = Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
    token_env: EnvName
    api_url: str = Field(default="https://api.github.com", pattern=_HTTP_URL)
    labels: list[str] = ["lingting"]
    priority_labels: bool = True
    """Add a `priority:P0`-style label."""


SinkSettings = Annotated[JsonlSink | WebhookSink | ZendeskSink | JiraSink | GithubSink, Field(discriminator="type")]


class _ChatAlert(_HttpDestination):
    url_env: EnvName
    """Environment variable holding the robot's webhook URL (it carries the robot's token)."""
    priorities: list[Priority] = ["P0", "P1", "P2"]
    """New tickets of these priorities are announced."""
    immediate: list[Priority] = ["P0"]
    """Announced at once, one message each; the others wait for the digest."""
    window_minutes: int = Field(default=60, ge=1)
    """The others are gathered into one digest once the oldest has waited this long."""
    per_minute: int | None = Field(default=None, ge=1)
    """Messages per minute at most; default the platform's limit."""


class DingtalkAlert(_ChatAlert):
    type: Literal["dingtalk"]
    secret_env: EnvName | None = None
    """Environment variable holding the robot's `SEC…` signing secret, if signing is on."""


class FeishuAlert(_ChatAlert):
    type: Literal["feishu"]
    secret_env: EnvName | None = None


class WecomAlert(_ChatAlert):
    type: Literal["wecom"]


class SlackAlert(_ChatAlert):
    type: Literal["slack"]


AlertSettings = Annotated[DingtalkAlert | FeishuAlert | WecomAlert | SlackAlert, Field(discriminator="type")]


def _default_sinks() -> list[SinkSettings]:
    return [JsonlSink(type="jsonl")]


class ExportSettings(_Model):
    auto: list[Priority] = ["P0"]
    """Priorities exported as soon as they are detected."""
    review: list[Priority] = ["P1", "P2"]
    """Priorities exported once a reviewer confirms them."""
    sinks: list[SinkSettings] = Field(default_factory=_default_sinks)
    alerts: list[AlertSettings] = Field(default_factory=list)
    event_source: str = "urn:lingting"
    """CloudEvents `source` attribute of every exported event."""
    retry_base_seconds: float = Field(default=30, gt=0)
    """First retry after about this long; each further one waits twice as long (with jitter)."""
    retry_max_seconds: float = Field(default=3600, gt=0)
    retry_after_max_seconds: float = Field(default=86400, gt=0)
    """A receiver's `Retry-After` is waited out up to this long; a longer one (years, a date far
    ahead) is cut to this."""
    max_attempts: int = Field(default=12, ge=1)
    """After this many failed attempts a delivery is dead (`lingting export --replay-dead` resends)."""

    @model_validator(mode="after")
    def _disjoint(self) -> ExportSettings:
        both = sorted(set(self.auto) & set(self.review))
        if both:
            raise ValueError(f"{', '.join(both)} cannot be both auto and review / 不能同时是自动导出和待审核")
        names = self.destination_names()
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"sink/alert name used twice: {', '.join(twice)} / 导出目标名称重复")
        return self

    def destination_names(self) -> list[str]:
        """The outbox key of every sink, then every alert, in config order."""
        seen: dict[str, int] = {}
        names: list[str] = []
        for item in [*self.sinks, *self.alerts]:
            n = seen.get(item.type, 0)
            seen[item.type] = n + 1
            names.append(item.name or f"{item.type}:{n}")
        return names
