"""The library API: what each CLI command calls, and what a notebook calls.

Every function takes a database path (``db``: ``--db``, else ``$BIASCMP_DB``, else
``./biascmp.duckdb``) and optional resolved ``settings`` (``biascmp.config.resolve_settings``),
does one job and returns a value; nothing here prints.

    >>> from biascmp import api
    >>> api.ingest(["corpora/demo/articles"], db="demo.duckdb")
    >>> events = api.group_events(db="demo.duckdb")
    >>> report = api.compare(events[0].event_id, db="demo.duckdb")
"""

from __future__ import annotations

from pathlib import Path

from biascmp.store.db import get_meta, open_store as _open_store, resolve_db_path, set_meta, transaction


def open_store(db=None, **kwargs):
    """Open an existing database: only ``ingest`` creates one."""
    from biascmp.errors import DatabaseError

    path = resolve_db_path(db)
    if not path.exists():
        raise DatabaseError(str(path), "no such database (run `biascmp ingest` first)")
    return _open_store(path, **kwargs)


def _settings(settings):
    if settings is None:
        from biascmp.config import resolve_settings

        settings = resolve_settings()
    return settings


def ingest(paths, db=None, *, settings=None, outlet=None, field_map=None, skip_errors=False,
           wait=False, model=None, backend=None, progress=None):
    """Read, clean, split, embed and store articles, all or nothing; returns an ``IngestReport``."""
    from biascmp.pipeline import ingest_paths

    settings = _settings(settings)
    return ingest_paths(
        [str(p) for p in paths], db, outlet=outlet, field_map=field_map, skip_errors=skip_errors,
        model=model, backend=backend, embed_settings=settings.embed,
        clean_settings=settings.clean, wait=wait, progress=progress,
    )


def _event_settings(settings, window_days=None, threshold=None):
    events = _settings(settings).events
    update = {k: v for k, v in (("window_days", window_days), ("threshold", threshold)) if v is not None}
    return events.model_copy(update=update) if update else events


def group_events(db=None, *, settings=None, window_days=None, threshold=None, wait=False):
    """Group every stored article into events (pins and corrections kept); returns the events."""
    from biascmp.events.store import regroup

    with open_store(db, wait=wait) as store:
        events = regroup(store.con, _event_settings(settings, window_days, threshold))
        set_meta(store.con, "events_stale", "0")
        return events


def list_events(db=None):
    """The stored events, largest first (read-only; groups first if nothing is grouped yet)."""
    from biascmp.events.store import load_events

    with open_store(db, read_only=True) as store:
        stale = _events_stale(store.con)
        if not stale:
            return load_events(store.con)
    return group_events(db)


def _events_stale(con) -> bool:
    has_events = con.execute("SELECT count(*) FROM events").fetchone()[0] > 0
    return not has_events or get_meta(con, "events_stale") == "1"


def assign(article_id: str, event_id: str, db=None, *, settings=None):
    from biascmp.events.store import assign as assign_

    with open_store(db) as store:
        return assign_(store.con, article_id, event_id, _event_settings(settings))


def merge(target: str, source: str, db=None, *, settings=None):
    from biascmp.events.store import merge as merge_

    with open_store(db) as store:
        return merge_(store.con, target, source, _event_settings(settings))


def _event_docs(store, ref: str, settings):
    """Resolve an event or article id (regrouping first when the grouping is stale) and read
    its articles, annotating (spaCy entities and lemmas) those not annotated yet."""
    from biascmp.events.store import regroup, resolve_event
    from biascmp.store.annotations import ensure_annotated
    from biascmp.store.reads import event_article_ids, load_articles_docs

    if _events_stale(store.con):
        regroup(store.con, _settings(settings).events)
        set_meta(store.con, "events_stale", "0")
    event_id = resolve_event(store.con, ref)
    label, ids = event_article_ids(store.con, event_id)
    ensure_annotated(store.con, ids)
    return load_articles_docs(store.con, ids, event_id=event_id, label=label)


def pick_event(db, ref: str | None = None) -> str:
    """``ref`` resolved to an event id; without one, the event covered by the most outlets."""
    from biascmp.events.store import load_events, resolve_event

    with open_store(db) as store:
        if ref:
            return resolve_event(store.con, ref)
        events = load_events(store.con)
    if not events:
        from biascmp.errors import NotFound

        raise NotFound("the database holds no events (ingest articles first)")
    return sorted(events, key=lambda e: (-e.n_outlets, -e.n_articles, e.event_id))[0].event_id


