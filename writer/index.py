"""The library's storage: Chroma collections for past documents, their sources, and activity records.

Embedded (`PersistentClient` under WRITER_HOME) by default; a Chroma server when CHROMA_HOST is set.
Every collection's metadata names the embedder that built it, so a changed WRITER_EMBEDDINGS is
caught with a clear message instead of mixing vectors of two models.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Iterator

from .embeddings import HashingEmbedding, make_embedder
from .errors import IndexMismatchError, WriterError
from .models import Chunk, Document, Record
from .settings import Settings

DOCUMENTS = "documents"
SOURCES = "sources"
RECORDS = "records"
COLLECTIONS = (DOCUMENTS, SOURCES, RECORDS)
# Records are pulled by metadata (org, year, date, category), never by meaning: their collection has
# a small fixed embedder of its own, whatever WRITER_EMBEDDINGS says, and stores no document text
# (the record itself is in its metadata). That keeps a large import fast and `reindex` away from it.
RECORD_DIM = 64
PAGE = 5000
ID_PAGE = 5000  # ids per get/delete by id: SQLite allows 32766 variables in one statement


def make_client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        except Exception as exc:
            raise WriterError(
                f"无法连接 Chroma 服务器 {settings.chroma_host}:{settings.chroma_port}（{type(exc).__name__}），请确认服务已启动"
            ) from None
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


def _record_metadata(record: Record) -> dict[str, Any]:
    return {
        "org": record.org,
        "year": record.year,
        "date": record.date_int,
        "category": record.category,
        "json": json.dumps(record.to_dict(), ensure_ascii=False),
    }


def _record_text(record: Record) -> str:
    return "\n".join(p for p in (record.title, record.category, record.location, record.summary) if p)


def collection_embedder(name: str, settings: Settings):
    return HashingEmbedding(dim=RECORD_DIM) if name == RECORDS else make_embedder(settings)


def embedding_texts(name: str, metadatas: list[dict], documents: list[str | None]) -> list[str]:
    """What each collection embeds for an item, from what it stores (used again by reindex)."""
    if name == RECORDS:
        return [_record_text(Record(**json.loads(m["json"]))) for m in metadatas]
    if name == SOURCES:
        return [f"{m.get('title', '')}\n{(d or '')[:2000]}" for m, d in zip(metadatas, documents)]
    return [f"{m.get('title', '')}\n{d or ''}" for m, d in zip(metadatas, documents)]


def where_clause(**filters: Any) -> dict[str, Any] | None:
    """A Chroma `where` from keyword filters; None values are dropped, two or more are joined by $and.

    A value may be a (operator, operand) pair, e.g. date=("$gte", 20250101).
    """
    parts = []
    for key, value in filters.items():
        if value is None:
            continue
        if isinstance(value, tuple):
            parts.append({key: {value[0]: value[1]}})
        else:
            parts.append({key: value})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


class Store:
    """The three collections of one library, opened with the configured embedder."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.client = make_client(settings)
        self.embedder = collection_embedder(DOCUMENTS, settings)
        self.embedder_name = self.embedder.describe()
        self.record_embedder = collection_embedder(RECORDS, settings)
        try:
            self.collections = {name: self._open(name) for name in COLLECTIONS}
        except IndexMismatchError:
            raise
        except WriterError:
            raise
        except Exception as exc:
            where = f"Chroma 服务器 {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else str(settings.chroma_path)
            raise WriterError(f"无法打开资料库（{where}）：{type(exc).__name__}: {exc}") from None

    def _open(self, name: str):
        embedder = self.record_embedder if name == RECORDS else self.embedder
        embedder_name = embedder.describe()
        try:
            collection = self.client.get_or_create_collection(
                name,
                embedding_function=embedder,
                metadata={"embedder": embedder_name, "generation": uuid.uuid4().hex},
                configuration={"hnsw": {"space": "cosine"}},
            )
        except ValueError as exc:
            if "conflict" not in str(exc).lower():
                raise
            collection = self.client.get_collection(name)  # Chroma refuses another function: it was built with one
        built_with = (collection.metadata or {}).get("embedder")
        if built_with and built_with != embedder_name:
            if collection.count() == 0:
                self.client.delete_collection(name)
                return self._open(name)
            raise IndexMismatchError(
                f"资料库是用向量模型“{built_with}”建立的，当前配置为“{embedder_name}”。"
                "请运行 writer reindex 用新模型重建索引，或改回原来的 WRITER_EMBEDDINGS"
            )
        return collection

    @property
    def documents(self):
        return self.collections[DOCUMENTS]

    @property
    def sources(self):
        return self.collections[SOURCES]

    @property
    def records(self):
        return self.collections[RECORDS]

    # --- generations: a stamp that changes whenever the documents change, for derived indexes ---

    def generation(self) -> str:
        return (self.client.get_collection(DOCUMENTS, embedding_function=self.embedder).metadata or {}).get("generation", "")

    def bump_generation(self) -> str:
        stamp = uuid.uuid4().hex
        self.documents.modify(metadata={"embedder": self.embedder_name, "generation": stamp})
        return stamp

    # --- documents ---

    def embed(self, texts: list[str]) -> list:
        return self.embedder(texts)

    def source_meta(self, doc_id: str) -> dict[str, Any] | None:
        found = self.sources.get(ids=[doc_id], include=["metadatas"])
        return found["metadatas"][0] if found["ids"] else None

    def doc_with_hash(self, digest: str) -> str | None:
        found = self.sources.get(where={"content_hash": digest}, include=[], limit=1)
        return found["ids"][0] if found["ids"] else None

    def put_documents(self, batch: list[tuple[Document, list[Chunk]]]) -> None:
        """Replace these documents' chunks and source entries in as few Chroma calls as possible.

        Chunks first, sources last: a source entry exists only for a document whose chunks are all
        in, so an interrupted write is redone by the next ingest instead of being taken as unchanged.
        An updated document's old source entry goes before its old chunks, for the same reason."""
        if not batch:
            return
        doc_ids = [document.doc_id for document, _ in batch]
        self.sources.delete(ids=doc_ids)
        self.documents.delete(where={"doc_id": {"$in": doc_ids}})
        chunks = [chunk for _, part in batch for chunk in part]
        vectors = self.embed(embedding_texts(DOCUMENTS, [c.metadata for c in chunks], [c.text for c in chunks]))
        step = self.client.get_max_batch_size()
        for start in range(0, len(chunks), step):
            part = slice(start, start + step)
            self.documents.add(
                ids=[c.chunk_id for c in chunks[part]],
                documents=[c.text for c in chunks[part]],
                metadatas=[c.metadata for c in chunks[part]],
                embeddings=vectors[part],
            )
        metadatas = [{
            "title": d.title,
            "kind": d.kind,
            "org": d.org,
            "year": d.year or 0,
            "source": d.source,
            "content_hash": d.content_hash,
            "chunks": len(part),
            "chars": len(d.text),
        } for d, part in batch]
        originals = [d.original_text for d, _ in batch]
        self.sources.upsert(
            ids=doc_ids,
            documents=originals,
            embeddings=self.embed(embedding_texts(SOURCES, metadatas, originals)),
            metadatas=metadatas,
        )

    def delete_document(self, doc_id: str) -> None:
        self.documents.delete(where={"doc_id": doc_id})
        self.sources.delete(ids=[doc_id])

    def iter_collection(self, collection, include: list[str]) -> Iterator[tuple[str, dict, str | None]]:
        offset = 0
        while True:
            page = collection.get(include=include, limit=PAGE, offset=offset)
            ids = page["ids"]
            if not ids:
                return
            docs = page.get("documents") or [None] * len(ids)
            metas = page.get("metadatas") or [{}] * len(ids)
            yield from zip(ids, metas, docs)
            if len(ids) < PAGE:
                return
            offset += PAGE

    def all_sources(self) -> list[dict[str, Any]]:
        return [{"doc_id": i, **m} for i, m, _ in self.iter_collection(self.sources, ["metadatas"])]

    # --- records ---

    def put_records(self, records: list[Record]) -> None:
        batch = self.client.get_max_batch_size()
        for start in range(0, len(records), batch):
            part = records[start : start + batch]
            self.records.upsert(
                ids=[r.id for r in part],
                embeddings=self.record_embedder([_record_text(r) for r in part]),
                metadatas=[_record_metadata(r) for r in part],
            )

    def get_records(self, where: dict[str, Any] | None) -> list[Record]:
        found = []
        offset = 0
        while True:
            page = self.records.get(where=where, include=["metadatas"], limit=PAGE, offset=offset)
            found.extend(Record(**json.loads(m["json"])) for m in page["metadatas"])
            if len(page["ids"]) < PAGE:
                break
            offset += PAGE
        return found

    def record_ids(self, ids: list[str]) -> set[str]:
        """Which of these ids are stored; asked in pages (one query with 100,000 ids is over SQLite's
        limit on variables)."""
        found: set[str] = set()
        for start in range(0, len(ids), ID_PAGE):
            found.update(self.records.get(ids=ids[start:start + ID_PAGE], include=[])["ids"])
        return found
