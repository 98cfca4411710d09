"""Quoted sources of an event: who gets a voice in each outlet, quoted how, with which
affiliation.

``analyse_sources(docs, settings)`` is pure: it parses the event's sentences in one spaCy batch,
extracts every attributed statement per article (``quotes.extract_quotes``), merges speakers
across articles and outlets (``speakers.build_clusters``), classes each speaker's affiliation
(``speakers.classify_affiliation``) and builds per-outlet profiles. ``save_sources(con, result)``
writes the ``quotes`` and ``speakers`` tables (migration ``m004_sources``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from biascmp.compare.source_lexicon import blank_dateline, fold
from biascmp.compare.quotes import ExtractedQuote, extract_quotes
from biascmp.compare.speakers import Mention, build_clusters, classify_affiliation, trailing_name
from biascmp.records import EventDocs
from biascmp.store.writes import insert_rows
from biascmp.annotate import load_nlp

AFFILIATIONS = ("government", "intergovernmental", "expert", "media", "civil_society",
                "anonymous", "other")


class SourceSettings(BaseModel):
    """Settings of the quoted-sources analysis (``[sources]`` in an experiment file)."""

    min_unattributed_words: int = Field(
        8, description="A quoted span with no cue and no speaker is kept (speaker unknown) only "
        "from this many words on; shorter ones are scare quotes, titles or terms.")
    min_continued_words: int = Field(
        3, description="A whole quoted paragraph with no cue continues the previous quote's "
        "speaker from this many words on.")
    min_indirect_words: int = Field(
        3, description="Fewest words of reported content for an indirect statement "
        "(\"denied it\" is not a statement we can show).")
    min_partial_prefix_words: int = Field(
        4, description="When reported content runs into a quotation (\"said the vote was "
        "'a disgrace'\"), the words before the quote are an indirect statement of their own "
        "only from this many words on.")
    stance_verbs_as_indirect: bool = Field(
        False, description="Count stance verbs with an object (\"X condemned the vote\") as "
        "indirect statements; off by default: they report an act, not words.")
    surname_similarity: float = Field(
        0.8, description="difflib ratio from which two surnames are spellings of one name "
        "(Zelensky / Zelenskyy).")
    forename_similarity: float = Field(
        0.6, description="difflib ratio from which two first names are compatible "
        "(Dmitry / Dmitri); first letters must agree too.")
    keep_unknown_speakers: bool = Field(
        True, description="Keep statements whose speaker could not be resolved (speaker "
        "null); they count in quote totals but in no speaker profile.")


@dataclass
class Quote:
    quote_id: str
    article_id: str
    outlet: str
    sentence_id: str
    sentence_ids: list[str]
    type: str
    text: str
    cue: str | None
    speaker: str | None
    speaker_id: str | None
    role: str | None
    affiliation: str | None
    country: str | None

    def to_dict(self) -> dict:
        return {
            "quote_id": self.quote_id, "article_id": self.article_id, "outlet": self.outlet,
            "sentence_id": self.sentence_id, "sentence_ids": list(self.sentence_ids),
            "type": self.type, "text": self.text, "cue": self.cue, "speaker": self.speaker,
            "speaker_id": self.speaker_id, "role": self.role, "affiliation": self.affiliation,
            "country": self.country,
        }


@dataclass
class Speaker:
    speaker_id: str
    name: str
    kind: str  # person | organisation | anonymous | role
    roles: list[str]
    aliases: list[str]
    affiliation: str
    country: str | None
    n_quotes: int
    outlets: list[str]

    def to_dict(self) -> dict:
        return {
            "speaker_id": self.speaker_id, "name": self.name, "kind": self.kind,
            "roles": list(self.roles), "aliases": list(self.aliases),
            "affiliation": self.affiliation, "country": self.country,
            "n_quotes": self.n_quotes, "outlets": list(self.outlets),
        }


@dataclass
class OutletProfile:
    n_quotes: int
    direct_share: float
    by_affiliation: dict[str, int]
    by_speaker: dict[str, int]
    diversity: float
    missing_sources: list[dict]

    def to_dict(self) -> dict:
        return {
            "n_quotes": self.n_quotes, "direct_share": self.direct_share,
            "by_affiliation": dict(self.by_affiliation), "by_speaker": dict(self.by_speaker),
            "diversity": self.diversity, "missing_sources": list(self.missing_sources),
        }


@dataclass
class SourcesResult:
    event_id: str
    quotes: list[Quote]
    outlets: dict[str, OutletProfile]
    speakers: list[Speaker]
    settings: dict = field(default_factory=dict)
    #: articles left out because extraction failed on them: ``{"article_id", "reason"}``
    skipped: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "event_id": self.event_id,
            "quotes": [q.to_dict() for q in self.quotes],
            "outlets": {o: p.to_dict() for o, p in self.outlets.items()},
            "speakers": [s.to_dict() for s in self.speakers],
            "skipped": list(self.skipped),
        }


def slug(name: str) -> str:
    """Readable id of a speaker name: "Dmitry Peskov" -> "dmitry-peskov"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "speaker"


