"""Boilerplate cleaning: ``RawArticle`` -> ``Article`` with paragraphs flagged, not lost.

Text is split into paragraphs (blank lines; the lines of a block unless they are hard-wrapped
prose), normalised (NFC, invisible characters dropped, spaces collapsed), and each paragraph
that is web furniture gets ``is_boilerplate`` and a reason. The passes, in order:

1. one-paragraph rules (``rules.py``): tag lines, reading-time markers, cookie notices, share
   buttons, newsletter sign-ups, banners and calls to action, donation appeals, photo credits;
2. the title repeated as a paragraph before the body (``title``);
3. for HTML, paragraphs trafilatura left out of the main text (``menu`` when short,
   ``outside-main`` otherwise);
4. a run of short navigation lines before the body (``menu``);
5. "Read more" lists: a header followed by headlines, teasers and reading-time markers;
6. once the body has ended (the first strong block after body prose: tags, newsletter,
   donation, read-more), a block opened by a salutation or a "...:" label that contains a
   donation appeal is a donation appeal throughout; appeal wording that honest prose also
   uses ("your support") counts as a donation appeal only here; and the remaining short
   non-prose lines (buttons, labels) take the reason of the block they trail;
7. paragraphs that occur in at least ``min_repeats`` articles of one outlet, counting the
   batch and the counts the store passes in (``repeated``).

Everything is generic (shapes of text, never an outlet's strings), and deterministic.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Collection, Mapping

from pydantic import BaseModel, ConfigDict, Field

from biascmp.errors import BadInput
from biascmp.ingest import rules
from biascmp.ingest.ids import content_hash, make_article_id, repeated_paragraph_keys
from biascmp.ingest.normalize import normalize_block, normalize_line
from biascmp.records import Article, Paragraph, RawArticle

#: every ``Paragraph.boilerplate_reason`` the cleaner gives
BOILERPLATE_REASONS = (
    "banner", "caption", "cookie", "donation", "menu", "newsletter", "outside-main",
    "read-more", "repeated", "share", "tags", "title",
)
#: reasons after which the body is taken to have ended
BODY_END_REASONS = frozenset({"tags", "newsletter", "donation", "read-more"})
#: reasons a later, block-level pass may replace with a more telling one
WEAK_REASONS = frozenset({None, "menu", "outside-main", "banner", "caption"})
#: reasons that close a donation block
BLOCK_STOP_REASONS = frozenset({"tags", "newsletter", "read-more", "cookie", "share"})

#: reasons a "Read more" list does not run through (a teaser may trip a one-line rule)
RUN_STOP_REASONS = frozenset({"tags", "newsletter", "cookie", "share"})

_BLANK_LINES_RE = re.compile(r"\n[ \t]*\n")


class CleanSettings(BaseModel):
    """Thresholds of the boilerplate cleaner."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)

    min_repeats: int = Field(3, ge=2)
    """A paragraph found in at least this many articles of one outlet (batch plus store)
    is flagged ``repeated``."""
    repeated_min_words: int = Field(3, ge=1)
    """Shorter paragraphs are not flagged for repetition alone (a bare "He said." recurs
    in honest prose)."""
    max_caption_words: int = Field(30, ge=1)
    """Longest line (words) that can be a photo caption/credit."""
    max_banner_words: int = Field(8, ge=1)
    """Longest line (words) that can be a banner / call to action."""
    max_share_words: int = Field(8, ge=1)
    """Longest line (words) made only of sharing buttons."""
    max_menu_words: int = Field(4, ge=1)
    """Longest line (words) counted as a navigation item."""
    min_menu_run: int = Field(2, ge=1)
    """Consecutive short lines before the body needed to call them a menu."""
    prose_min_words: int = Field(5, ge=1)
    """A paragraph with at least this many words and a sentence ending reads as prose
    (kept after the body has ended unless a block rule covers it)."""
    max_trailing_words: int = Field(8, ge=1)
    """After the body has ended, unflagged non-prose lines up to this many words (buttons,
    labels) take the reason of the block they trail; longer ones are kept (an embedded
    post or a quote after a mid-article widget is content)."""
    max_title_words: int = Field(20, ge=1)
    """Longest headline (words) in a "Read more" list."""
    max_teaser_words: int = Field(60, ge=1)
    """Longest teaser (words) in a "Read more" list."""
    max_opener_words: int = Field(8, ge=1)
    """Longest label line ("A message from ...:") that opens a block after the body."""
    wrap_min_chars: int = Field(40, ge=1)
    """A multi-line block is hard-wrapped prose only if its longest line has at least this
    many characters ..."""
    wrap_max_chars: int = Field(100, ge=1)
    """... and at most this many ..."""
    wrap_min_ratio: float = Field(0.5, gt=0, le=1)
    """... and every line but the last is at least this share of the longest."""
    use_main_extraction: bool = True
    """For HTML, flag paragraphs trafilatura left out of the main text."""


