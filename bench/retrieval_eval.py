"""Recall@k of vector-only, lexical-only and fused retrieval on the labelled set in tests/data/retrieval."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from writer.library import Library

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "retrieval"
MODES = ("vector", "lexical", "hybrid")


@dataclass
class Recall:
    mode: str
    recall: float
    hits: int
    relevant: int


def load_labelled(folder: Path = LABELLED) -> tuple[list[Path], list[dict]]:
    docs = sorted((folder / "docs").glob("*.txt"))
    queries = json.loads((folder / "queries.json").read_text(encoding="utf-8"))
    return docs, queries


def ingest_labelled(library: Library, folder: Path = LABELLED) -> None:
    library.ingest([folder / "docs"], kind="news")


def recall_at_k(library: Library, queries: list[dict], k: int = 5) -> dict[str, Recall]:
    """Share of (query, relevant document) pairs found in the top k, per mode."""
    results = {}
    for mode in MODES:
        found = total = 0
        for query in queries:
            stems = {Path(h.source).stem for h in library.search(query["query"], k=k, mode=mode)}
            relevant = set(query["relevant"])
            found += len(stems & relevant)
            total += len(relevant)
        results[mode] = Recall(mode, found / total, found, total)
    return results