def extract_event_quotes(docs: EventDocs, settings: SourceSettings,
                         skipped: list[dict] | None = None) -> list[ExtractedQuote]:
    """Every article's statements, parsing all sentences in one spaCy batch. An article whose
    extraction fails is left out and listed in ``skipped`` with the reason."""
    skipped = [] if skipped is None else skipped
    nlp = load_nlp()
    texts = [blank_dateline(s.text) for a in docs.articles for s in a.sentences]
    parsed = list(nlp.pipe(texts, batch_size=64))
    surnames = set(
        fold(ent.text).split()[-1] for doc in parsed for ent in doc.ents
        if ent.label_ == "PERSON" and len(fold(ent.text).split()) > 1
    )
    for doc in parsed:  # full names the entity tagger missed
        for np_ in doc.noun_chunks:
            run = trailing_name(list(np_))
            if run:
                surnames.add(fold(run[-1].text))
    surnames = frozenset(surnames)
    out: list[ExtractedQuote] = []
    k = 0
    for art in docs.articles:
        n = len(art.sentences)
        try:
            out.extend(extract_quotes(art, parsed[k:k + n], settings, surnames))
        except Exception as err:  # one odd article never stops the event
            skipped.append({"article_id": art.article_id,
                            "reason": f"{type(err).__name__}: {err}"[:200]})
        k += n
    return out


def diversity(counts: Counter) -> float:
    """Effective number of sources: exp of the Shannon entropy of quotes over speakers (1.0 =
    one voice; k = k voices quoted equally often)."""
    total = sum(counts.values())
    if not total:
        return 0.0
    h = -sum(c / total * math.log(c / total) for c in counts.values() if c)
    return round(math.exp(h), 3)


