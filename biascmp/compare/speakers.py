"""Who is speaking: describe the subject of a reporting verb, resolve "he" and "the
spokesman" within an article, merge name variants across the event, classify affiliations.

Three steps, each a plain function:

1. ``describe_subject`` turns the spaCy subject of a cue ("Kremlin spokesman Dmitry Peskov",
   "he", "the Foreign Ministry", "a senior diplomat who asked not to be named") into a
   ``Mention`` with a kind, a name and the role words seen with it.
2. ``ArticleFocus`` walks an article in reading order and resolves pronouns (the last speaker,
   unless a person named as the subject of a later sentence took the focus) and definite roles
   ("the spokesman" -> the person introduced with that role).
3. ``build_clusters`` merges mentions across articles and outlets: same surname (spelling
   variants allowed) and compatible first names become one speaker; a bare surname joins the
   full name it abbreviates; an unresolved role ("the Kremlin spokesman") joins the one named
   person seen with that role in the event. ``classify_affiliation`` then applies the rule
   table documented on it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from biascmp.compare import source_lexicon as lex



@dataclass
class Mention:
    """A speaker as one sentence names it."""

    text: str  # the subject as written
    kind: str  # person | organisation | pronoun | role | anonymous | unknown
    name: str | None = None  # person or organisation name, role phrase for kind "role"
    role: str | None = None  # role words written with it ("Kremlin spokesman")
    role_key: str | None = None  # synonym-group key of the role ("spokesman")
    plural: bool = False


def _clean_name(text: str) -> str:
    text = re.sub(r"^(the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)
    text = re.sub(r"['’]s$", "", text).strip(" ,.;:")
    return re.sub(r"\s+", " ", text)


def _span_text(tokens) -> str:
    if not tokens:
        return ""
    doc = tokens[0].doc
    return doc[tokens[0].i: tokens[-1].i + 1].text


def describe_subject(head) -> Mention:
    """Describe the subject phrase headed by spaCy token ``head``.

    The phrase is the head's subtree; relative clauses and participle clauses are read only for
    anonymity markers ("who asked not to be named"), appositions supply a role or a name.
    """
    doc = head.doc
    sub = sorted(head.subtree, key=lambda t: t.i)
    full_text = _span_text(sub)
    aside = {t.i for c in head.children if c.dep_ in ("relcl", "acl", "appos", "prep", "cc", "conj",
                                                       "punct")
             for t in c.subtree}
    core = [t for t in sub if t.i not in aside]
    appos = [c for c in head.children if c.dep_ == "appos"]
    low = head.lower_
    plural = head.tag_ in ("NNS", "NNPS") or low in ("they", "them", "we")

    if head.pos_ == "PRON" or low in lex.PRONOUNS_PERSON | lex.PRONOUNS_GROUP:
        if low in lex.PRONOUNS_PERSON:
            return Mention(full_text, "pronoun", role_key="person")
        if low in ("they", "them", "we"):
            return Mention(full_text, "pronoun", role_key="group", plural=True)
        if low == "it":
            return Mention(full_text, "pronoun", role_key="it")
        return Mention(full_text, "unknown")

    # possessive owner as speaker: "Zelensky's office said"
    owner = next((c for c in head.children if c.dep_ == "poss"), None)
    if owner is not None and low in ("office", "spokesman", "spokeswoman", "spokesperson",
                                    "team", "camp", "press service", "aides", "aide"):
        inner = describe_subject(owner)
        if inner.kind == "person":
            inner.role = " ".join(x for x in (inner.role, head.text) if x)
            inner.text = full_text
            return inner

    ents = [e for e in doc.ents if e.start <= head.i < e.end or
            (e.start >= sub[0].i and e.end <= sub[-1].i + 1 and e.root.i in {t.i for t in core})]
    person = next((e for e in ents if e.label_ == "PERSON" and e.root.i == head.i), None)
    if person is None and head.pos_ == "PROPN":
        person = next((e for e in ents if e.label_ == "PERSON" and e.start <= head.i < e.end), None)
    if person is None:
        for a in appos:  # "the Kremlin spokesman, Dmitry Peskov,"
            person = next((e for e in doc.ents if e.label_ == "PERSON" and e.root.i == a.i), None)
            if person is not None:
                role_tokens = [t for t in core if t.i < head.i + 1]
                role = _clean_name(_span_text(role_tokens))
                return Mention(full_text, "person", _clean_name(person.text), role or None,
                               lex.role_key([t.text for t in role_tokens]))
    if person is None and not any(e.label_ == "PERSON" for e in ents):
        name_toks = trailing_name(sub)
        if name_toks:
            role_tokens = [t for t in sub if t.i < name_toks[0].i and t.dep_ not in ("det",)
                           and not t.is_punct]
            role = _clean_name(_span_text(role_tokens)) if role_tokens else None
            return Mention(full_text, "person", _span_text(name_toks), role or None,
                           lex.role_key([t.text for t in role_tokens]))
    if person is None and is_anonymous(full_text, head, core, ents):
        role = _clean_name(_span_text(core))
        return Mention(full_text, "anonymous", "anonymous", role or None,
                       lex.role_key([t.text for t in core]), plural=plural)
    if person is not None:
        role_tokens = [t for t in core if t.i < person.start and t.dep_ not in ("det",)]
        name_tokens = list(person)
        while len(name_tokens) > 1 and lex.fold(name_tokens[0].text) in lex.TITLES | {"professor"}:
            role_tokens.append(name_tokens.pop(0))  # "Prof Helen Marchetti"
        role_parts = [_clean_name(_span_text(role_tokens))] if role_tokens else []
        extra = [c for c in head.children if c.dep_ == "appos" or (
            c.dep_ == "prep" and c.lower_ in ("of", "at", "from") and c.i > head.i)]
        for a in extra:
            a_tokens = [t for t in a.subtree if t.dep_ not in ("punct",)]
            role_parts.append(_clean_name(_span_text(a_tokens)))
        role = ", ".join(p for p in role_parts if p) or None
        words = [t.text for t in role_tokens] + [t.text for a in extra for t in a.subtree]
        name = _clean_name(_span_text(name_tokens))
        return Mention(full_text, "person", name, role, lex.role_key(words))

    core_text = _clean_name(_span_text(core))
    core_low = lex.fold(core_text)
    org_ent = next((e for e in ents if e.label_ in ("ORG", "GPE", "NORP", "FAC")
                    and e.start <= head.i < e.end), None)
    rkey = lex.role_key([t.text for t in core])
    has_org_word = any(w in lex.ORG_WORDS for w in core_low.split()) or any(
        w in core_low for w in ("white house", "state department", "downing street"))
    if org_ent is not None or (has_org_word and lex.ROLE_KEY.get(low) is None):
        return Mention(full_text, "organisation", core_text, None, None, plural=plural)
    if rkey is not None:
        # "a spokesman for the European Commission": the organisation speaks through a role
        preps = [c for c in head.children if c.dep_ == "prep" and c.lower_ in ("for", "of", "at")]
        for prep in preps:
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if pobj is None:
                continue
            inner = describe_subject(pobj)
            if inner.kind == "organisation":
                inner.role = core_text
                inner.role_key = rkey
                inner.text = full_text
                return inner
        determiner = next((c.lower_ for c in head.children if c.dep_ in ("det", "poss")), None)
        if determiner in ("a", "an", "one"):
            # "a White House spokesperson", "a Kremlin official": the organisation speaks
            org_toks = [t for t in core if t.i < head.i and t.dep_ not in ("det", "amod")
                        and (lex.fold(t.text) in lex.ORG_WORDS or any(
                            e.label_ == "ORG" and e.start <= t.i < e.end for e in ents))]
            if org_toks:
                first = min(t.i for t in org_toks)
                last = max(t.i for t in org_toks)
                org = _clean_name(doc[first:last + 1].text)
                return Mention(full_text, "organisation", org, core_text, rkey)
        if determiner in ("a", "an", "one", "some", "several", "two", "three") or (
            plural and determiner is None and head.pos_ == "NOUN" and low in lex.ANONYMOUS_HEADS
        ):
            return Mention(full_text, "anonymous", "anonymous", core_text, rkey, plural=plural)
        return Mention(full_text, "role", core_text, core_text, rkey, plural=plural)
    if head.pos_ == "PROPN":
        # a name spaCy did not tag: a person unless it reads as an organisation ("The Times",
        # "Reuters", an acronym)
        determiner = next((c.lower_ for c in head.children if c.dep_ == "det"), None)
        if any(e.label_ in NOT_PEOPLE and e.start <= head.i < e.end for e in doc.ents):
            return Mention(full_text, "unknown", core_text)  # a law, a place, a title
        if determiner == "the" or head.text.isupper() or lex.MEDIA.search(core_text) or \
                lex.INTERGOVERNMENTAL.search(core_text):
            return Mention(full_text, "organisation", core_text, None, None, plural=plural)
        return Mention(full_text, "person", core_text, None, None)
    return Mention(full_text, "unknown", core_text)


#: entity labels that are never a person (ORG is not here: the small tagger files many
#: foreign names under ORG)
NOT_PEOPLE = frozenset({"GPE", "LOC", "FAC", "LAW", "EVENT", "WORK_OF_ART", "PRODUCT", "NORP",
                        "LANGUAGE", "DATE", "TIME", "MONEY", "QUANTITY", "PERCENT"})


def looks_like_name_token(tok) -> bool:
    """A capitalised proper-noun token that is not an acronym, an organisation word or a
    country/capital (so "UN", "Council", "Russia" never read as parts of a person's name)."""
    t = tok.text
    if tok.pos_ != "PROPN" or not t[:1].isupper() or (t.isupper() and len(t) > 1):
        return False
    low = t.lower()
    return low not in lex.ORG_WORDS and not lex.countries_in(t) and low not in lex.ROLE_KEY


def trailing_name(tokens) -> list:
    """The run of two or more name-like tokens ending the phrase ("Russia's Permanent
    Representative to the UN Vasily Nebenzya" -> Vasily Nebenzya), else ``[]``; catches the
    names the small entity tagger files under ORG or misses."""
    toks = [t for t in tokens if not t.is_punct]
    doc = toks[0].doc if toks else None
    run: list = []
    for t in reversed(toks):
        if looks_like_name_token(t):
            run.insert(0, t)
        else:
            break
    if len(run) < 2:
        return []
    run_text = doc[run[0].i: run[-1].i + 1].text
    if lex.MEDIA.search(run_text) or lex.INTERGOVERNMENTAL.search(run_text):
        return []  # "New York Times", "United Nations": names of organisations
    before = doc[run[0].i - 1] if run[0].i > 0 else None
    if before is not None and before.lower_ in ("in", "at", "from", "near", "of", "for"):
        return []  # "our correspondent in New York"
    place = any(e.label_ in NOT_PEOPLE and e.start <= run[0].i and e.end >= run[-1].i + 1
                for e in doc.ents)
    return [] if place else run


def is_anonymous(full_text: str, head, core, ents) -> bool:
    """Anonymous: a marker ("sources", "asked not to be named", "familiar with") and no name,
    or a bare plural/indefinite source noun ("officials said", "a diplomat said")."""
    if any(e.label_ == "PERSON" and e.start <= head.i < e.end for e in ents):
        return False
    if lex.ANONYMOUS_MARKERS.search(full_text):
        return True
    determiner = next((c.lower_ for c in head.children if c.dep_ == "det"), None)
    if head.lower_ in lex.ANONYMOUS_HEADS and determiner in (None, "a", "an", "one", "some",
                                                            "several", "two", "three"):
        return not any(e.label_ in ("ORG", "GPE", "NORP") for e in ents) or determiner is not None
    return False


# ------------------------------------------------------------------ in-article resolution
@dataclass
class Introduced:
    """A person named somewhere in the article (or an organisation that spoke through a role,
    "a spokesperson for the Foreign Ministry"), with the role words written with them."""

    mention: Mention
    position: int  # character offset in the article


class ArticleFocus:
    """Reading-order state used to resolve pronouns and definite roles in one article."""

    def __init__(self) -> None:
        self.last_person_speaker: tuple[int, Mention] | None = None
        self.last_group_speaker: tuple[int, Mention] | None = None
        self.subject_person: tuple[int, Mention] | None = None  # last person as a subject
        self.subject_group: tuple[int, Mention] | None = None  # last organisation as a subject
        self.introduced: list[Introduced] = []
        self.subject_thing: int | None = None  # last main-clause subject that cannot speak

    def see_thing(self, position: int) -> None:
        self.subject_thing = position

    def see_organisation(self, mention: Mention, position: int) -> None:
        self.subject_group = (position, mention)

    def see_person(self, mention: Mention, position: int, as_subject: bool) -> None:
        self.introduced.append(Introduced(mention, position))
        if as_subject:
            self.subject_person = (position, mention)

    def _person_in_focus(self) -> tuple[int, Mention] | None:
        target = self.last_person_speaker
        if self.subject_person and (target is None or self.subject_person[0] > target[0]):
            target = self.subject_person
        return target

    def resolve(self, mention: Mention, position: int, sentence_start: int = -1) -> Mention:
        """The mention with pronouns and definite roles replaced by who they mean.

        ``sentence_start``: where the mention's sentence begins; a definite role ("the French
        president") first looks for a person named earlier in the same sentence."""
        if mention.kind == "pronoun" and mention.role_key == "person":
            target = self._person_in_focus()
            return _as(target[1], mention.text) if target else Mention(mention.text, "unknown")
        if mention.kind == "pronoun":  # it / they
            target = self.last_group_speaker
            if self.subject_group and (target is None or self.subject_group[0] > target[0]):
                target = self.subject_group
            thing = self.subject_thing
            if target and thing is not None and target[0] < thing < position:
                target = None  # "The text ... It calls for": "it" is the thing, not a speaker
            return _as(target[1], mention.text) if target else Mention(mention.text, "unknown")
        if mention.kind == "person" and mention.name and len(mention.name.split()) == 1:
            # a bare surname: the full name introduced earlier in the article
            key = lex.fold(mention.name)
            for intro in reversed(self.introduced):
                m = intro.mention
                toks = lex.fold(m.name or "").split()
                if m.kind == "person" and len(toks) > 1 and toks[-1] == key and \
                        intro.position <= position:
                    return Mention(mention.text, "person", m.name, mention.role or m.role,
                                   mention.role_key or m.role_key)
        if mention.kind == "organisation" and mention.name and \
                mention.text.lower().startswith("the ") and len(mention.name.split()) <= 2:
            # "the ministry said" after "Ukraine's Foreign Ministry said"
            want = set(lex.fold(mention.name).split())
            for intro in reversed(self.introduced + ([Introduced(self.last_group_speaker[1], 0)]
                                                     if self.last_group_speaker else [])):
                m = intro.mention
                have = set(lex.fold(m.name or "").split())
                if m.kind == "organisation" and want < have:
                    return _as(m, mention.text)
        if mention.kind == "organisation" and mention.name:
            folded = lex.fold(mention.name).split()
            for intro in reversed(self.introduced):
                m = intro.mention
                if m.kind == "person" and intro.position <= position and folded and \
                        folded == lex.fold(m.name or "").split()[-len(folded):]:
                    return Mention(mention.text, "person", m.name, m.role, m.role_key)
        if mention.kind == "role" and mention.role_key:
            best = None
            want = set(lex.fold(mention.name or "").split()) - {mention.role_key}
            for intro in self.introduced:
                m = intro.mention
                if m.role_key != mention.role_key or intro.position > position:
                    continue
                have = set(lex.fold(m.role or "").split())
                if want and not want & have and want - set(lex.ROLE_KEY):
                    continue  # "the Ukrainian president" is not the Russian one
                best = intro
            if best is not None:
                return _as(best.mention, mention.text)
            if not mention.text.lower().startswith("the "):
                return mention
            # a definite description of someone named earlier in the sentence, else of the
            # person in focus, unless its words name another country than that person's role
            same = [i for i in self.introduced if i.mention.kind == "person"
                    and sentence_start <= i.position < position]
            target = (same[-1].position, same[-1].mention) if same else self._person_in_focus()
            if target is not None:
                mine = set(lex.countries_in(mention.text))
                theirs = set(lex.countries_in(target[1].role or ""))
                if not (mine and theirs and not mine & theirs):
                    return _as(target[1], mention.text)
        return mention

    def spoke(self, mention: Mention, position: int) -> None:
        if mention.kind == "person":
            self.last_person_speaker = (position, mention)
        elif mention.kind in ("organisation", "anonymous"):
            self.last_group_speaker = (position, mention)
            if mention.kind == "organisation" or mention.role_key:
                # organisations, and anonymous sources with a role ("a senior diplomat"),
                # can be referred back to ("the ministry", "the diplomat")
                self.introduced.append(Introduced(mention, position))


def _as(target: Mention, text: str) -> Mention:
    return Mention(text, target.kind, target.name, target.role, target.role_key, target.plural)


# ------------------------------------------------------------------ cross-article merging
@dataclass
class SpeakerCluster:
    """One speaker of the event after merging name variants."""

    kind: str
    names: Counter = field(default_factory=Counter)
    roles: Counter = field(default_factory=Counter)
    members: list[int] = field(default_factory=list)  # indexes into the mention list

    @property
    def canonical(self) -> str:
        if self.kind == "anonymous":
            return "anonymous"
        multi = [(n, c) for n, c in self.names.items() if len(n.split()) > 1] or list(
            self.names.items())
        return sorted(multi, key=lambda nc: (-nc[1], -len(nc[0]), nc[0]))[0][0]


def _name_tokens(name: str) -> list[str]:
    toks = [t for t in lex.fold(name).replace("-", " ").split() if t not in lex.TITLES]
    return toks or lex.fold(name).split()


def org_key(name: str) -> str:
    """Comparable form of an organisation name: countries and demonyms become ISO codes
    ("Ukraine's Foreign Ministry" and "Ukrainian Foreign Ministry" -> "UA foreign ministry")."""
    codes = lex.countries_in(name)
    text = lex.COUNTRY_RE.sub(" ", name) if codes else name
    return " ".join(codes + [t for t in _name_tokens(text) if t not in ("the", "of")])


def similar(a: str, b: str, threshold: float) -> bool:
    """Spelling variants of one name part ("dmitry"/"dmitri", "zelensky"/"zelenskyy")."""
    if a == b:
        return True
    if not a or not b or a[0] != b[0]:
        return False
    return SequenceMatcher(None, a, b).ratio() >= threshold


def build_clusters(mentions: list[Mention], surname_similarity: float = 0.8,
                   forename_similarity: float = 0.6
                   ) -> tuple[list[SpeakerCluster], list[int | None]]:
    """Merge the event's speaker mentions: the clusters and, per mention, its cluster index
    (``None`` for unknown speakers). Deterministic: full names are visited before bare
    surnames, ties in the given order; a bare surname joins the full name it ends (or, for a
    family name written first, begins); a role never matched to a name in its article joins
    the one person seen with that role in the event, else stays a ``role`` speaker.

    Note: a mention of an organisation whose one-word name is a known person's surname
    ("Varga said", tagged ORG) is rewritten in ``mentions`` as that person.
    """
    clusters: list[SpeakerCluster] = []
    assignment: list[int | None] = [None] * len(mentions)
    persons: list[tuple[list[str], int]] = []  # (name tokens, cluster)

    def add(kind: str, idx: int, name: str, cluster: int | None = None) -> int:
        if cluster is None:
            clusters.append(SpeakerCluster(kind))
            cluster = len(clusters) - 1
        c = clusters[cluster]
        c.names[name] += 1
        if mentions[idx].role:
            c.roles[mentions[idx].role] += 1
        c.members.append(idx)
        assignment[idx] = cluster
        return cluster

    order = sorted(range(len(mentions)),
                   key=lambda i: (-len(_name_tokens(mentions[i].name or "")), i))
    deferred_roles = []
    orgs: dict[str, int] = {}
    anonymous: int | None = None
    for i in order:
        m = mentions[i]
        if m.kind == "person" and m.name and _name_tokens(m.name):
            toks = _name_tokens(m.name)
            match = None
            for ptoks, cl in persons:
                if not similar(toks[-1], ptoks[-1], surname_similarity):
                    continue
                if len(toks) > 1 and len(ptoks) > 1 and not similar(
                        toks[0], ptoks[0], forename_similarity):
                    continue
                match = cl
                break
            if match is None and len(toks) == 1:
                # a bare family name written first ("Fu" for "Fu Cong")
                firsts = {cl for ptoks, cl in persons if len(ptoks) > 1 and ptoks[0] == toks[0]}
                if len(firsts) == 1:
                    match = firsts.pop()
            cl = add("person", i, m.name, match)
            if match is None:
                persons.append((toks, cl))
        elif m.kind == "organisation" and m.name and len(_name_tokens(m.name)) == 1 and any(
                len(p) > 1 and similar(_name_tokens(m.name)[0], p[-1], surname_similarity)
                for p, _ in persons):
            toks = _name_tokens(m.name)
            cl = next(c for p, c in persons if len(p) > 1 and similar(toks[0], p[-1], surname_similarity))
            mentions[i] = Mention(m.text, "person", m.name, m.role, m.role_key)
            add("person", i, m.name, cl)
        elif m.kind == "organisation" and m.name:
            key = org_key(m.name)
            cl = add("organisation", i, m.name, orgs.get(key))
            orgs[key] = cl
        elif m.kind == "anonymous":
            anonymous = add("anonymous", i, "anonymous", anonymous)
        elif m.kind == "role":
            deferred_roles.append(i)
    for i in deferred_roles:
        m = mentions[i]
        want = set(lex.fold(m.name or "").split())
        fits = sorted({
            cl for cl in range(len(clusters)) if clusters[cl].kind == "person"
            and any(lex.role_key(r.split()) == m.role_key and want <= set(lex.fold(r).split())
                    for r in clusters[cl].roles)
        })
        if len(fits) == 1:
            add("person", i, clusters[fits[0]].canonical, fits[0])
            clusters[fits[0]].names[clusters[fits[0]].canonical] -= 1  # a role is not a name
        else:
            key = "role:" + " ".join(sorted(want))
            cl = add("role", i, m.name or "", orgs.get(key))
            orgs[key] = cl
    return clusters, assignment


# ------------------------------------------------------------------ affiliation
def classify_affiliation(kind: str, name: str, roles: list[str]) -> tuple[str, str | None]:
    """Affiliation class and ISO country of a speaker, from its kind, name and roles seen.

    Rules, first match wins (texts are the name and every role seen, lower-cased):

    | # | condition | class | country |
    |---|---|---|---|
    | 1 | the speaker is anonymous | anonymous | a country named in its role |
    | 2 | a diplomatic post (ambassador, envoy, representative, mission) and a country | government | that country |
    | 3 | an intergovernmental body or post (UN, NATO, EU, OSCE, IAEA, secretary-general...) | intergovernmental | none |
    | 4 | a media word or news agency (journalist, newspaper, Reuters, TASS...) | media | a country named |
    | 5 | an expert word (professor, analyst, think tank, institute, university...) | expert | a country named |
    | 6 | a civil-society word (activist, NGO, rights group, church, union...) | civil_society | a country named |
    | 7 | a government word (president, minister, ministry, Kremlin, official, army...) or the speaker is a country/capital | government | the first country named in the name or roles |
    | 8 | anything else | other | a country named |
    """
    texts = [name or ""] + [r for r in roles if r]
    joined = " | ".join(texts)
    countries = lex.countries_in(joined)
    country = countries[0] if countries else None
    role_text = " | ".join(r for r in roles if r)
    if kind == "anonymous":
        return "anonymous", country
    if country and lex.DIPLOMATIC_POSTS.search(role_text):
        return "government", country
    if lex.INTERGOVERNMENTAL.search(joined):
        return "intergovernmental", None
    if lex.MEDIA.search(joined) and not lex.GOVERNMENT.search(role_text):
        return "media", country
    if lex.EXPERT.search(joined):
        return "expert", country
    if lex.CIVIL_SOCIETY.search(joined):
        return "civil_society", country
    name_is_country = kind == "organisation" and lex.countries_in(name or "") and len(
        _name_tokens(name or "")) <= 3
    if lex.GOVERNMENT.search(joined) or name_is_country:
        return "government", country
    return "other", country
