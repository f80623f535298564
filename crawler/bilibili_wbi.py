"""Bilibili's WBI request signing (`w_rid`, `wts`), as documented by bilibili-API-collect.

Since 2023 Bilibili's web APIs under `/wbi/` (search among them) want two extra query parameters:
`wts`, the Unix time in seconds, and `w_rid`, the MD5 of the query sorted by key (with `!'()*`
removed from the values, encoded like JavaScript's encodeURIComponent: upper-case hex, space as
%20) followed by the mixin key. The mixin key is a fixed permutation (MIXIN_KEY_ENC_TAB) of
img_key + sub_key, the file names in `/x/web-interface/nav`'s `wbi_img` urls, cut to 32
characters. The keys change daily: a crawl reads them once at its start.

    keys = keys_from_nav(nav_body)
    url = f"{api}/x/web-interface/wbi/search/type?{signed_query(params, keys, wts=int(time.time()))}"
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from crawler.parsers.common import ParseError, load_json

MIXIN_KEY_ENC_TAB = (
    46, 47, 18, 2, 53, 8, 23, 32, 15, 50, 10, 31, 58, 3, 45, 35, 27, 43, 5, 49,
    33, 9, 42, 19, 29, 28, 14, 39, 12, 38, 41, 13, 37, 48, 7, 16, 24, 55, 40,
    61, 26, 17, 0, 1, 60, 51, 30, 4, 22, 25, 54, 21, 56, 59, 6, 63, 57, 62, 11,
    36, 20, 34, 44, 52,
)  # fmt: skip
_FILTERED = str.maketrans("", "", "!'()*")


@dataclass(frozen=True)
class WbiKeys:
    img_key: str
    sub_key: str

    @property
    def mixin_key(self) -> str:
        return mixin_key(self.img_key, self.sub_key)


def mixin_key(img_key: str, sub_key: str) -> str:
    raw = img_key + sub_key
    if len(raw) < len(MIXIN_KEY_ENC_TAB):
        raise ValueError(f"wbi keys too short ({len(raw)} characters, 64 needed) / wbi 密钥长度不对")
    return "".join(raw[i] for i in MIXIN_KEY_ENC_TAB)[:32]


def _encode(params: Mapping[str, Any]) -> str:
    return "&".join(f"{quote(str(k), safe='')}={quote(str(v), safe='')}" for k, v in params.items())


def _clean(params: Mapping[str, Any]) -> dict[str, str]:
    return {str(k): str(v).translate(_FILTERED) for k, v in sorted(params.items(), key=lambda item: str(item[0]))}


def w_rid(params: Mapping[str, Any], keys: WbiKeys, wts: int) -> str:
    """The signature of `params` (without w_rid and wts) at time `wts`."""
    signed = _clean({**{k: v for k, v in params.items() if k not in ("w_rid", "wts")}, "wts": wts})
    return hashlib.md5((_encode(signed) + keys.mixin_key).encode("utf-8"), usedforsecurity=False).hexdigest()


def signed_params(params: Mapping[str, Any], keys: WbiKeys, wts: int) -> dict[str, str]:
    """`params` sorted and cleaned as they were signed, with `wts` and `w_rid` added."""
    signed = _clean({**params, "wts": wts})
    signed["w_rid"] = w_rid(params, keys, wts)
    return signed


def signed_query(params: Mapping[str, Any], keys: WbiKeys, wts: int) -> str:
    """The query string to send: the signed parameters, encoded as they were signed."""
    return _encode(signed_params(params, keys, wts))


def verify(params: Mapping[str, str], keys: WbiKeys) -> bool:
    """Whether received (decoded) query parameters carry a valid signature, as the server checks it."""
    wts, given = params.get("wts"), params.get("w_rid")
    if not wts or not wts.isdigit() or not given:
        return False
    return w_rid(params, keys, int(wts)) == given


def key_from_url(url: str) -> str:
    """img_key / sub_key: the file name of a wbi_img url without its extension."""
    return urlsplit(url).path.rsplit("/", 1)[-1].split(".", 1)[0]


def keys_from_nav(body: bytes) -> WbiKeys:
    """The keys in a `/x/web-interface/nav` answer; it carries them even when not logged in (code -101)."""
    data = load_json(body)
    payload = data.get("data") if isinstance(data, dict) else None
    images = payload.get("wbi_img") if isinstance(payload, dict) else None
    if not isinstance(images, dict):
        raise ParseError("no wbi_img in the nav response: cannot sign requests / nav 响应中没有 wbi_img，无法签名")
    img_key = key_from_url(str(images.get("img_url") or ""))
    sub_key = key_from_url(str(images.get("sub_url") or ""))
    keys = WbiKeys(img_key, sub_key)
    try:
        keys.mixin_key  # noqa: B018  (validates the length)
    except ValueError as exc:
        raise ParseError(f"unusable wbi keys in the nav response: {exc}") from exc
    return keys
