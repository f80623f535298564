"""Finding the terms of a word list in a text (the syntax: `config/lexicons/README.md`).

Chinese terms match as substrings; Latin terms on word boundaries, case-insensitively, with simple
inflections (crash -> crashes, crashed, crashing) where asked; an all-capitals term of three letters
or fewer matches in capitals only; a space matches any run of spaces (none needed next to Chinese);
a leading `*` drops the boundary before the term; `ignore` phrases hide the terms inside them.

Speed: the terms are grouped by first character, and each group's branch starts with that literal
character, so the regex engine skips a branch after one comparison. An ASCII text gets two passes
instead (`_word_start_regex`): Latin terms tried at word starts only, then the rest; where terms of
the two passes overlap, the earliest, then longest, wins. Case-insensitivity comes from lowering
both text and terms (same length, so positions still hold; the text is lowered once for all the
matchers that read it), not from re.IGNORECASE, which would turn off that skip.
"""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_SPACE = re.compile(r"\s+")
_SUFFIXES = ("ing", "es", "ed", "s", "d")
_INFLECTION = r"(?:s|es|ed|d|ing)?"


@dataclass(frozen=True)
class Hit:
    """One occurrence of a lexicon term: the term as the lexicon spells it, and where it is."""

    term: str
    start: int
    end: int


def _is_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _capitals_only(body: str) -> bool:
    return len(body) <= 3 and body.isascii() and body.isalpha() and body.isupper()


_last_lowered = ("", "")
"""The last text lowered and its lowered form: an analysis runs some forty matchers over one text."""


def _lowered(text: str) -> str:
    """ASCII letters lowered, every position kept (what the patterns are written against)."""
    global _last_lowered
    if text is _last_lowered[0]:
        return _last_lowered[1]
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters (İ) lower into two characters: lower ASCII only
        lowered = text.translate(_ASCII_LOWER)
    _last_lowered = (text, lowered)
    return lowered


def _key(text: str) -> str:
    return _SPACE.sub("", text.translate(_ASCII_LOWER))


def _body(body: str) -> str:
    pieces = body.split()
    out = re.escape(pieces[0])
    for prev, piece in itertools.pairwise(pieces):
        # Two Latin words need a space between them; next to Chinese a space is optional.
        out += r"\s+" if _is_word(prev[-1]) and _is_word(piece[0]) else r"\s*"
        out += re.escape(piece)
    return out


def _tail(body: str, *, inflect: bool, digits_after: bool) -> str:
    out = ""
    if inflect and body[-1].isascii() and body[-1].isalpha() and not _capitals_only(body):
        out += _INFLECTION
    if _is_word(body[-1]):
        out += r"(?![A-Za-z])" if digits_after else r"(?![A-Za-z0-9])"
    return out


_AFTER_WORD_START = r"(?<![a-z0-9].)"
"""Put after a Latin term's first character: the character before that one is no letter or digit."""


def _alternatives(items: list[tuple[str, str]]) -> str:
    return "|".join(p for _, p in sorted(items, key=lambda item: -len(item[0])))


def _regex(groups: Mapping[str, list[tuple[str, str]]]) -> str:
    """One branch per first character, the longest term first within it."""
    return "|".join(f"{re.escape(first)}(?:{_alternatives(items)})" for first, items in groups.items())


def _word_start_regex(groups: Mapping[str, list[tuple[str, str]]]) -> str:
    """Latin terms that start at a word start, for ASCII text: one character class first, the
    boundary checked once, and only then the branch of that letter chosen. In `_regex`'s form every
    letter of an English text, inside words too, tries the branches in turn; in a Chinese text
    letters are few, and one pass with the Chinese branches costs less than two."""
    firsts = "".join(re.escape(first) for first in groups)
    branches = "|".join(f"(?<={re.escape(first)})(?:{_alternatives(items)})" for first, items in groups.items())
    return f"[{firsts}]{_AFTER_WORD_START}(?:{branches})"


