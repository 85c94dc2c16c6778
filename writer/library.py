"""The library of material: one object over the store, the lexical index and the ingest/import steps.

ui.py and the CLI both go through `open_library()`; nothing here knows about either.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import ingest as ingest_mod
from .errors import InputError, WriterError
from .index import COLLECTIONS, RECORDS, Store, collection_embedder, embedding_texts, where_clause
from .models import Record, SearchHit
from .records import ParseResult, load_records, parse_records_file
from .retrieve import LexicalCache, search
from .settings import Settings, get_settings

Progress = Callable[[int, int, str], None]
INGEST_BATCH_CHUNKS = 2000


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    records: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"新增 {len(self.added)} 篇", f"更新 {len(self.updated)} 篇", f"未变 {len(self.unchanged)} 篇"]
        if self.duplicates:
            parts.append(f"内容重复跳过 {len(self.duplicates)} 篇")
        if self.records:
            parts.append(f"导入活动记录 {self.records} 条")
        if self.failed:
            parts.append(f"失败 {len(self.failed)} 个文件")
        return "，".join(parts)


@dataclass
class ImportReport:
    imported: int
    updated: int
    skipped: list[tuple[int, str]]
    row_label: str = "行"


class Library:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or get_settings()
        self.store = Store(self.settings)
        self.lexical = LexicalCache(self.store, self.settings.home / "lexical")
        self._write_lock = threading.RLock()

    # --- past documents ---

    def ingest(self, paths: list[Path], kind: str | None = None, org: str | None = None, year: int | None = None,
               progress: Progress | None = None) -> IngestReport:
        if kind and kind not in ingest_mod.KINDS:
            raise InputError(f"文档类型“{kind}”无效，应为 news 或 summary")
        planned = ingest_mod.plan_paths([Path(p) for p in paths], ingest_mod.FileMeta(kind, org, year))
        report = IngestReport()
        pending: list[tuple] = []
        pending_chunks = 0
        changed = False
        with self._write_lock:
            for done, item in enumerate(planned, start=1):
                name = str(item.path)
                if progress:
                    progress(done - 1, len(planned), name)
                try:
                    if item.is_records:
                        result = self.import_records(load_records(item.path))
                        report.records += result.imported + result.updated
                        continue
                    prepared = self._prepare(item, report, {d.content_hash for d, _ in pending})
                except WriterError as exc:
                    report.failed.append((name, str(exc)))
                    continue
                if prepared:
                    pending.append(prepared)
                    pending_chunks += len(prepared[1])
                if pending_chunks >= INGEST_BATCH_CHUNKS:
                    self.store.put_documents(pending)
                    pending, pending_chunks, changed = [], 0, True
            if pending:
                self.store.put_documents(pending)
                changed = True
            if changed:
                self.store.bump_generation()
        if changed:
            self.lexical.rebuild()
        if progress:
            progress(len(planned), len(planned), "")
        return report

    def _prepare(self, item: ingest_mod.Planned, report: IngestReport, pending_hashes: set[str]):
        """The document and its chunks when it is new or changed; None (and noted in the report) otherwise."""
        document = ingest_mod.make_document(item.path, item.meta)
        existing = self.store.source_meta(document.doc_id)
        if existing and existing.get("content_hash") == document.content_hash and all(
            existing.get(key) == (getattr(document, key) or (0 if key == "year" else "")) for key in ("kind", "org", "year")
        ):
            report.unchanged.append(str(item.path))
            return None
        same = self.store.doc_with_hash(document.content_hash)
        if (same and same != document.doc_id) or document.content_hash in pending_hashes:
            report.duplicates.append(str(item.path))
            return None
        (report.updated if existing else report.added).append(str(item.path))
        return document, ingest_mod.split_document(document)

    def search(self, query: str, k: int = 5, kind: str | None = None, org: str | None = None,
               year: int | None = None, mode: str = "hybrid") -> list[SearchHit]:
        return search(self.store, self.lexical, query, k=k, kind=kind, org=org, year=year, mode=mode)

    def documents(self) -> list[dict]:
        return sorted(self.store.all_sources(), key=lambda d: (-(d.get("year") or 0), d.get("title", "")))

    def original_text(self, doc_id: str) -> str | None:
        found = self.store.sources.get(ids=[doc_id], include=["documents"])
        return found["documents"][0] if found["ids"] else None

    # --- activity records ---

    def import_records(self, records: list[Record]) -> ImportReport:
        existing = self.store.record_ids([r.id for r in records])
        with self._write_lock:
            self.store.put_records(records)
        return ImportReport(imported=len(records) - len(existing), updated=len(existing), skipped=[])

    def import_records_file(self, path: Path, skip_bad: bool = False) -> ImportReport:
        result: ParseResult = parse_records_file(Path(path))
        if result.problems and not skip_bad:
            from .errors import ValidationError

            raise ValidationError(result.describe(Path(path).name) + "。未导入任何记录。", result.problems)
        if not result.records:
            raise InputError(f"{Path(path).name} 中没有可导入的记录")
        report = self.import_records(result.records)
        report.skipped = result.problems
        report.row_label = result.row_label
        return report

    def query_records(self, org: str | None = None, year: int | None = None, date_from: str | None = None,
                      date_to: str | None = None, category: str | None = None) -> list[Record]:
        filters: dict = {"org": org, "year": int(year) if year else None, "category": category}
        where = where_clause(**filters)
        records = self.store.get_records(where)
        low = int(date_from.replace("-", "")) if date_from else None
        high = int(date_to.replace("-", "")) if date_to else None
        records = [r for r in records if (low is None or r.date_int >= low) and (high is None or r.date_int <= high)]
        return sorted(records, key=lambda r: (r.date, r.id))

    def orgs(self) -> list[str]:
        names = {m.get("org") for _, m, _ in self.store.iter_collection(self.store.records, ["metadatas"])}
        names |= {d.get("org") for d in self.store.all_sources()}
        return sorted(n for n in names if n)

    # --- the library as a whole ---

    def stats(self) -> dict:
        sources = self.store.all_sources()
        record_meta = [m for _, m, _ in self.store.iter_collection(self.store.records, ["metadatas"])]
        return {
            "documents": len(sources),
            "chunks": self.store.documents.count(),
            "records": len(record_meta),
            "documents_by_kind": dict(Counter(d.get("kind", "") for d in sources)),
            "documents_by_org": dict(Counter(d.get("org") or "（未注明）" for d in sources)),
            "documents_by_year": {str(k): v for k, v in sorted(Counter(d.get("year") or 0 for d in sources).items())},
            "records_by_org_year": {
                f"{org} {year}": n for (org, year), n in sorted(Counter((m["org"], m["year"]) for m in record_meta).items())
            },
            "records_by_category": dict(Counter(m["category"] for m in record_meta)),
            "embedder": self.store.embedder_name,
            "backend": f"chroma-server {self.settings.chroma_host}:{self.settings.chroma_port}" if self.settings.chroma_host else f"chroma {self.settings.chroma_path}",
        }

    def is_empty(self) -> bool:
        return self.store.sources.count() == 0 and self.store.records.count() == 0


def reindex(settings: Settings | None = None, progress: Progress | None = None) -> dict:
    """Rebuild every collection with the configured embedder, keeping the stored texts and metadata.

    Copies into new collections first and swaps them in only when complete, so an interrupted
    reindex leaves the old index usable.
    """
    settings = settings or get_settings()
    from .index import make_client

    client = make_client(settings)
    counts = {}
    existing = {c.name if hasattr(c, "name") else c for c in client.list_collections()}
    for name in COLLECTIONS:
        tmp_name = f"{name}.reindex"
        if name not in existing and tmp_name in existing:
            # a previous reindex was stopped between dropping the old collection and renaming the new one
            client.get_collection(tmp_name).modify(name=name)
            existing = (existing - {tmp_name}) | {name}
        if name not in existing:
            continue
        embedder = collection_embedder(name, settings)
        old = client.get_collection(name)
        if tmp_name in existing:
            client.delete_collection(tmp_name)
        new = client.create_collection(tmp_name, embedding_function=embedder,
                                       metadata={"embedder": embedder.describe(), "generation": "reindexed"},
                                       configuration={"hnsw": {"space": "cosine"}})
        total = old.count()
        done = 0
        while True:
            page = old.get(include=["documents", "metadatas"], limit=1000, offset=done)
            if not page["ids"]:
                break
            texts = embedding_texts(name, page["metadatas"], page["documents"])
            new.add(ids=page["ids"], documents=page["documents"] if name != RECORDS else None,
                    metadatas=page["metadatas"], embeddings=embedder(texts))
            done += len(page["ids"])
            if progress:
                progress(done, total, name)
        counts[name] = done
        client.delete_collection(name)
        new.modify(name=name, metadata={"embedder": embedder.describe(), "generation": uuid.uuid4().hex})
    close_libraries()
    return counts


_LIBRARIES: dict[Settings, Library] = {}
_LOCK = threading.Lock()


def open_library(settings: Settings | None = None) -> Library:
    """The library for these settings, opened once per process."""
    settings = settings or get_settings()
    with _LOCK:
        if settings not in _LIBRARIES:
            _LIBRARIES[settings] = Library(settings)
        return _LIBRARIES[settings]


def close_libraries() -> None:
    with _LOCK:
        _LIBRARIES.clear()
