"""Secrets come from the environment only: the config names the variable, never the value."""

from __future__ import annotations

import os
from collections.abc import Mapping


class ExportConfigError(ValueError):
    """A sink or alert cannot be set up (a missing environment variable, a bad secret)."""


def secret(env: Mapping[str, str] | None, name: str, what: str) -> str:
    value = (os.environ if env is None else env).get(name, "").strip()
    if not value:
        raise ExportConfigError(
            f"{what}: environment variable {name} is not set / 环境变量 {name} 未设置 ({what} 需要它)"
        )
    return value