# --------------------------------------------------------------------------- splitting


def _is_hard_wrapped(lines: list[str], s: CleanSettings) -> bool:
    longest = max(len(x) for x in lines)
    if not s.wrap_min_chars <= longest <= s.wrap_max_chars:
        return False
    if not all(len(x) >= s.wrap_min_ratio * longest for x in lines[:-1]):
        return False
    # wrapping breaks lines wherever the width runs out, mostly inside sentences
    sentence_ends = sum(rules.ends_sentence(x) for x in lines[:-1])
    return sentence_ends <= (len(lines) - 1) / 2 and not (len(lines) == 2 and sentence_ends)


def split_paragraphs(text: str, settings: CleanSettings | None = None) -> list[tuple[str, int]]:
    """``(paragraph, block index)`` pairs: blocks are separated by blank lines; a block's
    lines are separate paragraphs unless they are hard-wrapped prose (then joined)."""
    s = settings or CleanSettings()
    out: list[tuple[str, int]] = []
    blocks = [b for b in _BLANK_LINES_RE.split(normalize_block(text)) if b.strip()]
    for index, block in enumerate(blocks):
        lines = [x for x in block.split("\n") if x]
        if len(lines) == 1 or _is_hard_wrapped(lines, s):
            out.append((normalize_line(" ".join(lines)), index))
        else:
            out.extend((normalize_line(x), index) for x in lines)
    return [(t, b) for t, b in out if t]


Split = tuple[list[tuple[str, int]], list[str]]


def split_and_key(text: str, settings: CleanSettings | None = None) -> Split:
    """``split_paragraphs`` and each paragraph's repetition key: computed once per article
    for both the store's repeat counts and ``clean_articles``."""
    split = split_paragraphs(text, settings)
    return split, [repeated_paragraph_keys(t) for t, _ in split]


# --------------------------------------------------------------------------- passes


def _headline_like(text: str, s: CleanSettings) -> bool:
    return rules.word_count(text) <= s.max_title_words and not rules.ends_sentence(text)


def _first_body(texts: list[str], reasons: list, s: CleanSettings) -> int | None:
    for i, (t, r) in enumerate(zip(texts, reasons)):
        if r is None and rules.looks_like_prose(t, s.prose_min_words):
            return i
    return None


def _flag_title(texts, reasons, title, s) -> None:
    if not title:
        return
    folded = normalize_line(title).casefold()
    for i, t in enumerate(texts):
        if t.casefold() == folded:
            reasons[i] = "title"
            return
        if reasons[i] is None and rules.looks_like_prose(t, s.prose_min_words):
            return  # the body has started


def _flag_outside_main(texts, blocks, reasons, main: Collection[int], s) -> None:
    main_set = set(main)
    for i, t in enumerate(texts):
        if reasons[i] is None and blocks[i] not in main_set:
            short = rules.word_count(t) <= s.max_menu_words and not rules.ends_sentence(t)
            reasons[i] = "menu" if short else "outside-main"


