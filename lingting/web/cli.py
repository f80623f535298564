"""`lingting serve` and `lingting users add|list|remove`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lingting.options import UserError, config_option, load_config

ROLE_CHOICE = click.Choice(["viewer", "reviewer", "admin"])


@click.command()
@config_option()
@click.option("--host", default=None, help="监听地址 / address to listen on (default: [web] host, 127.0.0.1)")
@click.option("--port", type=int, default=None, help="端口 / port (default: [web] port, 8080)")
@click.option(
    "--no-web", is_flag=True, help="不运行网页, 只运行调度与投递 / no web page: the scheduler and delivery only"
)
@click.option(
    "--no-scheduler", is_flag=True, help="不运行调度与投递, 只运行网页 / the web page only: no scheduled crawls"
)
@click.option("--log-json", is_flag=True, help="每行一个 JSON 日志 / one JSON object per log line")
def serve(
    config_path: Path, host: str | None, port: int | None, no_web: bool, no_scheduler: bool, log_json: bool
) -> None:
    """运行审核网页、定时抓取与投递 / Run the review page, the scheduler and the delivery worker.

    The review page at http://HOST:PORT (log in with an account from `lingting users add`), each
    enabled source crawled every `every_minutes` in a child process with export and delivery after
    it, and the outbox delivered as rows fall due; `/healthz` and `/metrics` need no login. SIGTERM
    or Ctrl-C ends the running crawls at a checkpoint; the next start picks up where the schedule
    stands. Behind a reverse proxy with https, list the proxy's address in [web] trusted_proxies.

    \b
    Examples / 示例:
      lingting serve -c lingting.toml
      lingting serve --host 0.0.0.0 --port 8080
      lingting serve --no-scheduler       # 只审核, 抓取由 cron 运行 / review only
    """
    from contextlib import nullcontext

    import uvicorn

    from exporter import ExportConfigError
    from lingting.options import user_errors
    from lingting.service.logs import configure_logging
    from lingting.service.ops import ops_routes
    from lingting.service.runner import Service
    from lingting.web import create_app

    if no_web and no_scheduler:
        raise UserError("--no-web and --no-scheduler leave nothing to run / 两者同时使用则无事可做")
    settings = load_config(config_path)
    configure_logging("json" if log_json else settings.service.log_format)
    service = None
    if not no_scheduler:
        with user_errors(ExportConfigError):  # a sink whose secret is missing stops the start
            service = Service(settings, config_path)
    if no_web:
        assert service is not None
        with service.running():
            service.wait()
    else:
        host = host or settings.web.host
        port = port or settings.web.port
        app = create_app(settings, extra_routes=ops_routes(settings, service))
        what = "review page, scheduler / 审核页面与定时抓取" if service else "review page / 审核页面"
        click.echo(f"{what}: http://{host}:{port}/  (Ctrl-C stops / 按 Ctrl-C 停止)")
        # One server process: more would each start a scheduler. The service's context wraps the
        # server so that uvicorn hands SIGTERM and Ctrl-C back to it when it stops.
        with service.running() if service else nullcontext():
            uvicorn.run(
                app,
                host=host,
                port=port,
                proxy_headers=True,
                forwarded_allow_ips=",".join(settings.web.trusted_proxies),
                log_level="warning",
                log_config=None,
                server_header=False,
            )
    if service is not None and service.error is not None:
        sys.exit(1)


@click.group()
def users() -> None:
    """审核网页的账号 / Accounts of the review web app (roles: viewer, reviewer, admin)."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = click.prompt("密码 / password", hide_input=True, confirmation_prompt=True)
    return value


@users.command(name="add")
@config_option()
@click.argument("name")
@click.option("--role", type=ROLE_CHOICE, required=True, help="viewer 只读 / reviewer 审核 / admin 管理")
@click.option("--password-stdin", is_flag=True, help="从标准输入读密码 / read the password from standard input")
@click.option("--language", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="界面语言 / UI")
def add_cmd(config_path: Path, name: str, role: str, password_stdin: bool, language: str) -> None:
    """添加账号 / Add an account (the password is asked for, or read from stdin).

    \b
    Examples / 示例:
      lingting users add alice --role reviewer
      printf '%s\\n' "$PASSWORD" | lingting users add bot --role viewer --password-stdin
    """
    from lingting.web.passwords import hash_password
    from store import Store
    from store.users import UserError as StoreUserError
    from store.users import add_user

    settings = load_config(config_path)
    try:
        hashed = hash_password(_read_password(password_stdin))
        add_user(Store(settings.database_path), name, role, hashed, language=language)
    except (StoreUserError, ValueError) as exc:
        raise UserError(str(exc)) from None
    click.echo(f"user / 用户 {name} ({role}) added / 已添加")


@users.command(name="list")
@config_option()
def list_cmd(config_path: Path) -> None:
    """列出账号 / List the accounts.

    \b
    Example / 示例:
      lingting users list -c lingting.toml
    """
    from store import Store
    from store.users import list_users

    accounts = list_users(Store(load_config(config_path).database_path))
    if not accounts:
        click.echo("no users yet; add one with `lingting users add NAME --role admin` / 还没有用户")
    for user in accounts:
        click.echo(f"{user.name}\t{user.role}\t{user.language}\t{user.created_at}")


@users.command(name="remove")
@config_option()
@click.argument("name")
def remove_cmd(config_path: Path, name: str) -> None:
    """删除账号 / Remove an account (its sessions end at once).

    \b
    Example / 示例:
      lingting users remove alice
    """
    from store import Store
    from store.users import UserError as StoreUserError
    from store.users import remove_user

    try:
        remove_user(Store(load_config(config_path).database_path), name)
    except StoreUserError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"user / 用户 {name} removed / 已删除")
