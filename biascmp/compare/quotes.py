"""Extract attributed statements from one article: direct quotes and indirect speech.

Input is an ``EventArticle`` (its non-boilerplate sentences) and one spaCy ``Doc`` per
sentence (the caller parses a whole event in one ``nlp.pipe`` batch). The article is laid out
again as text (sentences joined by spaces, paragraphs by blank lines) so quotation marks can be
paired across sentence and paragraph boundaries (``quote_marks.find_quote_spans``).

Direct quote: a quoted span plus its cue, found by (1) walking up the dependency tree from the
quote to a reporting or stance verb with a subject, (2) else the nearest reporting verb with a
subject in the quote's sentences, the next short sentence ("he said.") or a previous sentence
ending in a colon, (3) else "according to X". A whole-paragraph quote with no cue continues the
previous quote's speaker, and so does a second quote in the paragraph of an attributed one
("'X,' she said. 'Y.'"). Short quotes with no cue (scare quotes, titles) are not statements.
A quote running over several paragraphs gives one statement per paragraph, same speaker, so
every text is a substring of the article and traceable to its own sentences.

Indirect speech: a reporting verb outside quotation marks with a subject and a complement
(a that-clause, "accused X of Y", "called for Y", "urged X to Y", "warned of Y"), "according to
X, ...", and "X <verb>ed ... in a statement". The reported content is the complement's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from biascmp.compare import source_lexicon as lex
from biascmp.compare.quote_marks import QUOTE_CHARS, find_quote_spans
from biascmp.compare.speakers import ArticleFocus, Mention, describe_subject
from biascmp.records import EventArticle

_TRIM = " \t\n,;:–—-"
_DANGLING = frozenset({"that", "a", "an", "the", "of", "as", "to", "and", "but"})


@dataclass
class ExtractedQuote:
    """One attributed statement as found in one article (speaker resolved in the article)."""

    article_id: str
    sentence_ids: list[str]
    type: str  # "direct" | "indirect"
    text: str
    cue: str | None
    mention: Mention  # the speaker as resolved within the article
    written: str | None  # the speaker as written in the cue's sentence ("he")
    start: int  # character offset in the article layout (reading order)
    words: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class Layout:
    """The article's analysed text and where each sentence sits in it."""

    text: str
    ranges: list[tuple[int, int]]

    @classmethod
    def of(cls, article: EventArticle) -> "Layout":
        parts: list[str] = []
        ranges: list[tuple[int, int]] = []
        pos = 0
        prev_para = None
        for s in article.sentences:
            if prev_para is not None:
                sep = "\n\n" if s.paragraph != prev_para else " "
                parts.append(sep)
                pos += len(sep)
            parts.append(s.text)
            ranges.append((pos, pos + len(s.text)))
            pos += len(s.text)
            prev_para = s.paragraph
        return cls("".join(parts), ranges)


def _subject_of(v):
    """The subject token of verb ``v``, inherited through "and added", ", adding that" and
    "was quoted as saying"; relative "who said" resolves to the noun it modifies."""
    h = v
    for _ in range(4):
        subj = next((c for c in h.children if c.dep_ == "nsubj" and not c.is_punct
                     and c.text not in QUOTE_CHARS), None)
        if subj is None and h is not v:
            subj = next((c for c in h.children if c.dep_ == "nsubjpass" and not c.is_punct), None)
        if subj is not None:
            if subj.lower_ in ("who", "which", "that") and h.dep_ == "relcl":
                return h.head
            return subj
        if h.dep_ in ("conj", "advcl", "pcomp", "prep") and h.head.i != h.i:
            h = h.head
        else:
            return None
    return None


def _cue_text(v) -> str:
    if v.lower_ == "according":
        return "according to"
    parts = [v]
    parts += [c for c in v.children if c.dep_ == "prt"]
    if v.lemma_ == "tell":
        obj = next((c for c in v.children if c.dep_ in ("dobj", "dative")), None)
        if obj is not None and obj.pos_ == "NOUN":
            parts.append(obj)
    if v.lemma_ == "call":
        prep = next((c for c in v.children if c.dep_ == "prep" and c.lower_ == "for"), None)
        if prep is not None:
            parts.append(prep)
    return " ".join(t.text for t in sorted(parts, key=lambda t: t.i))


