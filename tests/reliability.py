"""Helpers shared by the durability, concurrency and model-fault tests and bench/bench_reliability.py:
running the CLI in a subprocess, generating a large corpus, and checking a library's consistency."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections import Counter
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARAGRAPH = ("{n}月{d}日，青禾职业技术学院团委组织第{k}批青年志愿者走进江川市福寿敬老院开展慰问活动，"
             "为老人打扫卫生、表演节目、陪老人聊天，共服务{h}小时。")


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CHROMA_HOST", "CHROMA_PORT", "OPENAI_BASE_URL", "OPENAI_API_KEY", "WRITER_MODEL",
                        "WRITER_AUTH", "WRITER_DEBUG", "WRITER_EMBEDDINGS")}
    env.update({"WRITER_HOME": str(home), "PYTHONPATH": str(ROOT), **extra})
    return env


def cli(home: Path, *args: str, timeout: float = 180, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "writer.cli", *args], capture_output=True, text=True,
                          env=cli_env(home, **extra), timeout=timeout, cwd=ROOT)


def popen(home: Path, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "writer.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=cli_env(home, **extra), cwd=ROOT)


def make_corpus(folder: Path, documents: int, paragraphs: int = 14, seed: int = 0) -> Path:
    """`documents` distinct news stories of ~`paragraphs` paragraphs (about 4-5 chunks each)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(documents):
        body = "\n".join(PARAGRAPH.format(n=1 + (i + j) % 12, d=1 + j % 28, k=seed * 100000 + i * 100 + j, h=j + 2)
                         for j in range(paragraphs))
        (folder / f"稿件 {i:04d}.txt").write_text(f"标题：第{i}号慰问活动简讯\n{body}\n", encoding="utf-8")
    return folder


def library_state(home: Path) -> dict:
    """Everything stored, read in a fresh process-independent way (a new client on the folder)."""
    from writer.index import Store
    from writer.settings import load_settings

    store = Store(load_settings({"WRITER_HOME": str(home)}))
    sources = {i: (m, doc) for i, m, doc in store.iter_collection(store.sources, ["metadatas", "documents"])}
    chunks = {i: (m, doc) for i, m, doc in store.iter_collection(store.documents, ["metadatas", "documents"])}
    records = {i: m["json"] for i, m, _ in store.iter_collection(store.records, ["metadatas"])}
    return {"sources": sources, "chunks": chunks, "records": records}


def consistency_problems(state: dict, allow_orphans: bool = False) -> list[str]:
    """Every source entry has all its chunks (positions 0..n-1, as many as its metadata says); with
    `allow_orphans` False, no chunk belongs to a document without a source entry either."""
    problems = []
    by_doc = Counter(m["doc_id"] for m, _ in state["chunks"].values())
    positions: dict[str, set[int]] = {}
    for m, _ in state["chunks"].values():
        positions.setdefault(m["doc_id"], set()).add(int(m["position"]))
    for doc_id, (meta, _) in state["sources"].items():
        if by_doc[doc_id] != meta.get("chunks"):
            problems.append(f"{doc_id}: {by_doc[doc_id]} chunks stored, {meta.get('chunks')} expected")
        elif positions.get(doc_id, set()) != set(range(meta["chunks"])):
            problems.append(f"{doc_id}: chunk positions {sorted(positions.get(doc_id, set()))}")
    if not allow_orphans:
        orphans = set(by_doc) - set(state["sources"])
        if orphans:
            problems.append(f"{len(orphans)} documents have chunks but no source entry")
    return problems


def comparable(state: dict) -> dict:
    """The state without what differs between two equal runs (nothing should)."""
    return {
        "sources": {i: ({k: v for k, v in m.items()}, doc) for i, (m, doc) in state["sources"].items()},
        "chunks": {i: (m, doc) for i, (m, doc) in state["chunks"].items()},
        "records": state["records"],
    }


def history_rows(home: Path) -> list[tuple]:
    path = home / "history.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute("SELECT id, kind, title, backend, draft FROM drafts ORDER BY id").fetchall()
