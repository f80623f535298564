"""The one text normalization that the lexicons, the models and their training all see."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping


def normalize_text(text: str, t2s: Mapping[int, str]) -> str:
    """NFKC (full-width ＳＤＫ，-> SDK,) then traditional -> simplified characters (閃退 -> 闪退).

    Both keep a text's length almost always and never reorder it, so what the lexicons find can
    be quoted back.
    """
    return unicodedata.normalize("NFKC", text).translate(t2s)
