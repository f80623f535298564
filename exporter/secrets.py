"""Secrets come from the environment only: the config names the variable, never the value.

A receiver may echo what it was sent (a token in an error page, a signed URL in a JSON answer).
`redact` takes every secret out of such text in each form it may come back in: as sent, with JSON
or backslash escapes (`\\/`, `\\u0026`), percent-encoded (also twice), as HTML entities, or inside
base64 at any offset; the answer itself is read in the charset it declares (UTF-16 too). It runs
on the whole answer, before anything is cut from it for storing.
"""

from __future__ import annotations

import base64
import html
import math
import os
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

MIN_SECRET = 4
"""Shorter values are not redacted (they would match ordinary words)."""
MASK = "***"


class ExportConfigError(ValueError):
    """A sink or alert cannot be set up (a missing environment variable, a bad secret)."""


def secret(env: Mapping[str, str] | None, name: str, what: str) -> str:
    value = (os.environ if env is None else env).get(name, "").strip()
    if not value:
        raise ExportConfigError(
            f"{what}: environment variable {name} is not set / 环境变量 {name} 未设置 ({what} 需要它)"
        )
    return value


def _char(c: str) -> str:
    """A pattern for one character of a secret, in each way an answer may write it."""
    if c.isascii() and c.isalnum():
        return re.escape(c)
    code = ord(c)
    ways = [
        r"\\*" + re.escape(c),  # as is, or backslash-escaped (`\/`), however often the text was escaped
        r"\\+u" + f"{code:04x}" if code < 0x10000 else "",  # JSON \uXXXX (Go writes & < > so)
        "".join(f"%(?:25)*{b:02x}" for b in c.encode()),  # percent-encoded, once or more
        re.escape(html.escape(c)),
        f"&#{code};",
        f"&#x0*{code:x};",
        r"\+" if c == " " else "",
    ]
    return "(?:" + "|".join(w for w in ways if w) + ")"


def _base64_runs(value: str) -> list[str]:
    """The base64 characters that `value` always becomes inside a longer base64 text, at each of
    the three byte offsets it may start at (standard and URL-safe alphabets)."""
    raw = value.encode()
    runs: list[str] = []
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw).decode()
        run = encoded[math.ceil(shift * 8 / 6) : (shift + len(raw)) * 8 // 6]
        if len(run) >= 2 * MIN_SECRET:
            runs += [run, run.translate(str.maketrans("+/", "-_"))]
    return runs


@lru_cache(maxsize=64)
def _pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    ways: set[str] = set()
    for value in secrets:
        if value and len(value) >= MIN_SECRET:
            ways.add("".join(_char(c) for c in value))
            ways.update(re.escape(run) for run in _base64_runs(value))
    if not ways:
        return None
    return re.compile("|".join(sorted(ways, key=len, reverse=True)), re.IGNORECASE)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret replaced by `***`, in every encoding above."""
    pattern = _pattern(tuple(secrets))
    return text if pattern is None else pattern.sub(MASK, text)