def _analyse(event: str, db, settings, analyse, save):
    settings = _settings(settings)
    with open_store(db) as store:
        docs = _event_docs(store, event, settings)
        result = analyse(docs, settings)
        with transaction(store.con):
            save(store.con, result)
        return result


def omissions(event: str, db=None, *, settings=None):
    """Facts, omissions and contradictions of one event (stored, and returned)."""
    from biascmp.compare.omissions import analyse_omissions, save_omissions

    return _analyse(event, db, settings, lambda d, s: analyse_omissions(d, s.omissions), save_omissions)


def sources(event: str, db=None, *, settings=None):
    """Quotes, speakers and per-outlet source profiles of one event."""
    from biascmp.compare.sources import analyse_sources, save_sources

    return _analyse(event, db, settings, lambda d, s: analyse_sources(d, s.sources), save_sources)


def framing(event: str, db=None, *, settings=None):
    """Distinctive terms, label variants, frames, tone and loaded sentences of one event."""
    from biascmp.compare.framing import analyse_framing, save_framing

    return _analyse(event, db, settings, lambda d, s: analyse_framing(d, s.framing), save_framing)


def coverage(event: str, facts_path, db=None, *, settings=None):
    """Checklist mode: each of the user's facts, covered or not by each article of the event."""
    from biascmp.compare.coverage import coverage as check, load_facts
    from biascmp.embed import get_embedder

    settings = _settings(settings)
    facts = load_facts(facts_path)
    with open_store(db) as store:
        docs = _event_docs(store, event, settings)
    embedder = get_embedder(settings=settings.embed)
    return check(docs, facts, embedder, settings.coverage)


def compare(event: str, db=None, *, settings=None, meta: dict | None = None) -> dict:
    """The full comparison report of one event (framing, omissions, contradictions, sources)."""
    from biascmp.compare.framing import analyse_framing, save_framing
    from biascmp.compare.omissions import analyse_omissions, save_omissions
    from biascmp.compare.sources import analyse_sources, save_sources
    from biascmp.report.model import build_report

    settings = _settings(settings)
    with open_store(db) as store:
        docs = _event_docs(store, event, settings)
        om = analyse_omissions(docs, settings.omissions)
        so = analyse_sources(docs, settings.sources)
        fr = analyse_framing(docs, settings.framing)
        with transaction(store.con):
            save_omissions(store.con, om)
            save_sources(store.con, so)
            save_framing(store.con, fr)
    return build_report(docs, om.to_dict(), so.to_dict(), fr.to_dict(), meta=meta, settings=settings.report)


def render(report: dict, fmt: str) -> str:
    """A report as ``json``, ``markdown`` or ``html`` text."""
    if fmt == "json":
        from biascmp.report.json_report import render_json

        return render_json(report)
    if fmt == "markdown":
        from biascmp.report.markdown import render_markdown

        return render_markdown(report)
    if fmt == "html":
        from biascmp.report.html import render_html

        return render_html(report)
    raise ValueError(f"unknown report format {fmt!r}")


#: evaluation name -> (script under ``evaluation/`` in the source checkout, how it takes the datasets
#: folder, which settings section it takes)
EVALUATIONS = {
    "events": ("eval_events.py", lambda root: {"dataset_path": root}, "events"),
    "omissions": ("eval_omissions.py", lambda root: {"dataset_path": root / "ecbplus"}, "coverage"),
    "sources": ("eval_sources.py", lambda root: {}, "sources"),
    "framing": ("eval_framing.py", lambda root: {"dataset_path": root}, "framing"),
}


def evaluate(name: str, datasets: Path, settings=None) -> dict:
    """Run one shipped evaluation script (a fixed file per name: nothing user-named is
    imported). The scripts live in the source checkout's ``evaluation/`` folder."""
    import importlib.util
    import sys

    from biascmp.errors import ConfigError

    script, arguments, section = EVALUATIONS[name]
    folder = Path(__file__).resolve().parents[1] / "evaluation"
    path = folder / script
    if not path.exists():
        raise ConfigError(str(path), "evaluations need a source checkout of biascmp (evaluation/)")
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))  # the scripts import their sibling helpers
    spec = importlib.util.spec_from_file_location(f"biascmp_eval_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    resolved = _settings(settings)
    return module.evaluate(settings=getattr(resolved, section), **arguments(Path(datasets)))


def demo_corpus() -> Path:
    """The bundled demo corpus: next to the package in a source checkout, else ./corpora."""
    here = Path(__file__).resolve().parents[1] / "corpora" / "demo" / "articles"
    return here if here.exists() else Path("corpora/demo/articles")
