from __future__ import annotations

from importlib import resources

import pytest

from sentiment.lexicon import CATEGORIES, MODULES, PLATFORMS, load_lexicon
from sentiment.terms import TermMatcher


def test_lexicons_are_packaged_data_files() -> None:
    folder = resources.files("config") / "lexicons"
    names = {p.name for p in folder.iterdir()}
    assert {"complaint.toml", "category.toml", "priority.toml", "followup.toml", "negation.toml"} <= names


def test_lexicon_loads_once_with_every_name_known() -> None:
    lexicon = load_lexicon()
    assert load_lexicon() is lexicon
    assert set(lexicon.category_cues) <= set(CATEGORIES)
    assert set(lexicon.modules) == set(MODULES)
    assert {p.name for p in lexicon.platforms} == set(PLATFORMS)
    assert {"crash", "disconnect", "lag", "messaging", "billing", "support", "docs", "memory"} <= set(lexicon.themes)


def test_matcher_word_boundaries_inflections_and_capitals() -> None:
    matcher = TermMatcher(["crash", "IM", "no audio", "SDK 崩溃", "*Exception"], inflect=True)
    assert [h.term for h in matcher.find("It crashes; crashed; crashing")] == ["crash"] * 3
    assert matcher.find("a crashpad") == []
    assert [h.term for h in matcher.find("IM works, im not sure")] == ["IM"]
    assert [h.term for h in matcher.find("No   audio and SDK崩溃")] == ["no audio", "SDK 崩溃"]
    assert [h.term for h in matcher.find("java.lang.NullPointerException")] == ["Exception"]


def test_matcher_longest_term_and_ignore_phrases() -> None:
    matcher = TermMatcher(["推送", "推送失败", "everyone"], ignore=["hi everyone"])
    assert [h.term for h in matcher.find("消息推送失败")] == ["推送失败"]
    assert matcher.find("Hi everyone, a question") == []
    assert [h.term for h in matcher.find("it hits everyone")] == ["everyone"]


def test_matcher_finds_the_same_in_ascii_text_as_in_text_with_chinese() -> None:
    # ASCII text is scanned in two passes (Latin terms at word starts, then the rest), other text in one.
    matcher = TermMatcher(
        ["crash", "*Exception", "lag", "log in", "v2", "(beta)", "闪退"], ignore=["no crash", "(crash)"], inflect=True
    )
    text = "No crash, (crash) but crashes; a flag, a lag; NullPointerException; can't log in on v2 (beta) and v23"
    ascii_hits = [(h.term, h.start, h.end) for h in matcher.find(text)]
    assert [term for term, _, _ in ascii_hits] == ["crash", "lag", "Exception", "log in", "v2", "(beta)"]
    assert [(h.term, h.start, h.end) for h in matcher.find(text + " 闪退")] == [
        *ascii_hits,
        ("闪退", len(text) + 1, len(text) + 3),
    ]


@pytest.mark.parametrize("term", ["闪退", "crash", "收不到消息", "扣费不透明", "没人回", "内存泄漏", "错误码"])
def test_complaint_terms_of_the_brief_are_in_the_lexicon(term: str) -> None:
    lexicon = load_lexicon()
    assert [h.term for h in lexicon.complaints.find(f"x {term} x")] == [term]


def test_a_wrong_lexicon_entry_is_reported_in_words() -> None:
    from sentiment.lexicon import LexiconError, _themes

    theme = {"category": "bug", "severity": "severe", "push": "force", "zh": ["闪退"]}
    with pytest.raises(LexiconError, match=r"\[themes.b\].*'闪退' is also in theme 'a'"):
        _themes({"themes": {"a": theme, "b": theme}})
    with pytest.raises(LexiconError, match=r"category is 'crash'; allowed"):
        _themes({"themes": {"a": {**theme, "category": "crash"}}})