def _flag_leading_menu(texts, reasons, first_body: int | None, s) -> None:
    end = len(texts) if first_body is None else first_body
    run: list[int] = []
    for i in range(end + 1):
        short = (
            i < end
            and reasons[i] is None
            and rules.word_count(texts[i]) <= s.max_menu_words
            and not rules.ends_sentence(texts[i])
        )
        if short:
            run.append(i)
            continue
        if len(run) >= s.min_menu_run:
            for j in run:
                reasons[j] = "menu"
        run = []


def _flag_read_more(texts, reasons, first_body: int | None, s) -> None:
    n = len(texts)

    def is_item(j: int) -> bool:
        t = texts[j]
        if rules.is_reading_time(t) or _headline_like(t, s):
            return True
        if rules.word_count(t) > s.max_teaser_words:
            return False
        nxt = j + 1
        return nxt >= n or rules.is_reading_time(texts[nxt]) or _headline_like(texts[nxt], s)

    for i in range(n):
        if reasons[i] != "read-more" or not rules.is_read_more_header(texts[i]):
            continue
        j = i + 1
        while j < n and reasons[j] not in RUN_STOP_REASONS and is_item(j):
            reasons[j] = "read-more"
            j += 1
    # reading-time markers without a header: marker + teaser + headline before it
    if first_body is None:
        return
    for i in range(first_body + 1, n):
        if reasons[i] != "read-more" or not rules.is_reading_time(texts[i]):
            continue
        j = i - 1
        teaser = rules.word_count(texts[j]) <= s.max_teaser_words
        if j > first_body and reasons[j] in WEAK_REASONS and teaser:
            reasons[j] = "read-more"
            if (
                rules.ends_sentence(texts[j])
                and j - 1 > first_body
                and reasons[j - 1] in WEAK_REASONS
                and _headline_like(texts[j - 1], s)
            ):
                reasons[j - 1] = "read-more"


def _body_end(reasons, first_body: int | None) -> int | None:
    if first_body is None:
        return None
    for i in range(first_body + 1, len(reasons)):
        if reasons[i] in BODY_END_REASONS:
            return i
    return None


def _flag_donation_blocks(texts, reasons, body_end: int, s) -> None:
    n = len(texts)
    i = body_end + 1
    while i < n:
        if not (reasons[i] in WEAK_REASONS and rules.is_block_opener(texts[i], s.max_opener_words)):
            i += 1
            continue
        end = i + 1
        while end < n and reasons[end] not in BLOCK_STOP_REASONS:
            end += 1
        if any(reasons[k] == "donation" or rules.is_appeal(texts[k]) for k in range(i, end)):
            for k in range(i, end):
                reasons[k] = "donation"
        i = end


def _flag_trailing(texts, reasons, body_end: int, s) -> None:
    last = reasons[body_end]
    for i in range(body_end + 1, len(texts)):
        if reasons[i] in WEAK_REASONS and rules.is_appeal(texts[i]):
            reasons[i] = "donation"
        if (
            reasons[i] is None
            and rules.word_count(texts[i]) <= s.max_trailing_words
            and not rules.looks_like_prose(texts[i], s.prose_min_words)
        ):
            reasons[i] = last
        if reasons[i] is not None:
            last = reasons[i]


def _paragraph_reasons(raw: RawArticle, texts: list[str], blocks: list[int], title, s) -> list:
    reasons: list[str | None] = [
        rules.rule_reason(
            t,
            max_caption_words=s.max_caption_words,
            max_banner_words=s.max_banner_words,
            max_share_words=s.max_share_words,
        )
        for t in texts
    ]
    _flag_title(texts, reasons, title, s)
    main = raw.extra.get("main_paragraphs") if isinstance(raw.extra, dict) else None
    if s.use_main_extraction and isinstance(main, list) and main:
        _flag_outside_main(texts, blocks, reasons, main, s)
    first_body = _first_body(texts, reasons, s)
    _flag_leading_menu(texts, reasons, first_body, s)
    _flag_read_more(texts, reasons, first_body, s)
    body_end = _body_end(reasons, first_body)
    if body_end is not None:
        _flag_donation_blocks(texts, reasons, body_end, s)
        _flag_trailing(texts, reasons, body_end, s)
    return reasons


