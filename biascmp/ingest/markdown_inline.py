"""Markdown inline markup -> plain text, in time linear in the line's length.

The natural regular expressions for links (``\\[([^\\]]*)\\]\\([^)]*\\)``), emphasis
(``(\\*|_)(?=\\S)(.+?)(?<=\\S)\\1``) and ATX headings (``(.*?)\\s*#*\\s*$``) rescan the rest of
the line from every opening mark that never closes: quadratic or worse, so one scraped 2 MB
line of ``*a `` or ``[`` (or a heading followed by a few thousand spaces) kept ``ingest`` busy
for hours. The functions here return exactly what ``re.sub`` with those patterns returns
(``tests/test_fuzz_pipeline.py`` compares them on random markup) but find each closing mark
once, with a forward-only search or a binary search over the closing positions.
"""

from __future__ import annotations

import re
from bisect import bisect_left

#: emphasis marks, in the order the pattern's alternation tries them
EMPHASIS_MARKS = ("**", "__", "*", "_", "~~")

_MARK_START_RE = re.compile(r"[*_~]")
_TAG_RE = re.compile(r"</?[A-Za-z][^>]*>")
_ATX_RE = re.compile(r"^(#{1,6})\s+(.*)$")


class _ForwardFind:
    """``text.find(ch, start)`` for queries whose ``start`` never decreases: each call reuses
    the last hit while it lies ahead, so a whole pass costs one scan of the text."""

    def __init__(self, text: str, ch: str):
        self.text, self.ch = text, ch
        self.start, self.hit = -1, -1

    def __call__(self, start: int) -> int:
        if start < self.start or (self.hit != -1 and self.hit < start) or self.start == -1:
            self.hit = self.text.find(self.ch, start)
        self.start = start
        return self.hit


def strip_images(line: str) -> str:
    """``re.sub(r"!\\[([^\\]]*)\\]\\([^)]*\\)", "", line)``: images are dropped."""
    close_bracket, close_paren = _ForwardFind(line, "]"), _ForwardFind(line, ")")
    out, pos = [], 0
    i = line.find("![")
    while i != -1:
        k = close_bracket(i + 2)
        if k == -1:
            break  # no ']' left: no later image can close either
        if line.startswith("(", k + 1):
            p = close_paren(k + 2)
            if p != -1:
                out.append(line[pos:i])
                pos = p + 1
                i = line.find("![", pos)
                continue
        i = line.find("![", i + 1)
    out.append(line[pos:])
    return "".join(out)


def strip_links(line: str) -> str:
    """``[text](url)`` and ``[text][ref]`` -> ``text``; the same result as ``re.sub`` with
    ``\\[([^\\]]*)\\]\\([^)]*\\)|\\[([^\\]]*)\\]\\[[^\\]]*\\]``."""
    close_bracket = _ForwardFind(line, "]")
    close_ref = _ForwardFind(line, "]")
    close_paren = _ForwardFind(line, ")")
    out, pos = [], 0
    i = line.find("[")
    while i != -1:
        k = close_bracket(i + 1)
        if k == -1:
            break
        end = -1
        if line.startswith("(", k + 1):
            p = close_paren(k + 2)
            end = p + 1 if p != -1 else -1
        elif line.startswith("[", k + 1):
            q = close_ref(k + 2)
            end = q + 1 if q != -1 else -1
        if end != -1:
            out.append(line[pos:i])
            out.append(line[i + 1 : k])
            pos = end
            i = line.find("[", pos)
        else:
            i = line.find("[", i + 1)
    out.append(line[pos:])
    return "".join(out)


def _positions(line: str, mark: str) -> list[int]:
    found, j = [], line.find(mark)
    while j != -1:
        found.append(j)
        j = line.find(mark, j + 1)
    return found


def strip_emphasis(line: str) -> str:
    """``**x**``, ``__x__``, ``*x*``, ``_x_``, ``~~x~~`` -> ``x`` (one level); the same result
    as ``re.sub(r"(\\*\\*|__|\\*|_|~~)(?=\\S)(.+?)(?<=\\S)\\1", r"\\2", line)``."""
    if not _MARK_START_RE.search(line):
        return line
    closers = {
        mark: [j for j in _positions(line, mark) if j > 0 and not line[j - 1].isspace()]
        for mark in EMPHASIS_MARKS
    }
    newlines = _positions(line, "\n")
    n = len(line)
    out, pos = [], 0
    found = _MARK_START_RE.search(line)
    while found:
        i = found.start()
        next_start = i + 1
        for mark in EMPHASIS_MARKS:
            size = len(mark)
            if not line.startswith(mark, i) or i + size >= n or line[i + size].isspace():
                continue
            ends = closers[mark]
            at = bisect_left(ends, i + size + 1)
            if at == len(ends):
                continue
            j = ends[at]
            nl = bisect_left(newlines, i + size)
            if nl < len(newlines) and newlines[nl] < j:
                continue  # '.' does not cross a line break
            out.append(line[pos:i])
            out.append(line[i + size : j])
            pos = next_start = j + size
            break
        found = _MARK_START_RE.search(line, next_start)
    out.append(line[pos:])
    return "".join(out)


def strip_tags(line: str) -> str:
    """``re.sub(r"</?[A-Za-z][^>]*>", "", line)``, run only up to the last ``>`` (no tag can
    end after it, and scanning that tail from every ``<`` is what made the pattern slow)."""
    last = line.rfind(">")
    if last == -1:
        return line
    return _TAG_RE.sub("", line[: last + 1]) + line[last + 1 :]


def atx_heading(line: str) -> tuple[int, str] | None:
    """``(level, text)`` of an ATX heading line (``## Text ##``), closing ``#``s and spaces
    removed; None when the line is not one. Same result as ``^(#{1,6})\\s+(.*?)\\s*#*\\s*$``
    on a line without line breaks."""
    match = _ATX_RE.match(line)
    if not match:
        return None
    return len(match.group(1)), match.group(2).rstrip().rstrip("#").rstrip()
