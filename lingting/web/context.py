"""What every request handler shares: settings, the store, the session codec, the login limiter,
the page templates and the time zone. Built once in `create_app`; the store opens with the server."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from starlette.requests import Request

from config.settings import Settings
from lingting.web.limiter import LoginLimiter
from lingting.web.passwords import secret_key
from lingting.web.sessions import SessionCodec
from lingting.web.text import cut, http_url, inert
from store import Store

TEMPLATES = Path(__file__).with_name("templates")


@dataclass
class WebContext:
    settings: Settings
    codec: SessionCodec
    zone: ZoneInfo
    templates: jinja2.Environment
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    _store: Store | None = None

    @classmethod
    def build(cls, settings: Settings) -> WebContext:
        web = settings.web
        codec = SessionCodec(secret_key(settings), web.session_hours * 3600, always_secure=web.secure_cookies)
        zone = ZoneInfo(web.timezone)
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,  # every value is escaped; crawled text is hostile
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["localtime"] = lambda value: local_time(value, zone)
        env.filters["inert"] = inert
        env.filters["http_url"] = http_url
        env.filters["cut"] = cut
        return cls(settings=settings, codec=codec, zone=zone, templates=env)

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the store opens when the server starts (lifespan)")
        return self._store

    @store.setter
    def store(self, value: Store) -> None:
        self._store = value


def context_of(request: Request) -> WebContext:
    ctx: WebContext = request.app.state.web
    return ctx


def local_time(value: Any, zone: ZoneInfo) -> str:
    """An ISO 8601 UTC time as 'YYYY-MM-DD HH:MM' in the configured zone; anything else as given."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
