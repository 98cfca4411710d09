"""A small invented event for the report tests: four articles from three outlets about a city
council vote, run through the real spaCy pipeline and the real analyses, plus a hostile
variant whose titles, outlet, body and URL carry markup and script.

The texts are written for these tests (no dataset sentences). Analyses that are not in the
tree yet (tone) are given by hand in the issue's shape, with sentence ids looked up by text.
"""

from __future__ import annotations

from biascmp.compare.fixtures import event_docs_from_texts

ARTICLES = [
    {
        "article_id": "ct-1",
        "outlet": "Coastal Times",
        "title": "Council approves harbour bridge toll hike despite protests",
        "published": "2026-03-02",
        "url": "https://coastal-times.example/news/bridge-toll",
        "text": (
            "The city council voted 7-2 on Monday to raise the harbour bridge toll "
            "to 4 dollars.\n\n"
            "Hundreds of commuters protested outside city hall before the vote.\n\n"
            '"This toll hike punishes the workers who keep this city running," said Maria Lopez, '
            "head of the transport workers union.\n\n"
            "Mayor Daniel Reyes said the money was needed to repair the ageing bridge.\n\n"
            "Drivers crossing the harbour bridge will pay 4 dollars from April "
            "under the toll hike.\n\n"
            "Critics say the council ignored a cheaper plan drafted by engineers last year."
        ),
    },
    {
        "article_id": "md-1",
        "outlet": "Metro Daily",
        "title": "Bridge fee adjustment passes, funding long-overdue repairs",
        "published": "2026-03-02",
        "url": "https://metro-daily.example/city/bridge-fee",
        "text": (
            "The city council voted 6-3 on Monday to adjust the harbour bridge fee "
            "to 4 dollars.\n\n"
            '"Without this fee adjustment the bridge would have to close within five years," '
            "Mayor Daniel Reyes told reporters.\n\n"
            "Economist Priya Nair of the state university said the new fee was in line with "
            "other cities.\n\n"
            "The repairs will begin in the summer and last two years."
        ),
    },
    {
        "article_id": "md-2",
        "outlet": "Metro Daily",
        "title": "What the new bridge fee means for drivers",
        "published": "2026-03-03",
        "url": "https://metro-daily.example/city/bridge-fee-explainer",
        "text": (
            "Drivers crossing the harbour bridge will pay 4 dollars from April "
            "under the fee adjustment.\n\n"
            "Frequent commuters can buy a monthly pass, the city's transport office said."
        ),
    },
    {
        "article_id": "hl-1",
        "outlet": "Harbour Ledger",
        "title": "Toll hike approved as union vows to fight on",
        "published": "2026-03-03",
        "url": "javascript:alert(document.domain)",
        "text": (
            "The city council voted 7-2 on Monday to raise the harbour bridge toll "
            "to 4 dollars.\n\n"
            "Maria Lopez of the transport workers union said the toll hike would cost a "
            "commuter more than 500 dollars a year.\n\n"
            "The union will challenge the decision in court, Lopez said.\n\n"
            "Hundreds of commuters protested outside city hall before the vote."
        ),
    },
]

#: markup and script in every article-derived field; a page that ran any of it would change
#: its title to PWNED or add an element with id "pwned".
HOSTILE = {
    "article_id": "x<1>\"'&",
    "outlet": "<script>document.title='PWNED'</script>Evil Outlet",
    "title": "<img src=x onerror=\"document.title='PWNED'\">Breaking</b>",
    "published": "2026-03-04",
    "url": "javascript:document.title='PWNED'",
    "text": (
        "The city council voted 7-2 on Monday to raise the bridge toll "
        "<script>document.body.appendChild(document.createElement('div')).id='pwned'</script>.\n\n"
        '"It is <img src=x onerror="document.title=\'PWNED\'"> unfair," said '
        "<a href=\"javascript:document.title='PWNED'\">Maria Lopez</a> of the union.\n\n"
        "Commuters protested <svg onload=\"document.title='PWNED'\"></svg> outside city hall "
        "[bold red]loudly[/bold red] [/x] and `rm -rf` | pipes | **stars**."
    ),
}


#: a four-article event is too small for the default significance cut; these let terms through
TERMS = {"min_count": 1, "min_z": 0.5}


def sid(docs, fragment: str, outlet: str | None = None) -> str:
    """The id of the first sentence (of ``outlet``, if given) containing ``fragment``."""
    for art in docs.articles:
        if outlet and art.outlet != outlet:
            continue
        for s in art.sentences:
            if fragment in s.text:
                return s.sentence_id
    raise KeyError(fragment)


def build_event(hostile: bool = False):
    items = ARTICLES + ([HOSTILE] if hostile else [])
    return event_docs_from_texts(items, event_id="bridge-toll-vote")


def analyses(docs) -> tuple[dict, dict, dict]:
    """(omissions, sources, framing) dicts for the event: the real analyses where they exist,
    tone by hand."""
    from biascmp.compare.labels import find_label_variants
    from biascmp.compare.omissions import analyse_omissions
    from biascmp.compare.sources import analyse_sources
    from biascmp.compare.terms import TermSettings, distinctive_terms

    omissions = analyse_omissions(docs).to_dict()
    sources = analyse_sources(docs).to_dict()
    framing = {
        "event_id": docs.event_id,
        "terms": {
            o: [t.to_dict() for t in ts]
            for o, ts in distinctive_terms(docs.articles, TermSettings(**TERMS)).items()
        },
        "labels": [c.to_dict() for c in find_label_variants(docs)],
        "frames": {
            "Coastal Times": {"economic": 0.4, "fairness and equality": 0.4, "political": 0.2},
            "Harbour Ledger": {
                "economic": 0.5,
                "legality and constitutionality": 0.25,
                "fairness and equality": 0.25,
            },
            "Metro Daily": {
                "economic": 0.5,
                "capacity and resources": 0.33,
                "quality of life": 0.17,
            },
        },
        "tone": {
            "Coastal Times": {
                "city council": {"score": -0.45, "n": 3},
                "Daniel Reyes": {"score": -0.1, "n": 1},
            },
            "Harbour Ledger": {"city council": {"score": -0.3, "n": 2}},
            "Metro Daily": {
                "city council": {"score": 0.2, "n": 1},
                "Daniel Reyes": {"score": 0.35, "n": 1},
            },
        },
        "loaded": [
            {"sentence_id": sid(docs, "punishes the workers"), "score": 0.81},
            {"sentence_id": sid(docs, "ignored a cheaper plan"), "score": 0.62},
        ],
    }
    return omissions, sources, framing
