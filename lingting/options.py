"""What every command shares: the `-c/--config` option, the one user-error class, config loading.

A user error (a wrong key, a missing file, a flag that contradicts another) is one `UserError`:
one message in Chinese and English and exit code 2. Anything else is a bug and shows its traceback.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from config import ConfigError, load_settings
from config.settings import Settings

DEFAULT_CONFIG = "lingting.toml"
CONFIG_ENV = "LINGTING_CONFIG"

F = TypeVar("F", bound=Callable[..., Any])


def default_config_path() -> Path:
    """`$LINGTING_CONFIG`, else ./lingting.toml; read when a command runs, not at import."""
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def config_option(help_text: str = "配置文件 / config file") -> Callable[[F], F]:
    """The one `-c/--config` option of every command, with the same default everywhere."""
    return click.option(
        "--config",
        "-c",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=default_config_path,
        show_default=f"{DEFAULT_CONFIG} or ${CONFIG_ENV}",
        help=help_text,
    )


def config_given(ctx: click.Context) -> bool:
    """True when the user named a config (flag or environment), not when the default was taken."""
    source = ctx.get_parameter_source("config_path")
    return (source is not None and source.name != "DEFAULT") or bool(os.environ.get(CONFIG_ENV))


class UserError(click.ClickException):
    """A problem the user can fix; shown as one message, never a traceback; exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"错误 / error: {self.format_message()}", err=True)


@contextmanager
def user_errors(*kinds: type[BaseException]) -> Iterator[None]:
    """Turn config errors, unknown names (KeyError) and the given kinds into a `UserError`."""
    caught: tuple[type[BaseException], ...] = (ConfigError, KeyError, *kinds)
    try:
        yield
    except caught as exc:
        raise UserError(str(exc.args[0] if isinstance(exc, KeyError) else exc)) from None


class LingtingGroup(click.Group):
    """The `lingting` group: a database that cannot be opened is a user error in every command."""

    def invoke(self, ctx: click.Context) -> Any:
        from store import StoreError

        try:
            return super().invoke(ctx)
        except StoreError as exc:
            raise UserError(str(exc)) from None


def load_config(config_path: Path) -> Settings:
    with user_errors():
        return load_settings(config_path)
