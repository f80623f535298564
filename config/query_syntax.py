"""The grammar of a product's boolean `query` in lingting.toml: text in, a tree of `Node`s out.

It lives in `config` so that a query that cannot be read is refused when the config is loaded, with
its key named; what a query matches is `sentiment/query.py`'s business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r'\s*(?:(?P<open>\()|(?P<close>\))|(?P<minus>-)?"(?P<phrase>[^"]*)"|(?P<word>[^\s()"]+))')
_NEAR = re.compile(r"NEAR/(\d{1,3})$")


class QueryError(ValueError):
    """A query that cannot be read; the message says where, in English and Chinese."""


@dataclass(frozen=True)
class Node:
    op: str
    """term | and | or | not | near"""
    children: tuple[Node, ...] = ()
    term: str = ""
    distance: int = 0


def _tokens(query: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(query):
        if not query[pos:].strip():
            break
        m = _TOKEN.match(query, pos)
        if not m or m.end() == pos:
            raise QueryError(f"cannot read the query at {query[pos : pos + 20]!r} / 查询无法解析")
        pos = m.end()
        if m.group("open"):
            out.append(("(", "("))
        elif m.group("close"):
            out.append((")", ")"))
        elif m.group("phrase") is not None:
            if not m.group("phrase").strip():
                raise QueryError('an empty "" phrase / 引号内为空')
            if m.group("minus"):  # -"a phrase" excludes the phrase, as -word excludes a word
                out.append(("op", "NOT"))
            out.append(("term", m.group("phrase").strip()))
        else:
            word = m.group("word")
            if word in {"AND", "OR", "NOT"} or _NEAR.match(word):
                out.append(("op", word))
            elif word.startswith("-") and len(word) > 1:
                out += [("op", "NOT"), ("term", word[1:])]
            else:
                out.append(("term", word))
    if not out:
        raise QueryError("the query is empty / 查询为空")
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node:
        node = self.or_()
        if self.peek() is not None:
            raise QueryError(f"unexpected {self.peek()[1]!r} / 多余的 {self.peek()[1]!r}")  # type: ignore[index]
        return node

    def or_(self) -> Node:
        parts = [self.and_()]
        while self.peek() == ("op", "OR"):
            self.take()
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else Node("or", tuple(parts))

    def and_(self) -> Node:
        parts = [self.near()]
        while (token := self.peek()) is not None and (
            token == ("op", "AND") or token[0] in {"term", "("} or token == ("op", "NOT")
        ):
            if token == ("op", "AND"):
                self.take()
            parts.append(self.near())
        return parts[0] if len(parts) == 1 else Node("and", tuple(parts))

    def near(self) -> Node:
        left = self.unary()
        while (token := self.peek()) is not None and token[0] == "op" and (m := _NEAR.match(token[1])):
            self.take()
            right = self.unary()
            for side in (left, right):
                if not _near_side(side):
                    raise QueryError("NEAR joins terms or (a OR b) groups of terms / NEAR 两侧须为词语或词语的 OR 组")
            left = Node("near", (left, right), distance=int(m.group(1)))
        return left

    def unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise QueryError("the query ends too early / 查询不完整")
        if token == ("op", "NOT"):
            self.take()
            return Node("not", (self.unary(),))
        if token[0] == "term":
            self.take()
            return Node("term", term=token[1])
        if token[0] == "(":
            self.take()
            node = self.or_()
            if self.peek() != (")", ")"):
                raise QueryError("a ( is not closed / 括号未闭合")
            self.take()
            return node
        raise QueryError(f"{token[1]!r} cannot stand here / {token[1]!r} 位置不对")


def _near_side(node: Node) -> bool:
    return node.op == "term" or (node.op == "or" and all(_near_side(c) for c in node.children))


def parse_query(query: str) -> Node:
    """The tree of `query`; QueryError (a ValueError) says in words why it cannot be read."""
    return _Parser(_tokens(query)).parse()
