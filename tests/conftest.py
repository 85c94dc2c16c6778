"""Shared fixtures: every test gets its own WRITER_HOME so nothing touches a real library."""

from __future__ import annotations

from pathlib import Path

import pytest

import writer  # noqa: F401  (sets the offline switches before anything else imports gradio/chromadb)
from writer.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CORPUS = ROOT / "corpus"


@pytest.fixture(autouse=True)
def writer_home(tmp_path_factory, monkeypatch) -> Path:
    home = tmp_path_factory.mktemp("writer-home")
    monkeypatch.setenv("WRITER_HOME", str(home))
    for var in ("CHROMA_HOST", "CHROMA_PORT", "WRITER_EMBEDDINGS", "OPENAI_BASE_URL", "OPENAI_API_KEY",
                "WRITER_MODEL", "WRITER_AUTH", "WRITER_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS
