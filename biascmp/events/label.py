"""Events as users see them: members, outlets, dates and a readable label."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from biascmp.events.cluster import EventAssignment
from biascmp.events.features import EventInput, title_terms

#: names shown in a label
LABEL_NAMES = 3


@dataclass
class Event:
    """One event: its articles (sorted by date, then id) and outlets (sorted)."""

    event_id: str
    label: str
    articles: list[str]
    outlets: list[str]
    first_published: date | None = None
    last_published: date | None = None
    pinned: bool = False
    #: article id -> score (mean combined similarity to the other members)
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def n_articles(self) -> int:
        return len(self.articles)

    @property
    def n_outlets(self) -> int:
        return len(self.outlets)

    def to_dict(self) -> dict:
        return {
            "event_id": self.event_id,
            "label": self.label,
            "articles": list(self.articles),
            "outlets": list(self.outlets),
            "first_published": self.first_published.isoformat() if self.first_published else None,
            "last_published": self.last_published.isoformat() if self.last_published else None,
            "n_articles": self.n_articles,
            "n_outlets": self.n_outlets,
            "pinned": self.pinned,
        }


def date_range(first: date | None, last: date | None) -> str:
    if first is None:
        return "undated"
    if last is None or last == first:
        return first.isoformat()
    return f"{first.isoformat()} to {last.isoformat()}"


def event_label(members: list[EventInput], doc_freq: Counter, n_docs: int) -> str:
    """``"Ukraine, UN General Assembly, Russia (2025-02-24 to 2025-02-25)"``: the names most
    members mention (ties: the rarer in the whole batch first, then alphabetical), a person's
    bare surname dropped when the full name is shown; title words when names are scarce."""
    counts = Counter(e for m in members for e in m.entities)
    ranked = sorted(counts, key=lambda e: (-counts[e], doc_freq.get(e, 0), e))
    chosen: list[str] = []
    for key in ranked:
        if len(chosen) == LABEL_NAMES:
            break
        if counts[key] < max(1, len(members) // 3):
            break
        if any(key in c.split() or c in key.split() for c in chosen):
            continue
        chosen.append(key)
    display = {}
    for m in members:
        for key, shown in m.display.items():
            display.setdefault(key, shown)
    names = [display.get(k, k.title()) for k in chosen]
    if len(names) < 2:
        words = Counter(w for m in members for w in title_terms(m.title))
        for w, _ in sorted(words.items(), key=lambda kv: (-kv[1], kv[0])):
            if len(names) == LABEL_NAMES:
                break
            if not any(w in n.lower() for n in names):
                names.append(w)
    if not names:
        first = min(members, key=lambda m: m.article_id)
        names = [(first.title or first.article_id)[:60]]
    dates = sorted(m.published for m in members if m.published)
    when = date_range(dates[0] if dates else None, dates[-1] if dates else None)
    return f"{', '.join(names)} ({when})"


def build_events(items: list[EventInput], assignments: list[EventAssignment]) -> list[Event]:
    """Gather ``group_articles`` output into ``Event`` records with labels. Sorted by size
    (largest first), then first date, then id."""
    by_id = {i.article_id: i for i in items}
    doc_freq = Counter(e for i in items for e in i.entities)
    groups: dict[str, list[EventAssignment]] = {}
    for a in assignments:
        groups.setdefault(a.event_id, []).append(a)
    events = []
    for event_id, assigned in groups.items():
        members = [by_id[a.article_id] for a in assigned]
        members.sort(key=lambda m: (m.published or date.max, m.article_id))
        dates = [m.published for m in members if m.published]
        events.append(
            Event(
                event_id=event_id,
                label=event_label(members, doc_freq, len(items)),
                articles=[m.article_id for m in members],
                outlets=sorted({m.outlet for m in members if m.outlet}),
                first_published=min(dates) if dates else None,
                last_published=max(dates) if dates else None,
                pinned=any(m.pinned == event_id for m in members),
                scores={a.article_id: a.score for a in assigned},
            )
        )
    events.sort(key=lambda e: (-e.n_articles, e.first_published or date.max, e.event_id))
    return events