class _Sentence:
    """A parsed sentence with article offsets and a mask of quoted characters."""

    def __init__(self, idx: int, sid: str, paragraph: int, doc, start: int, spans):
        self.idx, self.sid, self.paragraph, self.doc, self.start = idx, sid, paragraph, doc, start
        self.end = start + len(doc.text)
        self.spans = [(a, b) for a, b in spans if a < self.end and b > self.start]

    def off(self, tok) -> int:
        return self.start + tok.idx

    def masked(self, tok) -> bool:
        o = self.off(tok)
        return any(a <= o < b for a, b in self.spans)

    def quoted_share(self, toks) -> float:
        words = [t for t in toks if not t.is_punct]
        return sum(self.masked(t) for t in words) / len(words) if words else 0.0


def _is_cue(tok, settings, direct: bool) -> bool:
    if tok.pos_ not in ("VERB", "AUX") and not (tok.lemma_.lower() in lex.SPEECH_VERBS
                                                and tok.tag_.startswith("VB")):
        return False
    lemma = tok.lemma_.lower()
    if any(c.dep_ == "neg" for c in tok.children):
        return False  # "did not comment", "declined to say" is not a statement
    if lemma == "call" and any(c.dep_ == "prep" and c.lower_ == "for" for c in tok.children):
        return True  # "called for talks" reports a demand
    if lemma == "point" and not any(c.dep_ == "prt" for c in tok.children):
        return False
    stance = direct or settings.stance_verbs_as_indirect
    return lemma in lex.SPEECH_VERBS or (stance and lemma in lex.STANCE_VERBS)


def _according_to(doc):
    """(cue token, pobj) pairs of "according to X" in a doc."""
    out = []
    for t in doc:
        if t.lower_ == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to":
            pobj = next((c for c in doc[t.i + 1].children if c.dep_ == "pobj"), None)
            if pobj is not None:
                out.append((t, pobj))
    return out


