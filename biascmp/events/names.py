"""Names an article mentions, found by rules over its sentence texts (no model).

Event grouping must run on a freshly ingested database without spaCy, so names come from
capitalisation, the way a reader skims for them:

* a **name** is a run of capitalised words or acronyms inside one sentence (``"Recep Tayyip
  Erdogan"``, ``"AFAD"``, ``"U.S."``), optionally joined by a lower-case particle between two
  capitalised words (``"Bank of England"``); punctuation ends a run;
* a capitalised word at the start of a sentence or quotation is a name only with evidence:
  the article also writes it capitalised mid-sentence, or it is a possessive
  (``"Ukraine's..."``), or it opens a run of two or more capitalised words (``"Tom Arkwright
  saved..."``); and the article never writes it in lower case. ``"Rescuers dug..."`` is not
  a name, ``"Kuleba said..."`` is when ``"Kuleba"`` appears mid-sentence elsewhere. Stop
  words, weekdays and months never are;
* honorifics at the front of a run are dropped (``"President Erdogan"`` -> ``"Erdogan"``),
  so an article that writes the surname alone after the full name matches one that only
  ever writes the surname (adding the last word of every two- or three-word name instead,
  as a person's surname, lost on ECB+ and BiasLab: "United States" -> "states");
* sentences that are mostly capitalised words (headings, headlines in title case, shouting)
  are skipped: capitals there say nothing.

Keys are normalised (``normalise_name``); the batch's IDF weighting then down-weights the
common capitalised words the rules let through.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from biascmp.events.terms import stop_words

#: lower-case particles that may join two capitalised words of one name
PARTICLES = frozenset("of for de del della da di du la le van von der den bin ibn al el".split())
#: words that are capitalised without naming anyone: calendar words (the date signal and the
#: numbers cover time)
CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december""".split()
)
#: titles dropped from the front of a run (general English usage)
HONORIFICS = frozenset(
    """mr mrs ms mx dr prof sir dame lord lady president vice sen senator rep representative
    gov governor mayor judge justice pope king queen prince princess chancellor minister
    secretary premier gen lt col capt sgt cmdr adm rev""".split()
)

_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0391-\u03a9\u0410-\u042f"
#: a capitalised word or acronym (inner apostrophes, hyphens and dots allowed: "O'Brien",
#: "Al-Assad", "U.S.")
_CAP = r"[" + _UPPER + r"](?:[\w'\u2019.\-]*[\w'\u2019])?"
#: a run of capitalised words, a lower-case particle allowed between two of them
_RUN = re.compile(
    r"(?<![\w'\u2019\-])" + _CAP
    + r"(?:\s+(?:(?:" + "|".join(sorted(PARTICLES)) + r")\s+)?" + _CAP + r")*"
)
#: what may precede a word that opens a sentence-like unit: nothing, an opening quote or
#: bracket, a colon or dash, a sentence end
_OPENS_UNIT = re.compile(r"(?:^|[\"\u201c\u2018\u00ab(\[:\u2014\u2013.!?])\W*$")
_LOWER_WORD = re.compile(r"(?<![\w\-])[a-z\u00df-\u00ff][\w\-]*")
_LONG_WORD = re.compile(r"\b[^\W\d_]{4,}")
_LONG_CAP = re.compile(r"\b[" + _UPPER + r"][^\W\d_]{3,}")
_SPACE = re.compile(r"\s+")
_DOTTED_END = re.compile(r"(?:^|\s)(?:[A-Za-z]\.)+[A-Za-z]$")
#: fraction of capitalised long words above which a sentence is a heading or title-case line
HEADING_SHARE = 0.6
#: long words a sentence needs before ``HEADING_SHARE`` applies
HEADING_MIN_WORDS = 4


