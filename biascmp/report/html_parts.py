"""Small pieces the HTML report's sections share: the rendering context (which sentence ids
exist, so links never dangle), evidence lines, colour classes and number formats.

Every piece escapes what it is given (``html_safe.esc``); callers pass raw report values.
"""

from __future__ import annotations

from biascmp.report.html_safe import anchor, esc

#: colour classes in report.css: h0..h9 (coverage and share), t-3..t3 (tone), aff-0..aff-9
HEAT_LEVELS = 10
AFF_COLOURS = 10


class Page:
    """Rendering context of one report: its outlets and the sentence ids the page holds."""

    def __init__(self, report: dict):
        self.report = report
        self.outlets = report["event"]["outlets"]
        self.known = {
            s["sentence_id"] for a in report.get("articles", []) for s in a.get("sentences", [])
        }

    def ref(self, sentence_id, label=None, cls: str = "ref") -> str:
        """A link to the sentence's element (nothing when the page does not hold it)."""
        if not sentence_id or sentence_id not in self.known:
            return ""
        target = esc(anchor(sentence_id))
        return f'<a class="{cls}" href="#{target}">{esc(label or sentence_id)}</a>'

    def evidence(self, e: dict) -> str:
        """One evidence line: outlet, sentence, score, link."""
        score = e.get("score")
        score_html = f' <span class="muted">score {fmt(score)}</span>' if is_num(score) else ""
        return (
            f'<div class="ev-line"><span class="outlet">{esc(e.get("outlet"))}</span>: '
            f'<span class="sent">{esc(e.get("sentence"))}</span>{score_html} '
            f"{self.ref(e.get('sentence_id'))}</div>"
        )


def is_num(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def fmt(value, spec: str = ".2f") -> str:
    return format(value, spec) if is_num(value) else "–"


def short(text, limit: int = 160) -> str:
    """Escaped text cut at ``limit`` characters (the full text stays in the JSON and tables)."""
    text = "" if text is None else str(text)
    return esc(text if len(text) <= limit else text[: limit - 1].rstrip() + "…")


def heat(value: float | None, top: float = 1.0) -> str:
    """Colour class ``h0``..``h9`` for ``value`` on a 0..``top`` scale."""
    if not is_num(value) or top <= 0:
        return "h0"
    level = int(max(0.0, min(1.0, value / top)) * (HEAT_LEVELS - 1) + 0.5)
    return f"h{level}"


def tone_class(score: float | None) -> str:
    """Colour class ``t-3``..``t3`` for a tone score in -1..+1."""
    if not is_num(score):
        return "t0"
    return f"t{max(-3, min(3, round(score * 3)))}"


def table(header: list[str], rows: list[str], scroll: bool = True) -> str:
    """A table from escaped header cells and finished ``<tr>`` rows."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = f"<table><tr>{head}</tr>{''.join(rows)}</table>"
    return f'<div class="scroll">{body}</div>' if scroll else body


def muted(text: str) -> str:
    return f'<span class="muted">{text}</span>'