def extract_quotes(article: EventArticle, docs: list, settings,
                   surnames: frozenset[str] = frozenset()) -> list[ExtractedQuote]:
    """Every attributed statement of one article, in reading order, with speakers resolved
    within the article (pronouns, roles, continued quotes). Never raises on odd text.

    ``surnames``: folded surnames of people named in full anywhere in the event; a bare
    surname the entity tagger took for an organisation ("Varga said") is read as that person.
    """

    def describe(tok) -> Mention:
        m = describe_subject(tok)
        if m.kind == "organisation" and m.name and lex.fold(m.name) in surnames and \
                not m.text.lower().startswith("the "):
            return Mention(m.text, "person", m.name, m.role, m.role_key)
        if m.text.lower().startswith(("our ", "this newspaper", "this paper")):
            # the outlet's own staff: "our correspondent reports"
            return Mention(m.text, "organisation", article.outlet or m.name, m.name, m.role_key)
        return m
    layout = Layout.of(article)
    spans = find_quote_spans(layout.text)
    span_ranges = [(s.start, s.end) for s in spans]
    sents = [
        _Sentence(i, s.sentence_id, s.paragraph, doc, layout.ranges[i][0], span_ranges)
        for i, (s, doc) in enumerate(zip(article.sentences, docs))
    ]
    found: list[tuple[int, int, ExtractedQuote, object]] = []  # (pos, order, quote, subj tok)

    # ---------------------------------------------------------------- direct quotes
    groups: dict[int, list] = {}
    for s in spans:
        groups.setdefault(s.group, []).append(s)
    direct_sentences: set[int] = set()
    last_para = -1  # paragraph start of the last kept direct quote
    for g in sorted(groups):
        parts = groups[g]
        start, end = parts[0].start, parts[-1].end
        text = " ".join(layout.text[p.start:p.end].strip() for p in parts).strip(_TRIM)
        if not text:
            continue
        covered = [s for s in sents if s.start < end and s.end > start]
        if not covered:
            continue
        attribution = _direct_cue(sents, covered, start, end, settings)
        words = len(text.split())
        para_start = layout.text.rfind("\n\n", 0, start)
        para_start = 0 if para_start < 0 else para_start + 2
        para_end = layout.text.find("\n\n", end)
        para_end = len(layout.text) if para_end < 0 else para_end
        outside = (layout.text[para_start:start] + layout.text[end:para_end]).strip(" “”\"'‘’«»„.,")
        mention, written, cue, cue_sid, notes = Mention("", "unknown"), None, None, None, []
        if attribution is not None:
            cue_tok, subj_tok, sent = attribution
            cue = _cue_text(cue_tok)
            written = subj_tok.doc[subj_tok.left_edge.i: subj_tok.right_edge.i + 1].text
            mention = describe(subj_tok)
            cue_sid = sent.sid
            pos = sent.off(subj_tok)
        elif (not outside or para_start == last_para) and words >= settings.min_continued_words:
            notes = ["continued"]  # a quoted paragraph with no cue: the same speaker goes on
            pos = start
        elif words >= settings.min_unattributed_words:
            notes = ["unattributed"]
            pos = start
        else:
            continue  # scare quote, title or term
        direct_sentences.update(s.idx for s in covered)
        last_para = para_start
        # one quote per paragraph of a multi-paragraph quote, all with the same attribution
        for k, part in enumerate(parts):
            ptext = layout.text[part.start:part.end].strip(_TRIM)
            if not ptext:
                continue
            psents = [s.sid for s in sents if s.start < part.end and s.end > part.start]
            if cue_sid and psents:
                # the attribution's sentence goes with the part next to it
                cue_first = _sid_key(cue_sid) < _sid_key(psents[0])
                if (cue_first and k == 0) or (not cue_first and k == len(parts) - 1):
                    psents = sorted({*psents, cue_sid}, key=_sid_key)
            q = ExtractedQuote(article.article_id, psents or [covered[0].sid], "direct", ptext,
                               cue, mention, written, part.start, len(ptext.split()),
                               list(notes))
            found.append((pos, 1, q, None))

    # ---------------------------------------------------------------- indirect speech
    for s in sents:
        if s.quoted_share(list(s.doc)) > 0.5:
            continue
        taken: set[int] = set()
        hits = []
        for v in s.doc:
            if v.i in taken or s.masked(v) or not _is_cue(v, settings, direct=False):
                continue
            comp = _complement(v, settings, quoted=bool(s.spans))
            if comp and s.quoted_share(comp) > 0.3:
                # partly quoted content: the indirect statement is the words before the quote
                first = next(k for k, t in enumerate(comp) if s.masked(t))
                comp = [t for t in comp[:first] if t.text not in QUOTE_CHARS]
                while comp and (comp[-1].is_punct or comp[-1].lower_ in _DANGLING):
                    comp.pop()  # "said the vote was a 'disgrace'" -> "the vote was"
                if sum(not t.is_punct for t in comp) < settings.min_partial_prefix_words:
                    continue  # "the vote was 'a disgrace'": the direct quote says it all
            if not comp:
                continue
            subj = _subject_of(v)
            if subj is None or s.masked(subj):
                continue
            _, subj, _ = _outer_speaker(v, subj, s, settings)  # "X said Y ... and accused Z"
            mention = describe(subj)
            if mention.kind == "unknown":
                continue
            hits.append((v, subj, mention, comp))
            taken.update(t.i for t in comp)
        if s.idx not in direct_sentences:
            for cue_tok, pobj in _according_to(s.doc):
                mention = describe(pobj)
                if mention.kind in ("unknown", "pronoun"):
                    continue
                skip = {t.i for t in cue_tok.subtree}
                comp = [t for t in s.doc if t.i not in skip and not t.is_punct]
                hits.append((cue_tok, pobj, mention, comp))
            if not hits and lex.STATEMENT_PHRASES.search(s.doc.text):
                root = next((t for t in s.doc if t.dep_ == "ROOT"), None)
                subj = _subject_of(root) if root is not None and root.pos_ == "VERB" else None
                if subj is not None:
                    mention = describe(subj)
                    if mention.kind not in ("unknown",):
                        m = lex.STATEMENT_PHRASES.search(s.doc.text)
                        comp = [t for t in s.doc if t.i > root.i and not t.is_punct
                                and not (m.start() <= t.idx < m.end())]
                        hits.append((root, subj, mention, comp, m.group(0)))
        in_subjects = {t.i for h in hits for t in h[1].subtree}
        for hit in hits:
            v, subj, mention, comp = hit[:4]
            if v.i in in_subjects or not comp:
                continue  # "a diplomat who asked not to be named": part of a speaker
            lo = min(t.idx for t in comp)
            hi = max(t.idx + len(t.text) for t in comp)
            content = s.doc.text[lo:hi]
            for lead in ("that ", "of ", "for "):
                if content.lower().startswith(lead):
                    content = content[len(lead):]
            content = content.strip(_TRIM + ".")
            words = len(content.split())
            if words < settings.min_indirect_words:
                continue
            cue = hit[4] if len(hit) > 4 else _cue_text(v)
            written = subj.doc[subj.left_edge.i: subj.right_edge.i + 1].text
            q = ExtractedQuote(article.article_id, [s.sid], "indirect", content, cue, mention,
                               written, s.off(v), words)
            found.append((s.off(subj), 1, q, None))

    # ---------------------------------------------------------------- resolution in the article
    events: list[tuple[int, int, object]] = []
    for s in sents:
        for ent in s.doc.ents:
            if ent.label_ != "PERSON":
                continue
            m = describe(ent.root)
            if m.kind != "person":
                continue
            root = ent.root
            as_subject = root.dep_ in ("nsubj", "nsubjpass") and root.head.dep_ in ("ROOT", "conj")
            events.append((s.off(root), 0, (m, as_subject)))
        root = next((t for t in s.doc if t.dep_ == "ROOT"), None)
        subj = None
        if root is not None:
            subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
        if subj is not None:
            m = describe(subj)
            if m.kind == "organisation":
                events.append((s.off(subj), 0, (m, None)))
            elif m.kind == "unknown":
                events.append((s.off(subj), 0, (m, False)))
            elif m.kind == "person" and not any(e.label_ == "PERSON" for e in s.doc.ents
                                                if e.start <= subj.i < e.end):
                events.append((s.off(subj), 0, (m, True)))
    for pos, order, q, _ in found:
        events.append((pos, order, q))
    events.sort(key=lambda e: (e[0], e[1], getattr(e[2], "start", 0)))
    focus = ArticleFocus()
    last_direct: ExtractedQuote | None = None
    out: list[ExtractedQuote] = []
    for pos, order, item in events:
        if order == 0:
            m, as_subject = item
            if m.kind == "unknown":
                focus.see_thing(pos)
            elif as_subject is None:
                focus.see_organisation(m, pos)
            else:
                focus.see_person(m, pos, as_subject)
            continue
        q: ExtractedQuote = item
        if "continued" in q.notes:
            if last_direct is None:
                if q.words < settings.min_unattributed_words:
                    continue
                q.notes = ["unattributed"]
            else:
                q.mention = last_direct.mention
                q.written = last_direct.written
        elif "unattributed" not in q.notes:
            sent_start = max((a for a, _ in layout.ranges if a <= pos), default=0)
            q.mention = focus.resolve(q.mention, pos, sent_start)
            focus.spoke(q.mention, pos)
        if q.type == "indirect" and q.mention.kind == "unknown":
            continue  # reported content needs a speaker ("It calls for ..." is a document)
        if q.type == "direct":
            last_direct = q
        out.append(q)
    out.sort(key=lambda q: (q.start, q.type))
    return out


