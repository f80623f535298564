"""WBI signing against the worked examples of bilibili-API-collect's docs/misc/sign/wbi.md."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest

from crawler.bilibili_wbi import (
    MIXIN_KEY_ENC_TAB,
    WbiKeys,
    key_from_url,
    keys_from_nav,
    mixin_key,
    signed_params,
    signed_query,
    verify,
    w_rid,
)
from crawler.parsers import ParseError

# The doc's nav answer (not logged in, code -101, still carrying the keys).
NAV = (
    '{"code":-101,"message":"账号未登录","ttl":1,"data":{"isLogin":false,"wbi_img":'
    '{"img_url":"https://i0.hdslb.com/bfs/wbi/7cd084941338484aae1ad9425b84077c.png",'
    '"sub_url":"https://i0.hdslb.com/bfs/wbi/4932caff0ff746eab6f01bf08b70ac45.png"}}}'
).encode()
KEYS = WbiKeys("7cd084941338484aae1ad9425b84077c", "4932caff0ff746eab6f01bf08b70ac45")


def test_table_is_a_permutation_of_64() -> None:
    assert sorted(MIXIN_KEY_ENC_TAB) == list(range(64))


def test_mixin_key_of_the_worked_example() -> None:
    assert mixin_key(KEYS.img_key, KEYS.sub_key) == "ea1db124af3c7062474693fa704f4ff8"
    assert KEYS.mixin_key == "ea1db124af3c7062474693fa704f4ff8"


def test_w_rid_of_the_worked_example() -> None:
    # bar=514&foo=114&wts=1702204169&zab=1919810 + mixin key -> MD5
    params = {"foo": "114", "bar": "514", "zab": 1919810}
    assert w_rid(params, KEYS, 1702204169) == "8f6f2b5b3d485fe1886cec6a0be8c5d4"
    signed = signed_params(params, KEYS, 1702204169)
    assert signed == {
        "bar": "514",
        "foo": "114",
        "wts": "1702204169",
        "zab": "1919810",
        "w_rid": "8f6f2b5b3d485fe1886cec6a0be8c5d4",
    }


def test_encoding_is_upper_case_hex_and_space_as_percent_20() -> None:
    query = signed_query({"foo": "one one four", "bar": "五一四", "baz": 1919810}, KEYS, 1702204169)
    # The doc's expected encoding of these parameters, then wts and w_rid.
    assert query.startswith("bar=%E4%BA%94%E4%B8%80%E5%9B%9B&baz=1919810&foo=one%20one%20four&wts=1702204169&w_rid=")


def test_filtered_characters_do_not_count() -> None:
    plain = w_rid({"keyword": "hello"}, KEYS, 1700000000)
    assert w_rid({"keyword": "h!e'l(l)o*"}, KEYS, 1700000000) == plain
    assert w_rid({"keyword": "hello "}, KEYS, 1700000000) != plain


def test_verify_accepts_signed_and_refuses_tampered() -> None:
    query = signed_query({"search_type": "video", "keyword": "声链", "page": 2}, KEYS, 1772000000)
    received = dict(parse_qsl(query))
    assert verify(received, KEYS)
    assert not verify({**received, "page": "3"}, KEYS)
    assert not verify({**received, "wts": "1772000001"}, KEYS)
    assert not verify({k: v for k, v in received.items() if k != "w_rid"}, KEYS)
    assert not verify({k: v for k, v in received.items() if k != "wts"}, KEYS)
    assert not verify(received, WbiKeys(KEYS.sub_key, KEYS.img_key))


def test_keys_from_the_docs_nav_answer() -> None:
    assert keys_from_nav(NAV) == KEYS
    assert key_from_url("https://i0.hdslb.com/bfs/wbi/7cd084941338484aae1ad9425b84077c.png") == KEYS.img_key


@pytest.mark.parametrize(
    "body",
    [
        b'{"code":0,"data":{"isLogin":true}}',
        json.dumps(
            {"code": -101, "data": {"wbi_img": {"img_url": "https://x/a.png", "sub_url": "https://x/b.png"}}}
        ).encode(),
        b"<html><title>502</title></html>",
    ],
)
def test_nav_without_usable_keys(body: bytes) -> None:
    with pytest.raises(ParseError):
        keys_from_nav(body)
