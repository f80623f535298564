"""The `*_env` keys: each names an environment variable; the secret itself never goes in the file.

A secret pasted where the name belongs (`secret_env = "whsec_…"`) would be stored in the config,
and then printed in "environment variable whsec_… is not set". It is refused when the config is
loaded, and the message names the key, never the value.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator

ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
SECRET_PREFIXES = re.compile(
    r"whsec_|gh[pousr]_|github_pat_|glpat-|xox[abeprs]-|xapp-|sk-|sk_(live|test)_|rk_(live|test)_|ATATT"
    r"|AKIA[0-9A-Z]{12}|AIza[0-9A-Za-z_-]{20}|ya29\.|eyJ[0-9A-Za-z_-]{10}|SEC[0-9a-f]{20}"
)
"""How well-known tokens begin: Standard Webhooks, GitHub, GitLab, Slack, OpenAI, Stripe, Atlassian,
AWS, Google, a JWT, a DingTalk robot's signing secret."""
RANDOM_WORD = 16
"""A part of a name (between underscores) this long that mixes digits with lower-case letters, or
keeps switching case, is a token's random run, not a word (`ZENDESK_TOKEN` is words; `a8F3kQ…` is not)."""


def _random_run(word: str) -> bool:
    if len(word) < RANDOM_WORD:
        return False
    if any(c.isdigit() for c in word) and any(c.islower() for c in word):
        return True  # hex or base62; an upper-case name may hold a year (PROD2024WEBHOOKSECRET)
    # CamelCase words have lower-case runs of two letters or more; random text keeps switching case.
    single_lower = re.findall(r"(?<![a-z])[a-z](?![a-z])", word)
    return len(single_lower) >= 2 and any(c.isupper() for c in word)


def looks_like_secret(value: str) -> bool:
    return bool(SECRET_PREFIXES.match(value)) or any(_random_run(w) for w in value.split("_"))


def check_env_name(value: object) -> object:
    """`value` if it is a plausible variable name; else a ValueError that does not repeat the value
    (it may be the secret). The loader puts the key in front of the message."""
    if value is None:
        return value
    if not isinstance(value, str) or not ENV_NAME.match(value):
        raise ValueError(
            "takes the NAME of an environment variable (letters, digits, _), not its value; the value given"
            " is not shown / 应填写环境变量的名称 (字母、数字、下划线), 所填的值不予显示"
        )
    if looks_like_secret(value):
        raise ValueError(
            "looks like a secret itself, not the name of an environment variable: put the secret in an"
            " environment variable and write that variable's name here (the value is not shown; if it is a"
            " real secret, replace it) / 的值像是密钥本身: 请把密钥放进环境变量, 这里只写变量名"
            " (该值不予显示; 若是真实密钥, 请更换)"
        )
    return value


EnvName = Annotated[str, BeforeValidator(check_env_name)]
"""The type of every `*_env` key."""