def _sid_key(sid: str) -> tuple[str, int]:
    head, _, tail = sid.rpartition(":")
    return (head, int(tail) if tail.isdigit() else 0)


def _direct_cue(sents, covered, start: int, end: int, settings):
    """(cue token, subject token, sentence) for the quote ``[start, end)`` or ``None``."""
    # 1: up the tree from the quoted words
    for s in covered:
        inside = [t for t in s.doc if start <= s.off(t) < end]
        roots = [t for t in inside if not (start <= s.off(t.head) < end) or t.head.i == t.i]
        for r in roots:
            for anc in r.ancestors:
                if s.masked(anc):
                    continue
                if _is_cue(anc, settings, direct=True):
                    subj = _subject_of(anc)
                    if subj is not None and not s.masked(subj) and _speaker_like(subj):
                        return _outer_speaker(anc, subj, s, settings)
                    break
    # 2: the nearest reporting verb with a subject around the quote
    pool = list(covered)
    last = covered[-1]
    if last.idx + 1 < len(sents):
        nxt = sents[last.idx + 1]
        same_para = nxt.paragraph == last.paragraph
        first_word = nxt.doc[0].text if len(nxt.doc) else ""
        early_cue = any(_is_cue(t, settings, direct=False) for t in list(nxt.doc)[:4])
        if same_para and not nxt.spans and (first_word[:1].islower() or early_cue):
            pool.append(nxt)
    first = covered[0]
    if first.idx > 0 and sents[first.idx - 1].doc.text.rstrip().endswith(":"):
        pool.append(sents[first.idx - 1])
    best = None
    for s in pool:
        for t in s.doc:
            if s.masked(t) or not _is_cue(t, settings, direct=False):
                continue
            subj = _subject_of(t)
            if subj is None or s.masked(subj) or not _speaker_like(subj):
                continue
            o = s.off(t)
            dist = start - o if o < start else max(0, o - end)
            if best is None or dist < best[0]:
                best = (dist, t, subj, s)
    if best is not None:
        return best[1], best[2], best[3]
    # 3: "according to X"
    for s in pool:
        for cue_tok, pobj in _according_to(s.doc):
            if not s.masked(pobj) and _speaker_like(pobj):
                return cue_tok, pobj, s
    return None