# --------------------------------------------------------------------------- repetition


RepeatedCounts = Mapping[str, "Mapping[str, int] | Collection[str]"]


def _repeat_counts(
    prepared: list[tuple[str, str, list[str]]], repeated: RepeatedCounts | None, s: CleanSettings
) -> dict[tuple[str, str], int]:
    """(outlet, key) -> number of distinct articles (by content hash) holding the paragraph
    in the batch, plus the store's count (a key in a plain collection counts as already
    repeated)."""
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for outlet, chash, keys in prepared:
        for key in keys:
            holders[(outlet, key)].add(chash)
    counts = {k: len(v) for k, v in holders.items()}
    for outlet, known in (repeated or {}).items():
        if isinstance(known, Mapping):
            for key, count in known.items():
                if (outlet, key) in counts:
                    counts[(outlet, key)] += int(count)
        else:
            for key in known:
                if (outlet, key) in counts:
                    counts[(outlet, key)] += s.min_repeats
    return counts


# --------------------------------------------------------------------------- entry point


def clean_articles(
    raws: list[RawArticle],
    *,
    repeated: RepeatedCounts | None = None,
    settings: CleanSettings | None = None,
    splits: list[Split] | None = None,
) -> list[Article]:
    """Paragraphs with boilerplate flags for a batch of raw articles (same order).

    ``repeated`` maps outlet -> {paragraph key: number of stored articles holding it}
    (keys from :func:`repeated_paragraph_keys`; a plain set of keys means "already known
    to repeat"). Repetition inside the batch is counted too. ``Article.text`` is every
    paragraph joined by blank lines, ``clean_text`` the kept ones; ``content_hash`` covers
    outlet, title and the full text, so it does not depend on these settings. ``splits``
    (``split_and_key`` of each text, with the same settings) spares splitting them again."""
    s = settings or CleanSettings()
    prepared = []
    for k, raw in enumerate(raws):
        if not raw.outlet:
            raise BadInput(raw.source_path, "no outlet: give one with --outlet")
        split, keys = splits[k] if splits is not None else split_and_key(raw.text, s)
        texts = [t for t, _ in split]
        title = normalize_line(raw.title) if raw.title else None
        full_text = "\n\n".join(texts)
        prepared.append((raw.outlet, content_hash(raw.outlet, title, full_text), texts, keys, split, title))

    counts = _repeat_counts([(o, h, k) for o, h, _, k, _, _ in prepared], repeated, s)
    articles = []
    for raw, (outlet, chash, texts, keys, split, title) in zip(raws, prepared):
        reasons = _paragraph_reasons(raw, texts, [b for _, b in split], title, s)
        for i, t in enumerate(texts):
            if (
                reasons[i] is None
                and rules.word_count(t) >= s.repeated_min_words
                and counts.get((outlet, keys[i]), 0) >= s.min_repeats
            ):
                reasons[i] = "repeated"
        paragraphs = [
            Paragraph(position=i, text=t, is_boilerplate=r is not None, boilerplate_reason=r, key=k)
            for i, (t, r, k) in enumerate(zip(texts, reasons, keys))
        ]
        articles.append(
            Article(
                article_id=make_article_id(raw.article_id, chash),
                outlet=outlet,
                text="\n\n".join(texts),
                clean_text="\n\n".join(p.text for p in paragraphs if not p.is_boilerplate),
                content_hash=chash,
                title=title,
                published=raw.published,
                url=raw.url,
                event_hint=raw.event,
                source_path=raw.source_path,
                source_format=raw.source_format,
                paragraphs=paragraphs,
                extra=dict(raw.extra),
            )
        )
    return articles


def article_paragraph_keys(article: Article) -> set[str]:
    """The repetition keys of an article's paragraphs (what the store remembers per outlet)."""
    return {
        p.key or repeated_paragraph_keys(p.text)
        for p in article.paragraphs
        if p.boilerplate_reason != "title"
    }
