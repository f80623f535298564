"""The n-gram features the trained models see, the same at training and at analysis time.

- `char_grams`: characters and character pairs of the lowercased text. Chinese needs no word
  segmentation for sentiment this way (jieba tokens did no better on the Weibo set and cost a
  second of start-up and 90 MB), and emoticons such as [怒] or "!!!" are features too.
- `word_grams`: Latin words and word pairs, Chinese characters and character pairs; what the
  category model sees, so that one model can learn from English and Chinese labels alike.
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")
_WORD_OR_HAN = re.compile(r"[a-z0-9][a-z0-9_']*[a-z0-9]|[\u3400-\u4dbf\u4e00-\u9fff]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def char_grams(text: str) -> list[str]:
    """Characters and adjacent pairs of characters (whitespace runs count as one space)."""
    t = _SPACES.sub(" ", text.lower()).strip()
    return [*t, *(t[i : i + 2] for i in range(len(t) - 1))]


def word_grams(text: str) -> list[str]:
    """Latin words of 2+ characters and their pairs; Chinese characters and their pairs."""
    grams: list[str] = []
    previous: str | None = None
    for m in _WORD_OR_HAN.finditer(text.lower()):
        token = m.group()
        if _HAN.match(token):
            grams += [*token, *(token[i : i + 2] for i in range(len(token) - 1))]
            previous = None
            continue
        grams.append(token)
        if previous is not None:
            grams.append(f"{previous} {token}")
        previous = token
    return grams