def analyse_sources(docs: EventDocs, settings: SourceSettings | None = None) -> SourcesResult:
    """Quotes, speakers and per-outlet source profiles of one event."""
    settings = settings or SourceSettings()
    skipped: list[dict] = []
    raw = extract_event_quotes(docs, settings, skipped)
    outlet_of = {a.article_id: a.outlet for a in docs.articles}
    mentions = [q.mention if q.mention.kind in ("person", "organisation", "anonymous", "role")
                else Mention(q.mention.text, "unknown") for q in raw]
    clusters, assignment = build_clusters(mentions, settings.surname_similarity,
                                          settings.forename_similarity)

    # speakers, with stable readable ids
    speakers: list[Speaker] = []
    cluster_speaker: dict[int, Speaker] = {}
    used: Counter = Counter()
    for ci, cl in sorted(enumerate(clusters), key=lambda x: x[1].canonical):
        if not cl.members:
            continue
        name = cl.canonical
        sid = slug(name)
        used[sid] += 1
        if used[sid] > 1:
            sid = f"{sid}-{used[sid]}"
        roles = sorted(r for r in cl.roles if r)
        aliases = sorted({mentions[i].name for i in cl.members
                          if mentions[i].name and mentions[i].kind != "role"} - {name})
        affiliation, country = classify_affiliation(cl.kind, name, roles)
        outlets = sorted({outlet_of[raw[i].article_id] for i in cl.members})
        sp = Speaker(sid, name, cl.kind, roles, aliases, affiliation, country, len(cl.members),
                     outlets)
        speakers.append(sp)
        cluster_speaker[ci] = sp
    speakers.sort(key=lambda s: (-s.n_quotes, s.speaker_id))

    quotes: list[Quote] = []
    per_article: Counter = Counter()
    for q, ci in zip(raw, assignment):
        sp = cluster_speaker.get(ci) if ci is not None else None
        if sp is None and not settings.keep_unknown_speakers:
            continue
        per_article[q.article_id] += 1
        quotes.append(Quote(
            quote_id=f"{q.article_id}:q{per_article[q.article_id]}",
            article_id=q.article_id,
            outlet=outlet_of[q.article_id],
            sentence_id=q.sentence_ids[0],
            sentence_ids=list(q.sentence_ids),
            type=q.type,
            text=q.text,
            cue=q.cue,
            speaker=sp.name if sp else None,
            speaker_id=sp.speaker_id if sp else None,
            role=q.mention.role if sp else None,
            affiliation=sp.affiliation if sp else None,
            country=sp.country if sp else None,
        ))
    return SourcesResult(docs.event_id, quotes, outlet_profiles(docs.outlets, quotes, speakers),
                         speakers, settings.model_dump(), skipped)


def outlet_profiles(outlets: list[str], quotes: list[Quote],
                    speakers: list[Speaker]) -> dict[str, OutletProfile]:
    """Per outlet: counts by speaker and affiliation, direct share, diversity, and the
    sources other outlets quoted that this one did not (most widely quoted first)."""
    by_id = {s.speaker_id: s for s in speakers}
    voiced: dict[str, set[str]] = {o: set() for o in outlets}
    for q in quotes:
        if q.speaker_id and q.affiliation != "anonymous":
            voiced.setdefault(q.outlet, set()).add(q.speaker_id)
    profiles: dict[str, OutletProfile] = {}
    for outlet in sorted(voiced):
        mine = [q for q in quotes if q.outlet == outlet]
        speakers_c = Counter(q.speaker_id for q in mine if q.speaker_id)
        affil_c = Counter(q.affiliation or "unknown" for q in mine)
        missing = []
        for sid in sorted(set().union(*voiced.values()) - voiced[outlet]):
            quoted_by = sorted(o for o, ids in voiced.items() if sid in ids)
            sp = by_id[sid]
            missing.append({"speaker_id": sid, "speaker": sp.name,
                            "affiliation": sp.affiliation, "quoted_by": quoted_by})
        missing.sort(key=lambda m: (-len(m["quoted_by"]), m["speaker_id"]))
        n = len(mine)
        profiles[outlet] = OutletProfile(
            n_quotes=n,
            direct_share=round(sum(q.type == "direct" for q in mine) / n, 3) if n else 0.0,
            by_affiliation={a: affil_c[a] for a in (*AFFILIATIONS, "unknown") if affil_c[a]},
            by_speaker=dict(sorted(speakers_c.items(), key=lambda kv: (-kv[1], kv[0]))),
            diversity=diversity(speakers_c),
            missing_sources=missing,
        )
    return profiles


def save_sources(con, result: SourcesResult) -> None:
    """Replace the event's rows in ``quotes`` and ``speakers`` (caller holds the transaction)."""
    eid = result.event_id
    con.execute("DELETE FROM quotes WHERE event_id = ?", [eid])
    con.execute("DELETE FROM speakers WHERE event_id = ?", [eid])
    insert_rows(con, "quotes", [
        [eid, q.quote_id, q.article_id, q.outlet, q.sentence_id, q.sentence_ids, q.type,
         q.text, q.cue, q.speaker, q.speaker_id, q.role, q.affiliation, q.country]
        for q in result.quotes
    ])
    insert_rows(con, "speakers", [
        [eid, s.speaker_id, s.name, s.kind, s.roles, s.aliases, s.affiliation, s.country,
         s.n_quotes, s.outlets]
        for s in result.speakers
    ])
