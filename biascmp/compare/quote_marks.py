"""Find quoted stretches of text in every common quotation style, without ever failing.

Handles straight and curly double quotes, single quotes (told apart from apostrophes), « »
and » « , „ “ and ‚ ‘, nested quotes (only the outer one is reported), quotes split around
their attribution (two spans), and quotes running over several paragraphs (the news
convention: each quoted paragraph opens with a mark, only the last one closes). An opening
mark that is never closed ends its span at the end of the paragraph (``closed=False``); a
closing mark with no opener is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

DOUBLE = frozenset('"“”„‟«»')
SINGLE = frozenset("'‘’‚‛‹›")
QUOTE_CHARS = DOUBLE | SINGLE
#: marks that only ever open (given the opener on the stack, see ``_closes``)
_OPENING_SHAPES = frozenset("“„‟«‘‚‛‹")
_LEFT_CONTEXT = set("([{—–-/:;") | QUOTE_CHARS
_RIGHT_CONTEXT = set(".,;:!?)]}—–…") | QUOTE_CHARS
_PAIRS = {"„": "“”", "‚": "‘’", "»": "«»", "›": "‹›", "«": "»", "‹": "›"}


@dataclass
class QuoteSpan:
    """Character range of the words inside one pair of marks (marks excluded)."""

    start: int
    end: int
    #: spans of one multi-paragraph quote share a group number
    group: int
    closed: bool = True


def _family(c: str) -> str:
    return "d" if c in DOUBLE else "s"


def _closes(opener: str, c: str, left: str, right: str) -> bool:
    """Can ``c`` close a quote opened by ``opener`` here?"""
    if opener in _PAIRS:
        if c not in _PAIRS[opener] and c not in "\"'":
            return False
    elif c in _OPENING_SHAPES and not (c == "“" and not left.isspace() and not right.isalnum()):
        # “ after a word and before a space/punctuation is a (mis-typed) closer
        return False
    if left.isspace():
        # a mark after a space closes only when nothing can follow it ("word ”.")
        return not (right.isalnum() or right in "“‘\"'«")
    return True


def _opens(c: str, left: str, right: str) -> bool:
    if right.isspace() or right == "":
        return False
    if c in _OPENING_SHAPES:
        return True
    return left.isspace() or left == "" or left in _LEFT_CONTEXT


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """All top-level quoted spans of ``text`` (paragraphs separated by blank lines)."""
    spans: list[QuoteSpan] = []
    stack: list[tuple[str, int]] = []  # (opening mark, index)
    group = 0
    continuing: int | None = None  # group of a quote that runs into the next paragraph
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "\n" and text.startswith("\n\n", i):
            if stack:
                mark, pos = stack[0]
                nxt = text[i:].lstrip()
                runs_on = bool(nxt) and nxt[0] in QUOTE_CHARS and _family(nxt[0]) == _family(mark)
                g = continuing if continuing is not None else group
                spans.append(QuoteSpan(pos + 1, i, g, closed=runs_on))
                if continuing is None:
                    group += 1
                continuing = g if runs_on else None
                stack.clear()
            else:
                continuing = None
            while i < n and text[i] == "\n":
                i += 1
            continue
        if c not in QUOTE_CHARS:
            i += 1
            continue
        left = text[i - 1] if i > 0 else ""
        right = text[i + 1] if i + 1 < n else ""
        if c in "'’" and left.isalnum() and right.isalnum():
            i += 1  # apostrophe inside a word: don't, Washington’s
            continue
        fam = _family(c)
        depth = next((k for k in range(len(stack) - 1, -1, -1)
                      if _family(stack[k][0]) == fam), None)
        if depth is not None and _closes(stack[depth][0], c, left or " ", right or " "):
            mark, pos = stack[depth]
            del stack[depth:]
            if not stack:
                g = continuing if continuing is not None else group
                spans.append(QuoteSpan(pos + 1, i, g, closed=True))
                if continuing is None:
                    group += 1
                continuing = None
            i += 1
            continue
        if _opens(c, left, right):
            if fam == "s" and c in "’'" and left.isalnum():
                i += 1  # a trailing apostrophe (plural possessive) does not open
                continue
            if depth is not None and fam == "d" and c in _OPENING_SHAPES and depth == 0:
                # a new double opener while one is open: the first was never closed
                mark, pos = stack[0]
                end = i
                while end > pos + 1 and text[end - 1].isspace():
                    end -= 1
                g = continuing if continuing is not None else group
                spans.append(QuoteSpan(pos + 1, end, g, closed=False))
                if continuing is None:
                    group += 1
                continuing = None
                stack.clear()
            stack.append((c, i))
        i += 1
    if stack:
        mark, pos = stack[0]
        g = continuing if continuing is not None else group
        spans.append(QuoteSpan(pos + 1, n, g, closed=False))
    return [s for s in spans if text[s.start:s.end].strip()]
