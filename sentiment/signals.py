"""Signals in a post beyond the complaint lexicon: a failure told flatly, and the lexicon's reading
of a text as tokens for the category model.

Technical posts report faults without an angry word or a complaint term: a bug-report template
("Steps to reproduce", 复现步骤), an error code, a stack trace, "onMessageReceived is never called",
"无法收到离线推送". VADER reads such English as neutral or positive. `find_failure` collects that
evidence (config/lexicons/failure.toml). `lexicon_tokens` turns what the lexicons see (category
cues, complaint themes, the rules' category, failure evidence) into tokens such as `§cue:question`,
so the category model for posts learns how far to trust each of them beside the words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sentiment.lexicon import Lexicon, load_lexicon

if TYPE_CHECKING:
    from sentiment.complaint import ComplaintEvidence

TOKEN = "§"
"""Starts every lexicon token: no word of a text starts with it after normalization."""
_STACK = re.compile(r"\b\w+(?:Exception|Error)\b|\bat [\w.$]+\(|File \".+\", line \d+|#\d{2} pc [0-9a-f]+")
_QUESTION_END = re.compile(r"[?？]\s*$", re.MULTILINE)


@dataclass(frozen=True)
class FailureSignals:
    report: list[str]
    """Bug-report template headings (Steps to reproduce, 期望结果)."""
    failure: list[str]
    """Words that say a function does not do its job (无法, never called, does not work)."""
    dissatisfied: list[str]
    """Words of "it works, but": size, price, docs, no answer."""
    codes: list[str]
    """Error codes."""
    trace: bool
    """A stack trace or an exception name."""

    @property
    def described(self) -> bool:
        """A failure is described: a template, failure words, an error code or a stack trace."""
        return bool(self.report or self.failure or self.codes or self.trace)

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys([*self.report, *self.failure, *self.codes]))


NO_FAILURE = FailureSignals([], [], [], [], trace=False)
"""What a post about no configured product is given: it is never a complaint, so it is not searched."""


def find_failure(text: str, lexicon: Lexicon) -> FailureSignals:
    from sentiment.followup import error_codes

    found = lexicon.failure.find(text)

    def terms(name: str) -> list[str]:
        return list(dict.fromkeys(hit.term for hit in found.get(name, [])))

    return FailureSignals(
        report=terms("report"),
        failure=terms("failure"),
        dissatisfied=terms("dissatisfied"),
        codes=error_codes(text),
        trace=bool(_STACK.search(text)),
    )


def lexicon_tokens(
    text: str,
    *,
    evidence: ComplaintEvidence | None = None,
    cues: Mapping[str, list[str]] | None = None,
    failure: FailureSignals | None = None,
) -> list[str]:
    """What the lexicons see in `text`, as model tokens; the parts the analysis found already may be
    given. Each token three times: with sublinear TF (1 + ln 3) a token weighs about twice one word;
    of 1, 3 and 6, 3 gave the best cross-validated macro-F1 on rtc_issues_dev."""
    from sentiment.category import category_cues, rule_category
    from sentiment.complaint import find_complaints

    lexicon = load_lexicon()
    evidence = evidence if evidence is not None else find_complaints(text, lexicon)
    cues = cues if cues is not None else category_cues(text, lexicon)
    failure = failure if failure is not None else find_failure(text, lexicon)
    tokens = [f"{TOKEN}cue:{name}" for name, hits in cues.items() if hits]
    tokens += sorted({f"{TOKEN}theme:{hit.theme.category}" for hit in evidence.live})
    tokens += sorted({f"{TOKEN}severity:{hit.theme.severity}" for hit in evidence.live})
    rule = rule_category(text, evidence=evidence, polarity="neutral", lexicon=lexicon, cues=cues)[0]
    tokens.append(f"{TOKEN}rule:{rule}")
    for name, present in (
        ("report", failure.report),
        ("failure", failure.failure),
        ("dissatisfied", failure.dissatisfied),
        ("code", failure.codes),
        ("trace", failure.trace),
        ("asks", lexicon.asks.find(text)),
        ("question_end", _QUESTION_END.search(text)),
    ):
        if present:
            tokens.append(f"{TOKEN}{name}")
    return tokens * 3
