"""Which language a text is in, as far as the analysis cares: "zh", "en" or "und"."""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af\u1100-\u11ff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def detect_language(text: str) -> str:
    """ "zh" when Chinese characters carry the text, "en" when Latin words do, else "und".

    One Chinese character weighs as much as one Latin word, so a Chinese post full of product names
    ("SDK 4.2.1 在 Android 14 上闪退") is still Chinese. Kana or Hangul make it "und": neither
    Chinese nor English sentiment models read Japanese or Korean.
    """
    han = len(_HAN.findall(text))
    other = len(_KANA_HANGUL.findall(text))
    words = len(_LATIN_WORD.findall(text))
    if other and other * 4 >= han:
        return "und"
    if han and han >= words:
        return "zh"
    if words:
        return "en"
    return "und"


def normalize_language(lang: str | None, text: str) -> str:
    """A caller's language tag mapped to zh / en / und; missing or "und" means: detect it."""
    tag = (lang or "").strip().lower().replace("_", "-")
    if not tag or tag == "und":
        return detect_language(text)
    if tag.startswith("zh") or tag in {"cn", "chinese", "cmn"}:
        return "zh"
    if tag.startswith("en") or tag == "english":
        return "en"
    return "und"
