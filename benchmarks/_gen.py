"""Seeded generator of news-like articles for the benchmarks (ingest, analyses, streaming).

Each generated *event* has a place, people, an action and a handful of facts with numbers;
each article covers one event for one fictional outlet: a subset of the event's facts (so
outlets overlap and omit), quotes from the event's people, background sentences, and web
boilerplate (donation appeal, newsletter prompt, "Read more" list, photo credit) of which
some paragraphs repeat across one outlet's articles. Sentences are 15-35 words. The word
lists are written for this file; nothing is taken from a dataset. Same seed -> same output.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

#: (outlet name, web domain); fictional, several slants
OUTLETS = [
    ("Harbour Gazette", "harbourgazette.example"),
    ("National Wire Service", "natwire.example"),
    ("The Morning Ledger", "morningledger.example"),
    ("People's Voice Daily", "peoplesvoice.example"),
    ("Valley Regional News", "valleynews.example"),
    ("Independent Observer", "indobserver.example"),
    ("State Broadcast Online", "statebroadcast.example"),
    ("Capital Business Times", "capbiz.example"),
]
_FIRST = ["Maria", "John", "Ana", "Lukas", "Priya", "Tomas", "Helen", "Kenji", "Fatima", "Oliver",
          "Sofia", "Daniel", "Irene", "Victor", "Amara", "Jonas", "Leila", "Marek", "Nadia", "Rafael"]
_LAST = ["Keller", "Okafor", "Duarte", "Brandt", "Raman", "Novak", "Ward", "Sato", "Haddad",
         "Grant", "Lindqvist", "Mensah", "Costa", "Hale", "Petrov", "Moreau", "Ibsen", "Varga"]
_ROLES = ["the finance minister", "the mayor", "the opposition leader", "a police spokesperson",
          "the health secretary", "the regional governor", "a union representative",
          "the company's chief executive", "the foreign minister", "an independent economist",
          "the chair of the committee", "a senior aid official"]
_PLACES = ["Norvik", "Eastbridge", "Port Almira", "Kessington", "Valmora", "Redhaven",
           "Lindberg", "Santo Cruzeiro", "Haldane", "Brightwater", "Okoro", "Tavrin"]
_COUNTRIES = ["Estrania", "Malvoria", "the Republic of Corvel", "Dunmark", "Sarvania", "Teloria"]
_ACTIONS = [
    ("approved", "budget for public hospitals"),
    ("rejected", "increase in fuel taxes"),
    ("announced", "emergency housing programme"),
    ("postponed", "vote on the pension reform"),
    ("signed", "trade agreement with neighbouring states"),
    ("suspended", "contract for the new harbour bridge"),
    ("launched", "inquiry into the warehouse fire"),
    ("ordered", "evacuation of several coastal villages"),
    ("cut", "subsidy for regional rail services"),
    ("extended", "ceasefire along the northern border"),
]
_BODIES = ["the city council", "parliament", "the cabinet", "the central bank", "the regional assembly",
           "the supreme court", "the transport authority", "the security council"]
_UNITS = ["people", "families", "workers", "homes", "schools", "million euros", "billion dollars",
          "percent", "votes", "kilometres", "soldiers", "patients"]
_TAILS = ["after weeks of tense negotiations", "despite strong protests from local residents",
          "according to documents seen by reporters", "in a statement released late on Tuesday",
          "citing rising costs and falling revenue", "following a heated debate on Thursday",
          "amid growing concern about inflation", "as hundreds gathered outside the building",
          "in response to the flooding earlier this month", "ahead of the elections in the spring",
          "while critics called the move premature", "without giving any further details"]
_QUOTE_LINES = ["We will not accept a decision that leaves thousands of families without support",
                "This is the most important step our region has taken in a decade",
                "The numbers simply do not add up and everyone in this room knows it",
                "We acted quickly because people's safety had to come first",
                "Nobody consulted the workers who will pay the price for this plan",
                "We expect the first results to be visible before the end of the year",
                "The government has ignored every warning that experts gave it",
                "Our door remains open to anyone who wants to negotiate in good faith"]
_SAY = ["said", "told reporters", "warned", "insisted", "claimed", "argued", "stressed"]
_LOADED = ["controversial", "long-awaited", "reckless", "historic", "so-called", "bold",
           "disastrous", "modest"]
_BACKGROUND = [
    "The {place} area has seen {n} {unit} affected by similar decisions over the past {k} years, {tail}.",
    "Analysts in {country} said the decision could shape the debate for {k} months, {tail}.",
    "Earlier this year {body} had promised a review of the {obj}, but {who} said that review was never published.",
    "Local media in {place} reported that {n} {unit} were directly affected, {tail}.",
    "The move follows a similar measure in {country} {k} years ago that was later reversed by the courts, {who} noted.",
    "Residents of {place} interviewed by {who} gave mixed reactions, with {k} of them saying they had not been told.",
    "{who} estimated that the {obj} would reach {n} {unit} within {k} months, {tail}.",
    "In {month}, {body} reported {n} {unit} in {place}, a figure {who} described as {loaded}.",
    "The {loaded} {obj} was first proposed in {month} by {who}, {tail}.",
]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_BOILER = [
    "Support independent journalism. Our reporting is funded by readers like you: donate today from just 5 euros a month.",
    "Sign up for our free daily newsletter and get the top stories of {outlet} in your inbox every morning.",
    "Read more:\n{h1}\n{h2}\n{h3}",
    "Photo: {first} {last} / {outlet}. All rights reserved.",
    "Share this article on social media. Accept cookies to see the comments section.",
]


@dataclass
class Event:
    """One generated event: what all articles about it can draw on."""

    index: int
    day: date
    place: str
    country: str
    body: str
    verb: str
    obj: str
    people: list[tuple[str, str]]  # (name, role)
    facts: list[str]  # sentences stating numbers; articles pick subsets


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _fit(rng: random.Random, sentence: str, lo: int = 15, hi: int = 35) -> str:
    """Bring a sentence to ``lo``-``hi`` words: add tail clauses, or cut at a comma."""
    words = sentence.split()
    while len(words) < lo:
        sentence = sentence.rstrip(".") + ", " + rng.choice(_TAILS) + "."
        words = sentence.split()
    if len(words) > hi:
        sentence = " ".join(words[:hi]).rstrip(",.") + "."
    return sentence[0].upper() + sentence[1:]


def make_event(rng: random.Random, index: int, start: date = date(2025, 1, 6)) -> Event:
    """A seeded event with 4 people and 6-9 numeric facts."""
    verb, obj = rng.choice(_ACTIONS)
    place, country, body = rng.choice(_PLACES), rng.choice(_COUNTRIES), rng.choice(_BODIES)
    people = [(_name(rng), rng.choice(_ROLES)) for _ in range(4)]
    facts = []
    for _ in range(rng.randint(6, 9)):
        n, unit = rng.randint(3, 9500), rng.choice(_UNITS)
        facts.append(rng.choice([
            f"{body} {verb} the {obj} in {place} on Monday, a decision expected to affect {n} {unit}.",
            f"The measure passed with {rng.randint(20, 90)} votes in favour and {rng.randint(2, 40)} against, officials in {place} confirmed.",
            f"According to figures released by {body}, about {n} {unit} in {place} are covered by the plan.",
            f"The plan will cost {rng.randint(2, 900)} million euros over {rng.randint(2, 10)} years, {rng.choice(_TAILS)}.",
            f"At least {n} {unit} were reported in the region of {place} by the end of the week.",
            f"{people[0][0]}, {people[0][1]}, said {n} {unit} had been consulted before {body} {verb} the {obj}.",
        ]))
    return Event(index, start + timedelta(days=3 * index + rng.randint(0, 2)), place, country,
                 body, verb, obj, people, facts)


_LEADS = ["Officials said", "Reports indicate that", "It was confirmed that", "Sources said",
          "As reported earlier,", "Witnesses said", "Records show that", "Spokespeople said"]


def _retell(rng: random.Random, fact: str) -> str:
    """An outlet's wording of a shared fact: the same numbers, a different lead or tail."""
    if rng.random() < 0.5:
        return f"{rng.choice(_LEADS)} {fact[0].lower() + fact[1:]}"
    return fact.rstrip(".") + ", " + rng.choice(_TAILS) + "."


