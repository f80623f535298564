"""Is a term negated where it stands? "不卡了", "没有掉线", "no longer crashes" are not complaints.

The words are in `config/lexicons/negation.toml`; the rules are here:
- Chinese: the text before the term is cut at the last clause break; what is left loses its exempt
  phrases (不停地, 没多久) and A-not-A questions (会不会, 有没有); a `near` word in its last 3
  characters or a `far` word in its last 6 negates. After the term, an `after` word in the same
  clause (闪退已经修复了) negates unless the clause asks (吗, ?).
- English: the clause before the term loses its exempt phrases ("not sure"); a negator among its
  last 4 words (or a word ending in n't) negates. After the term, "fixed/resolved/gone" among the
  next 4 words of the clause negates unless "not/still/yet" is there or the clause asks; "-free"
  right after the term negates ("lag-free").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sentiment.lexicon import Negation
from sentiment.terms import Hit

_ZH_BREAK = re.compile(r"[，。！？；：、,.!?;:\n\r…]|就|但|却|还|而且|然后|结果")
_ZH_A_NOT_A = re.compile(r"(.)[不没]\1")
# 打不开, 收不到, 受不了: 不 between a verb and its complement says "cannot", not "no longer".
_ZH_COMPLEMENT = re.compile(r"(?<=\w)不[了开到上出进去通动住见起下来]")
_ZH_AFTER_BREAK = re.compile(r"[，。！？；：、,.!;:\n\r…]")
_EN_BREAK = re.compile(r"[.,;:!?\n\r]|\bbut\b|\bhowever\b|\bthough\b", re.IGNORECASE)
_EN_WORD = re.compile(r"[a-z0-9']+")
_EN_AFTER_BREAK = re.compile(r"[.,;:!\n\r]|\bbut\b", re.IGNORECASE)


def _is_latin(term: str) -> bool:
    return any("a" <= ch.lower() <= "z" for ch in term) and not any("\u3400" <= ch <= "\u9fff" for ch in term)


def _after_last_break(text: str, pattern: re.Pattern[str]) -> str:
    cut = 0
    for m in pattern.finditer(text):
        cut = m.end()
    return text[cut:]


def _zh_negated(text: str, hit: Hit, neg: Negation) -> bool:
    before = _after_last_break(text[max(0, hit.start - 12) : hit.start], _ZH_BREAK)
    for phrase in neg.zh_exempt:
        before = before.replace(phrase, " ")
    before = _ZH_COMPLEMENT.sub(" ", _ZH_A_NOT_A.sub(" ", before)).replace(" ", "")
    if any(w in before[-3:] for w in neg.zh_near) or any(w in before[-6:] for w in neg.zh_far):
        return True
    after = text[hit.end : hit.end + 12]
    m = _ZH_AFTER_BREAK.search(after)
    clause = after[: m.start()] if m else after
    if any(w in clause for w in neg.zh_asks):
        return False
    return any(w in clause for w in neg.zh_after)


def _en_words(text: str) -> list[str]:
    return _EN_WORD.findall(text.lower().replace("\u2019", "'"))


def _en_negated(text: str, hit: Hit, neg: Negation) -> bool:
    before = _after_last_break(text[max(0, hit.start - 60) : hit.start], _EN_BREAK).lower()
    before = before.replace("\u2019", "'")
    for phrase in neg.en_exempt:
        before = before.replace(phrase, " ")
    words = _en_words(before)[-4:]
    if any(w in neg.en_negators or w.endswith("n't") for w in words):
        return True
    rest = text[hit.end : hit.end + 60]
    if re.match(r"[-\s]free\b", rest, re.IGNORECASE):
        return True
    m = _EN_AFTER_BREAK.search(rest)
    clause = rest[: m.start()] if m else rest
    if "?" in clause:
        return False
    following = _en_words(clause)[:4]
    if any(w in neg.en_keeps or w.endswith("n't") for w in following):
        return False
    return any(w in neg.en_after for w in following)


def is_negated(text: str, hit: Hit, negation: Negation) -> bool:
    """Whether `hit` (a term found in `text`) is negated or said to be over."""
    if _is_latin(hit.term):
        return _en_negated(text, hit, negation)
    return _zh_negated(text, hit, negation)


def split_negated(text: str, hits: Sequence[Hit], negation: Negation) -> tuple[list[Hit], list[Hit]]:
    """(live hits, negated hits), each in text order."""
    live: list[Hit] = []
    negated: list[Hit] = []
    for hit in hits:
        (negated if is_negated(text, hit, negation) else live).append(hit)
    return live, negated


def live_hits(text: str, hits: Sequence[Hit], negation: Negation) -> list[Hit]:
    return split_negated(text, hits, negation)[0]
