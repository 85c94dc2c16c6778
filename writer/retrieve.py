"""Finding similar past documents: Chinese BM25 (rjieba + bm25s) fused with Chroma's vector search.

Results are whole documents ranked by reciprocal rank fusion of their best chunks in each list;
each hit carries its best chunk. The lexical index is derived from the documents collection and
kept on disk under WRITER_HOME, rebuilt when the collection's generation stamp changes (so a
second machine sharing a Chroma server notices another's ingest).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rjieba

from .index import Store, where_clause
from .models import SearchHit

RRF_K = 60
MODES = ("hybrid", "vector", "lexical")
_STOPWORDS = frozenset(
    "的 了 和 与 及 以及 是 在 于 为 对 将 把 被 由 也 都 而 并 等 中 上 下 个 这 那 其 之 或 就 从 向 到 让 "
    "我们 我 你 他 她 它 他们 一个 一些 进行 开展 活动 相关 有关 有 着 过 还 又 很 更 最 及其 各 该 此".split()
)


def tokenize(text: str) -> list[str]:
    return [t for t in rjieba.cut_for_search(text.lower()) if t.strip() and t not in _STOPWORDS and any(c.isalnum() for c in t)]


@dataclass
class ChunkRow:
    chunk_id: str
    doc_id: str
    title: str
    kind: str
    org: str
    year: int
    source: str
    text: str


class LexicalIndex:
    """BM25 over every chunk of the documents collection, with the metadata needed to filter and show."""

    def __init__(self, rows: list[ChunkRow], generation: str, bm25=None):
        import bm25s

        self.rows = rows
        self.generation = generation
        self.kinds = np.array([r.kind for r in rows], dtype=object)
        self.orgs = np.array([r.org for r in rows], dtype=object)
        self.years = np.array([r.year for r in rows], dtype=np.int64)
        if bm25 is None and rows:
            bm25 = bm25s.BM25()
            bm25.index([tokenize(f"{r.title}\n{r.text}") for r in rows], show_progress=False)
        self.bm25 = bm25
        self.vocab = set(bm25.vocab_dict) if bm25 is not None else set()

    @classmethod
    def build(cls, store: Store, generation: str) -> "LexicalIndex":
        rows = [
            ChunkRow(cid, m["doc_id"], m.get("title", ""), m.get("kind", ""), m.get("org", ""), int(m.get("year") or 0),
                     m.get("source", ""), doc or "")
            for cid, m, doc in store.iter_collection(store.documents, ["metadatas", "documents"])
        ]
        return cls(rows, generation)

    def save(self, folder: Path) -> None:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".lexical-", dir=folder.parent))
        try:
            if self.bm25 is not None:
                self.bm25.save(str(tmp / "bm25"), show_progress=False)
            with (tmp / "rows.jsonl").open("w", encoding="utf-8") as fh:
                for row in self.rows:
                    fh.write(json.dumps(row.__dict__, ensure_ascii=False) + "\n")
            (tmp / "generation").write_text(self.generation, encoding="utf-8")
            old = folder.with_name(folder.name + f".old-{os.getpid()}")
            if folder.exists():
                folder.rename(old)
            tmp.rename(folder)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path, generation: str) -> "LexicalIndex | None":
        import bm25s

        try:
            if (folder / "generation").read_text(encoding="utf-8") != generation:
                return None
            with (folder / "rows.jsonl").open(encoding="utf-8") as fh:
                rows = [ChunkRow(**json.loads(line)) for line in fh]
            bm25 = bm25s.BM25.load(str(folder / "bm25"), show_progress=False) if rows else None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return cls(rows, generation, bm25)

    def mask(self, kind: str | None, org: str | None, year: int | None) -> np.ndarray | None:
        mask = np.ones(len(self.rows), dtype=bool)
        if kind:
            mask &= self.kinds == kind
        if org:
            mask &= self.orgs == org
        if year:
            mask &= self.years == int(year)
        return mask

    def top(self, query: str, n: int, kind=None, org=None, year=None) -> list[tuple[ChunkRow, float]]:
        if self.bm25 is None:
            return []
        tokens = [t for t in tokenize(query) if t in self.vocab]
        if not tokens:
            return []
        scores = self.bm25.get_scores(tokens)
        scores = np.where(self.mask(kind, org, year), scores, 0.0)
        n = min(n, len(scores))
        best = np.argpartition(-scores, n - 1)[:n]
        best = best[np.argsort(-scores[best])]
        return [(self.rows[i], float(scores[i])) for i in best if scores[i] > 0]


class LexicalCache:
    """The lexical index of one library, loaded once per process and refreshed by generation."""

    def __init__(self, store: Store, folder: Path):
        self.store = store
        self.folder = folder
        self._index: LexicalIndex | None = None
        self._lock = threading.Lock()

    def get(self) -> LexicalIndex:
        generation = self.store.generation()
        with self._lock:
            if self._index is None or self._index.generation != generation:
                index = LexicalIndex.load(self.folder, generation)
                if index is None:
                    index = LexicalIndex.build(self.store, generation)
                    index.save(self.folder)
                self._index = index
            return self._index

    def rebuild(self) -> LexicalIndex:
        with self._lock:
            index = LexicalIndex.build(self.store, self.store.generation())
            index.save(self.folder)
            self._index = index
            return index


def _vector_top(store: Store, query: str, n: int, kind=None, org=None, year=None) -> list[tuple[ChunkRow, float]]:
    count = store.documents.count()
    if count == 0:
        return []
    found = store.documents.query(
        query_embeddings=store.embed([query]),
        n_results=min(n, count),
        where=where_clause(kind=kind, org=org, year=int(year) if year else None),
        include=["metadatas", "documents", "distances"],
    )
    rows = []
    for cid, meta, doc, dist in zip(found["ids"][0], found["metadatas"][0], found["documents"][0], found["distances"][0]):
        rows.append((ChunkRow(cid, meta["doc_id"], meta.get("title", ""), meta.get("kind", ""), meta.get("org", ""),
                              int(meta.get("year") or 0), meta.get("source", ""), doc or ""), 1.0 - float(dist)))
    return rows


def fuse(ranked_lists: list[list[tuple[ChunkRow, float]]], k: int) -> list[SearchHit]:
    """Reciprocal rank fusion at document level: a document's rank in a list is that of its best chunk."""
    doc_scores: dict[str, float] = {}
    chunk_scores: dict[str, float] = {}
    rows: dict[str, ChunkRow] = {}
    for ranked in ranked_lists:
        seen_docs: set[str] = set()
        for rank, (row, _score) in enumerate(ranked):
            rows.setdefault(row.chunk_id, row)
            chunk_scores[row.chunk_id] = chunk_scores.get(row.chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
            if row.doc_id not in seen_docs:
                seen_docs.add(row.doc_id)
                doc_scores[row.doc_id] = doc_scores.get(row.doc_id, 0.0) + 1.0 / (RRF_K + len(seen_docs))
    best_chunk: dict[str, str] = {}
    for cid, score in chunk_scores.items():
        doc = rows[cid].doc_id
        if doc not in best_chunk or score > chunk_scores[best_chunk[doc]]:
            best_chunk[doc] = cid
    ordered = sorted(doc_scores.items(), key=lambda item: (-item[1], item[0]))[:k]
    hits = []
    for doc_id, score in ordered:
        row = rows[best_chunk[doc_id]]
        hits.append(SearchHit(doc_id=doc_id, title=row.title, kind=row.kind, org=row.org, year=row.year or None,
                              score=round(score * RRF_K, 4), source=row.source, text=row.text))
    return hits


def search(store: Store, lexical: LexicalCache, query: str, k: int = 5, kind: str | None = None,
           org: str | None = None, year: int | None = None, mode: str = "hybrid") -> list[SearchHit]:
    query = (query or "").strip()
    if not query or k <= 0:
        return []
    depth = max(30, k * 8)
    lists = []
    if mode in ("hybrid", "vector"):
        lists.append(_vector_top(store, query, depth, kind, org, year))
    if mode in ("hybrid", "lexical"):
        lists.append(lexical.get().top(query, depth, kind, org, year))
    hits = fuse(lists, 2 * k)
    # Chunks are written before their document's source entry; a document whose ingest was killed
    # in between has chunks but no entry yet, and is not shown until a re-run completes it.
    complete = set(store.sources.get(ids=[h.doc_id for h in hits], include=[])["ids"]) if hits else set()
    return [h for h in hits if h.doc_id in complete][:k]
