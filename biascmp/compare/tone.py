"""Tone toward actors: per outlet, how positive or negative the sentences that mention each
main actor (country, leader, organisation, people) are.

Actors are the event's PERSON / ORG / GPE / NORP entities, normalised ("the United Nations'"
-> "United Nations"; a one-word person name is merged into the one full name of the event
that ends with it, so "Zelensky" counts with "Volodymyr Zelensky"; an initialism into the one
multi-word name it abbreviates, so "U.S." counts with "United States"); the ``top_actors`` most
mentioned across the event are kept. Each sentence is scored with VADER's compound score
(vaderSentiment, a lexicon and rule-based scorer for English, -1..1; it reads the sentence's
wording, not who is praised or blamed, so treat a score as the tone of the coverage around
the actor). An outlet's score for an actor is the mean over its sentences that mention the
actor, with a 95% normal-approximation confidence interval (mean +- 1.96 * sd / sqrt(n); sd is
taken as 1 when n < 2, the widest plausible spread), clipped to -1..1.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from pydantic import BaseModel, Field

from biascmp.records import EventDocs

_LEADING = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_TRAILING = re.compile(r"(['’]s?|\s+)$")


class ToneSettings(BaseModel):
    """Settings of the tone-toward-actors analysis."""

    labels: list[str] = Field(
        ["PERSON", "ORG", "GPE", "NORP"], description="spaCy entity labels counted as actors."
    )
    top_actors: int = Field(10, description="Actors kept: most mentioned across the event.")
    min_mentions: int = Field(2, description="An actor needs at least this many sentences.")
    max_evidence: int = Field(5, description="Sentence ids kept per outlet and actor.")


@dataclass
class ActorTone:
    score: float
    n: int
    ci: tuple[float, float]
    sentence_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "score": round(self.score, 4),
            "n": self.n,
            "ci": [round(self.ci[0], 4), round(self.ci[1], 4)],
            "sentence_ids": list(self.sentence_ids),
        }


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentence_sentiment(text: str) -> float:
    """VADER compound score of one sentence, -1..1."""
    return float(_vader().polarity_scores(text)["compound"])


def normalise_actor(text: str) -> str:
    """Surface form -> actor name: article and possessive dropped, whitespace collapsed."""
    name = " ".join(text.split())
    name = _LEADING.sub("", name)
    name = _TRAILING.sub("", name)
    return name.strip()


def actor_mentions(docs: EventDocs, settings: ToneSettings) -> dict[str, dict[str, str]]:
    """``{sentence_id: {actor_key: display_name}}``: the actors each sentence mentions."""
    raw: dict[str, set[str]] = defaultdict(set)
    display: dict[str, Counter] = defaultdict(Counter)
    person_keys: set[str] = set()
    for sent in docs.sentences:
        for ent in sent.entities:
            if ent.label not in settings.labels:
                continue
            name = normalise_actor(ent.text)
            if not name or not any(ch.isalpha() for ch in name):
                continue
            key = name.lower()
            raw[sent.sentence_id].add(key)
            display[key][name] += 1
            if ent.label == "PERSON":
                person_keys.add(key)
    # a surname alone -> the one full name ending with it
    merge: dict[str, str] = {}
    for key in person_keys:
        if " " in key:
            continue
        longer = sorted(k for k in person_keys if " " in k and k.endswith(" " + key))
        if len(longer) == 1:
            merge[key] = longer[0]
    # an initialism -> the one multi-word name it abbreviates ("U.S." -> "United States")
    multi = sorted(k for k in display if " " in k)
    for key in display:
        short = key.replace(".", "").replace(" ", "")
        if " " in key or not 2 <= len(short) <= 5 or key in merge:
            continue
        full = [k for k in multi if "".join(w[0] for w in k.split() if w[0].isalpha()) == short]
        if len(full) == 1:
            merge[key] = full[0]
    out: dict[str, dict[str, str]] = {}
    for sid, keys in raw.items():
        canon = {merge.get(k, k) for k in keys}
        out[sid] = {
            k: sorted(display[k].items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for k in canon
        }
    return out


def actor_tone(
    docs: EventDocs, settings: ToneSettings | None = None
) -> dict[str, dict[str, ActorTone]]:
    """``{outlet: {actor: ActorTone}}`` for the event's main actors."""
    settings = settings or ToneSettings()
    mentions = actor_mentions(docs, settings)
    totals: Counter = Counter()
    names: dict[str, str] = {}
    for per in mentions.values():
        for key, name in per.items():
            totals[key] += 1
            names[key] = name
    main = [
        k for k, c in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
        if c >= settings.min_mentions
    ][: settings.top_actors]
    outlet_of = {a.article_id: a.outlet for a in docs.articles}
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    ids: dict[tuple[str, str], list[str]] = defaultdict(list)
    for sent in docs.sentences:
        per = mentions.get(sent.sentence_id)
        if not per:
            continue
        present = [k for k in main if k in per]
        if not present:
            continue
        s = sentence_sentiment(sent.text)
        outlet = outlet_of[sent.article_id]
        for k in present:
            scores[(outlet, k)].append(s)
            if len(ids[(outlet, k)]) < settings.max_evidence:
                ids[(outlet, k)].append(sent.sentence_id)
    result: dict[str, dict[str, ActorTone]] = {}
    for outlet in docs.outlets:
        row = {}
        for k in main:
            vals = scores.get((outlet, k))
            if not vals:
                continue
            row[names[k]] = _summary(vals, ids[(outlet, k)])
        result[outlet] = row
    return result


def _summary(vals: list[float], ids: list[str]) -> ActorTone:
    n = len(vals)
    mean = sum(vals) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / (n - 1)) if n >= 2 else 1.0
    half = 1.96 * sd / math.sqrt(n)
    return ActorTone(mean, n, (max(-1.0, mean - half), min(1.0, mean + half)), ids)
