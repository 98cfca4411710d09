"""Shared pytest fixtures: the real models, loaded once per test session."""

import pytest


@pytest.fixture(scope="session")
def embedder():
    from biascmp.embed import get_embedder

    return get_embedder()


@pytest.fixture(scope="session")
def nlp():
    from biascmp.annotate import load_nlp

    return load_nlp()