def _outer_speaker(cue, subj, s, settings):
    """A cue inside someone's reported speech ("X said Moscow ... accused the West of
    'Y'") quotes that someone: return the outermost reporting verb with a subject."""
    best = (cue, subj, s)
    if any(c.dep_ == "nsubj" for c in cue.children):
        return best  # its own subject: "what the Kremlin calls 'X'" quotes the Kremlin
    node = cue
    while node.head.i != node.i:
        child, node = node, node.head
        if child.dep_ == "ccomp" and _is_cue(node, settings, direct=False) and not s.masked(node):
            outer = _subject_of(node)
            if outer is not None and not s.masked(outer) and _speaker_like(outer):
                best = (node, outer, s)
    return best


def _speaker_like(tok) -> bool:
    return describe_subject(tok).kind != "unknown"


def _complement(v, settings, quoted: bool = False) -> list:
    """Tokens of what verb ``v`` reports (empty when it reports nothing we can read)."""
    lemma = v.lemma_.lower()
    kids = list(v.children)
    out: list = []
    for c in kids:
        if c.dep_ == "ccomp":
            out.extend(c.subtree)
    if not out and lemma in lex.SPEECH_VERBS:
        # "said after the vote that X": the that-clause hangs off a later word
        for t in v.subtree:
            if t.i > v.i and t.dep_ in ("acl", "advcl", "relcl", "ccomp") and any(
                    c.dep_ == "mark" and c.lower_ == "that" for c in t.children):
                out = list(t.subtree)
                break
    if not out and v.dep_ == "parataxis" and lemma in lex.SPEECH_VERBS and not quoted:
        # "Forces launched drones overnight, the air force said, ...": the host clause
        mine = {t.i for t in v.subtree}
        out = [t for t in v.head.subtree if t.i not in mine and t.i < min(mine)]
    if not out and lemma in ("accuse", "charge"):
        obj = next((c for c in kids if c.dep_ == "dobj"), None)
        prep = next((c for c in kids if c.dep_ == "prep" and c.lower_ == "of"), None)
        if prep is None and obj is not None:
            prep = next((c for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        if obj is not None and prep is not None:
            out = list(obj.subtree) + list(prep.subtree)
    if not out and lemma in ("call", "press", "push", "appeal", "argue", "warn", "caution"):
        for c in kids:
            if c.dep_ == "prep" and c.lower_ in ("for", "of", "against"):
                out = list(c.subtree)
                break
    if not out and lemma in ("urge", "ask", "tell", "warn", "advise", "call", "press",
                             "vow", "pledge", "promise", "threaten", "demand", "propose",
                             "agree", "refuse"):
        x = next((c for c in kids if c.dep_ == "xcomp"), None)
        if x is not None:
            obj = next((c for c in kids if c.dep_ in ("dobj",)), None)
            out = (list(obj.subtree) if obj is not None else []) + list(x.subtree)
    if not out and lemma in ("deny", "confirm", "announce", "reiterate", "admit", "acknowledge",
                             "demand", "propose", "promise", "pledge", "vow", "reject",
                             "predict", "reveal", "disclose"):
        obj = next((c for c in kids if c.dep_ == "dobj"), None)
        if obj is not None and obj.pos_ != "PRON":
            out = list(obj.subtree)
    if not out and settings.stance_verbs_as_indirect and lemma in lex.STANCE_VERBS:
        obj = next((c for c in kids if c.dep_ == "dobj"), None)
        if obj is not None and obj.pos_ != "PRON":
            out = list(obj.subtree)
    return sorted(out, key=lambda t: t.i)