@lru_cache(maxsize=100_000)
def normalise_name(text: str) -> str:
    """``"the United Nations'"`` -> ``"united nations"``, ``"U.S."`` -> ``"us"``: case, width,
    a leading "the", possessives, dots and tokens with digits."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").lower()
    text = _SPACE.sub(" ", text).strip()
    words = []
    for word in text.split():
        if word.endswith("'s"):
            word = word[:-2]
        word = word.strip("'.-").replace(".", "")
        if word and not any(c.isdigit() for c in word):
            words.append(word)
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _is_acronym(token: str) -> bool:
    """``"UN"``, ``"U.S."``, ``"NATO"``: two or more capitals and no lower-case letter."""
    return token.isupper() and len(token.replace(".", "")) >= 2


def _strip_possessive(token: str) -> str:
    if token.endswith(("'s", "\u2019s")):
        return token[:-2]
    if token.endswith(("'", "\u2019")):
        return token[:-1]
    return token


def _runs(text: str) -> list[tuple[list[str], bool]]:
    """Runs of capitalised tokens of one sentence: ``(tokens, starts_a_unit)`` where
    ``starts_a_unit`` says the first token opens the sentence or a quotation. A possessive
    ends a run ("Morocco's High Atlas" is two names)."""
    runs: list[tuple[list[str], bool]] = []
    for m in _RUN.finditer(text):
        initial = bool(_OPENS_UNIT.search(text, 0, m.start())) if m.start() else True
        current: list[str] = []
        for tok in m.group(0).split():
            current.append(tok)
            if tok[-1] in "'\u2019s" and _strip_possessive(tok) != tok:
                runs.append((current, initial))
                current, initial = [], False
        if current:
            runs.append((current, initial))
    return runs


def _is_heading(text: str) -> bool:
    """Mostly capitalised words: a heading or title-case line, whose capitals name nothing."""
    words = len(_LONG_WORD.findall(text))
    if words < HEADING_MIN_WORDS:
        return False
    return len(_LONG_CAP.findall(text)) / words > HEADING_SHARE


def _clean_run(
    tokens: list[str], initial: bool, lower_words: set[str], mid_caps: set[str]
) -> list[str]:
    """Drop what is not part of the name: stop words (a run splits there), a sentence-initial
    word that is not known to be a name, leading honorifics and particles, trailing
    particles. Returns the remaining tokens (possessives stripped)."""
    stop = stop_words()
    possessive = _strip_possessive(tokens[-1]) != tokens[-1]
    tokens = [_strip_possessive(t) for t in tokens]
    if initial and tokens and not _is_acronym(tokens[0]):
        first = tokens[0].lower()
        known = first in mid_caps or len(tokens) > 1 or possessive
        if first in stop or first in lower_words or not known:
            tokens = tokens[1:]
    while tokens and (tokens[0].lower().strip(".") in HONORIFICS or tokens[0] in PARTICLES):
        tokens = tokens[1:]
    while tokens and tokens[-1] in PARTICLES:
        tokens = tokens[:-1]
    return tokens


def _split_at_stop_words(tokens: list[str]) -> list[list[str]]:
    """``["The", "Hague"]`` -> ``[["Hague"]]``; ``["I", "Kuleba"]`` -> ``[["Kuleba"]]``:
    capitalised stop words and calendar words are never part of a name."""
    stop = stop_words()
    parts, current = [], []
    for tok in tokens:
        low = _strip_possessive(tok).lower()
        if tok not in PARTICLES and not _is_acronym(tok) and (low in stop or low in CALENDAR):
            if current:
                parts.append(current)
            current = []
        else:
            current.append(tok)
    if current:
        parts.append(current)
    return parts


def article_names(texts: list[str]) -> tuple[frozenset[str], dict[str, str]]:
    """Normalised names of one article's sentence ``texts`` and, for each, its most frequent
    surface form (for readable labels; ties alphabetical)."""
    sentences = [t for t in texts if t and not _is_heading(t)]
    lower_words: set[str] = set()
    mid_caps: set[str] = set()
    runs_of: list[list[tuple[list[str], bool]]] = []
    for text in sentences:
        lower_words.update(_LOWER_WORD.findall(text))
        runs = _runs(text)
        runs_of.append(runs)
        for tokens, initial in runs:
            for k, tok in enumerate(tokens):
                if k > 0 or not initial:
                    mid_caps.add(_strip_possessive(tok).lower())
    surfaces: dict[str, Counter] = {}
    for runs in runs_of:
        for tokens, initial in runs:
            for n, part in enumerate(_split_at_stop_words(tokens)):
                opens = initial and n == 0 and part[0] == tokens[0]
                kept = _clean_run(part, opens, lower_words, mid_caps)
                if not kept:
                    continue
                key = normalise_name(" ".join(kept))
                if len(key) >= 2:
                    surface = " ".join(kept)
                    if _DOTTED_END.search(surface):
                        surface += "."  # "U.S" as the word pattern cut it -> "U.S."
                    surfaces.setdefault(key, Counter())[surface] += 1
    display = {
        k: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for k, c in surfaces.items()
    }
    return frozenset(surfaces), display