def _quote(rng: random.Random, event: Event) -> str:
    name, role = rng.choice(event.people)
    line = rng.choice(_QUOTE_LINES)
    if rng.random() < 0.5:
        return f'"{line}," {name}, {role}, {rng.choice(_SAY)} in {event.place} on Tuesday.'
    return f"{name}, {role}, {rng.choice(_SAY)} that {line[0].lower() + line[1:]}."


def _background(rng: random.Random, event: Event) -> str:
    who = rng.choice([f"{_name(rng)}, {rng.choice(_ROLES)},", rng.choice(_ROLES), _name(rng)])
    return rng.choice(_BACKGROUND).format(
        place=event.place, country=event.country, body=event.body, tail=rng.choice(_TAILS),
        n=rng.randint(2, 9000), unit=rng.choice(_UNITS), k=rng.randint(2, 12), who=who,
        obj=event.obj, month=rng.choice(_MONTHS), loaded=rng.choice(_LOADED),
    ).replace(",, ", ", ").replace(",.", ".")


def _headline(rng: random.Random, event: Event) -> str:
    return f"{event.place}: {event.body} {event.verb} {rng.choice(_LOADED)} {event.obj}"


def make_article(rng: random.Random, event: Event, outlet: tuple[str, str], serial: int) -> dict:
    """One JSONL-ready record covering ``event`` for ``outlet`` (8-20 body sentences)."""
    name, domain = outlet
    n_sent = rng.randint(8, 20)
    facts = rng.sample(event.facts, k=min(len(event.facts), rng.randint(3, 6)))
    body = [_fit(rng, _retell(rng, f)) for f in facts]
    while len(body) < n_sent:
        kind = rng.random()
        sentence = _fit(rng, _quote(rng, event) if kind < 0.35 else _background(rng, event))
        if sentence not in body:
            body.append(sentence)
    rng.shuffle(body)
    body[0] = _fit(rng, f"{event.body} {event.verb} the {rng.choice(_LOADED)} {event.obj} in "
                        f"{event.place} on Monday, {rng.choice(_TAILS)}.")
    paragraphs, i = [], 0
    while i < len(body):
        k = rng.randint(1, 3)
        paragraphs.append(" ".join(body[i:i + k]))
        i += k
    # boilerplate: the outlet's fixed appeal (repeats across its articles) plus a few others
    fixed = _BOILER[OUTLETS.index(outlet) % 2].format(outlet=name)
    extra = rng.sample(_BOILER[2:], k=rng.randint(1, 2))
    other = [make_event(random.Random(serial * 7 + j), j) for j in range(3)]
    extra = [b.format(outlet=name, first=rng.choice(_FIRST), last=rng.choice(_LAST),
                      h1=_headline(rng, other[0]), h2=_headline(rng, other[1]), h3=_headline(rng, other[2]))
             for b in extra]
    paragraphs.insert(rng.randint(1, len(paragraphs)), fixed)
    paragraphs.extend(extra)
    day = event.day + timedelta(days=rng.randint(0, 1))
    return {
        "id": f"bench-{serial:07d}",
        "outlet": name,
        "title": _headline(rng, event),
        "published": day.isoformat(),
        "url": f"https://{domain}/{day.year}/{serial:07d}",
        "text": "\n\n".join(paragraphs),
    }


def iter_articles(seed: int = 0, per_event: int = 8) -> Iterator[dict]:
    """An endless stream of articles; every ``per_event`` consecutive articles cover one event,
    each from a different outlet where there are enough outlets."""
    rng = random.Random(seed)
    serial = 0
    for index in range(10**9):
        event = make_event(rng, index)
        outlets = rng.sample(OUTLETS, k=len(OUTLETS))
        for j in range(per_event):
            yield make_article(rng, event, outlets[j % len(outlets)], serial)
            serial += 1


def generate_articles(n: int, seed: int = 0, per_event: int = 8) -> list[dict]:
    """The first ``n`` articles of :func:`iter_articles`."""
    out = []
    for record in iter_articles(seed, per_event):
        if len(out) >= n:
            break
        out.append(record)
    return out


def write_jsonl(path: Path, records) -> int:
    """Write records one JSON object a line; returns bytes written."""
    size = 0
    with open(path, "w", encoding="utf-8") as fh:
        for record in records:
            line = json.dumps(record, ensure_ascii=False) + "\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
    return size
