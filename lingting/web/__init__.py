"""The review web app: `create_app(settings)`; `lingting serve` runs it (see lingting.web.cli).

Importing this package loads no web framework: the CLI imports `lingting.web.cli` on every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.routing import BaseRoute

    from config.settings import Settings


def create_app(settings: Settings, *, extra_routes: Sequence[BaseRoute] = ()) -> Starlette:
    """The review app (see lingting.web.app); `extra_routes` are public (health, metrics)."""
    from lingting.web.app import create_app as build

    return build(settings, extra_routes=extra_routes)