class TermMatcher:
    """Finds the terms of one word list in a text; the longest term wins where two start together."""

    def __init__(
        self,
        terms: Iterable[str],
        *,
        ignore: Iterable[str] = (),
        inflect: bool = False,
        digits_after: bool = False,
    ) -> None:
        seen: set[str] = set()
        raw = [t.strip() for t in terms if t.strip() and not _seen(seen, t)]
        hidden = [t.strip() for t in ignore if t.strip() and not _seen(seen, t)]
        self.terms: tuple[str, ...] = tuple(t.lstrip("*") for t in raw)
        """The terms as hits report them (without a leading `*`)."""
        self._inflect = inflect
        self._lookup: dict[str, int] = {}
        groups: dict[str, list[tuple[str, str]]] = {}  # first character -> (term, rest of its pattern)
        words: dict[str, list[tuple[str, str]]] = {}  # the same, for Latin terms bound to a word start
        free: dict[str, list[tuple[str, str]]] = {}  # the same, for the others
        capitals: list[str] = []
        for index, term in [(i, t) for i, t in enumerate(raw)] + [(-1, t) for t in hidden]:
            body = term.lstrip("*")
            tail = _tail(body, inflect=inflect, digits_after=digits_after)
            if _capitals_only(body):
                boundary = r"(?<![A-Za-z0-9])" if not term.startswith("*") else ""
                capitals.append(f"({boundary}{_body(body)}{tail})")
                self._lookup["^" + body] = index
                continue
            lowered = body.translate(_ASCII_LOWER)
            first, rest = lowered[0], _body(lowered)[len(re.escape(lowered[0])) :]
            bounded = _is_word(first) and not term.startswith("*")
            groups.setdefault(first, []).append((body, f"{_AFTER_WORD_START if bounded else ''}{rest}{tail}"))
            (words if bounded else free).setdefault(first, []).append((body, f"{rest}{tail}"))
            self._lookup.setdefault(_key(body), index)
        self._scans = (re.compile(_regex(groups)),) if groups else ()
        """One pass over a text with Chinese (or any other non-ASCII) characters."""
        self._scans_ascii = tuple(re.compile(r) for r in (_word_start_regex(words) if words else "", _regex(free)) if r)
        """Two passes over an ASCII text: see `_word_start_regex`."""
        self._capitals = re.compile("|".join(capitals)) if capitals else None

    def _index(self, matched: str) -> int | None:
        key = _key(matched)
        if key in self._lookup:
            return self._lookup[key]
        if self._inflect:
            for suffix in _SUFFIXES:
                if key.endswith(suffix) and key[: -len(suffix)] in self._lookup:
                    return self._lookup[key[: -len(suffix)]]
        return None

    def find(self, text: str) -> list[Hit]:
        found: list[tuple[int, int, int]] = []  # (start, end, index)
        lowered = _lowered(text)
        for regex in self._scans_ascii if text.isascii() else self._scans:
            for m in regex.finditer(lowered):
                index = self._index(m.group())
                if index is not None:
                    found.append((m.start(), m.end(), index))
        if self._capitals is not None:
            for m in self._capitals.finditer(text):
                found.append((m.start(), m.end(), self._lookup["^" + text[m.start() : m.end()].strip()]))
        if not found:
            return []
        if len(found) > 1:
            found.sort(key=lambda f: (f[0], -f[1]))
        hits: list[Hit] = []
        end = -1
        for start, stop, index in found:
            if start >= end:
                end = stop
                if index >= 0:
                    hits.append(Hit(self.terms[index], start, stop))
        return hits

    def __bool__(self) -> bool:
        return bool(self.terms)


def _seen(seen: set[str], term: str) -> bool:
    key = term.casefold().strip().lstrip("*")
    if key in seen:
        return True
    seen.add(key)
    return False


class GroupedMatcher:
    """Several named word lists found in one pass over the text (one regex instead of one per list).

    Where terms of two lists overlap in a text, the longer one wins, as within one list.
    """

    def __init__(
        self,
        groups: Mapping[str, Iterable[str]],
        *,
        ignore: Iterable[str] = (),
        inflect: bool = False,
        digits_after: bool = False,
    ) -> None:
        self.names = tuple(groups)
        self._groups_of: dict[str, list[str]] = {}
        terms: list[str] = []
        for name, words in groups.items():
            for word in words:
                key = word.casefold().strip().lstrip("*")
                if not key:
                    continue
                owners = self._groups_of.setdefault(key, [])
                if name not in owners:
                    owners.append(name)
                terms.append(word)
        self._matcher = TermMatcher(terms, ignore=ignore, inflect=inflect, digits_after=digits_after)

    def find(self, text: str) -> dict[str, list[Hit]]:
        """Hits per group name (every group present, most empty)."""
        out: dict[str, list[Hit]] = {name: [] for name in self.names}
        for hit in self._matcher.find(text):
            for name in self._groups_of[hit.term.casefold()]:
                out[name].append(hit)
        return out
