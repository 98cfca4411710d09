"""HTML pages -> visible paragraphs, the main-text paragraphs, and page metadata.

trafilatura finds the article's main text and metadata (title, date, site name, canonical
URL). biascmp also keeps every other visible paragraph of the page (menus, banners, related
links, footers) so that the cleaner can flag them with a reason instead of losing them
silently; ``main`` marks the paragraphs trafilatura kept. Scripts, styles and hidden
elements never become text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from biascmp.ingest.normalize import normalize_line

#: elements that start a new paragraph of visible text
BLOCK_TAGS = frozenset(
    "address article aside blockquote body br button caption dd details dialog div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr legend li main nav "
    "ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
#: elements whose content is never visible text
SKIP_TAGS = frozenset(
    "script style noscript template svg math head iframe object embed canvas select "
    "option datalist audio video map".split()
)
#: paragraphs shorter than this many words must equal a main-text line to count as main
MIN_WORDS_FOR_SUBSTRING_MATCH = 4
#: pages with more elements than this skip trafilatura's main-text pass (its cost grows faster
#: than the page: 2 MB of empty ``<p>`` tags, 666,000 elements, took over a minute); news pages
#: have a few thousand elements. Their paragraphs are still all kept, none marked main.
MAX_ELEMENTS_FOR_MAIN_TEXT = 100_000

_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@dataclass
class HtmlPage:
    """What biascmp takes from one HTML document."""

    paragraphs: list[str]
    #: indexes into ``paragraphs`` of those trafilatura kept as the main text
    main: list[int] = field(default_factory=list)
    title: str | None = None
    published: str | None = None
    sitename: str | None = None
    url: str | None = None
    page_id: str | None = None


def _hidden(el) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    return bool(_HIDDEN_STYLE_RE.search(el.get("style") or ""))


def visible_paragraphs(root) -> list[str]:
    """Every visible text paragraph of a parsed page, in reading order (iterative walk,
    so deeply nested markup cannot exhaust the stack)."""
    paragraphs: list[str] = []
    buffer: list[str] = []
    skip_depth = 0

    def flush() -> None:
        text = normalize_line("".join(buffer))
        buffer.clear()
        if text:
            paragraphs.append(text)

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if skip_depth or tag in SKIP_TAGS or not isinstance(el.tag, str) or _hidden(el):
                skip_depth += 1
                continue
            if tag in BLOCK_TAGS:
                flush()
            if el.text:
                buffer.append(el.text)
        else:
            if skip_depth:
                skip_depth -= 1
                if skip_depth == 0 and el.tail:
                    buffer.append(el.tail)
                continue
            if tag in BLOCK_TAGS:
                flush()
            if el.tail:
                buffer.append(el.tail)
    flush()
    return paragraphs


def _meta_content(root, name: str) -> str | None:
    for el in root.iter("meta"):
        if (el.get("name") or el.get("property") or "").lower() == name:
            value = normalize_line(el.get("content") or "")
            if value:
                return value
    return None


def _main_lines(html_text: str) -> tuple[list[str], dict]:
    """trafilatura's main-text lines and metadata (empty when it finds nothing or fails)."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html_text, include_comments=False, include_tables=True, with_metadata=True
        )
    except Exception:  # trafilatura must not turn an odd page into a crash
        return [], {}
    if doc is None:
        return [], {}
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    lines = [normalize_line(x) for x in (data.get("text") or "").splitlines()]
    return [x for x in lines if x], data


def _mark_main(paragraphs: list[str], main_lines: list[str]) -> list[int]:
    exact = {x.casefold() for x in main_lines}
    joined = " ".join(main_lines).casefold()
    main = []
    for i, text in enumerate(paragraphs):
        key = text.casefold()
        if key in exact or (
            len(text.split()) >= MIN_WORDS_FOR_SUBSTRING_MATCH and key in joined
        ):
            main.append(i)
    return main


def parse_html(html_text: str) -> HtmlPage:
    """Visible paragraphs, main-text marks and metadata of one HTML document. The title
    paragraph (the first one equal to the page title) is left out of ``paragraphs``."""
    cleaned = _XML_DECL_RE.sub("", html_text, count=1)
    try:
        parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True)
        root = lxml_html.document_fromstring(cleaned, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return HtmlPage(paragraphs=[])
    paragraphs = visible_paragraphs(root)
    n_elements = sum(1 for _ in root.iter())
    main_lines, meta = _main_lines(cleaned) if n_elements <= MAX_ELEMENTS_FOR_MAIN_TEXT else ([], {})

    title = normalize_line(meta.get("title") or "") or None
    if title is None:
        title_el = root.find(".//title")
        if title_el is not None:
            title = normalize_line(title_el.text_content()) or None
    if title:
        folded = title.casefold()
        for i, text in enumerate(paragraphs):
            if text.casefold() == folded:
                del paragraphs[i]
                break
        main_lines = [x for x in main_lines if x.casefold() != folded]

    sitename = normalize_line(meta.get("sitename") or "") or None
    if sitename is None:
        sitename = _meta_content(root, "og:site_name") or _meta_content(root, "publisher")
    published = meta.get("date") or _meta_content(root, "article:published_time")
    url = meta.get("url") or None
    return HtmlPage(
        paragraphs=paragraphs,
        main=_mark_main(paragraphs, main_lines),
        title=title,
        published=str(published) if published else None,
        sitename=sitename,
        url=str(url) if url else None,
        page_id=_meta_content(root, "biascmp:id"),
    )
