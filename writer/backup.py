"""Backup and restore of the whole library: activity records, past documents (original text and
chunks) and the draft history, in one .zip archive.

The archive is independent of the embedder: restoring re-embeds with the one configured now.
Members (read by name, never extracted to disk by their stored paths):

    manifest.json     format, version, created, counts
    records.jsonl     one Record per line
    documents.jsonl   one past document per line: id, metadata, original text, chunk texts in order
    history.sqlite3   a consistent copy of the draft history (SQLite backup API, safe while in use)

`restore` validates the whole archive before it changes anything, and refuses a WRITER_HOME that
already holds records, documents or drafts unless `force=True`, which replaces them.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import zipfile
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import InputError, WriterError
from .ingest import strip_debris
from .models import Chunk, Document, Record
from .settings import Settings, get_settings

FORMAT = "bigan-writer-backup"
VERSION = 1
MEMBERS = ("manifest.json", "records.jsonl", "documents.jsonl", "history.sqlite3")
MAX_MEMBER_BYTES = 2 * 1024 ** 3  # a guard against archives that decompress to absurd sizes
WRITE_BATCH_DOCS = 200


@dataclass
class Contents:
    """A validated archive, held in memory until it is written into a library."""

    manifest: dict[str, Any]
    records: list[Record] = field(default_factory=list)
    documents: list[tuple[Document, list[Chunk]]] = field(default_factory=list)
    history: bytes | None = None
    drafts: int = 0

    def counts(self) -> dict[str, int]:
        return {"records": len(self.records), "documents": len(self.documents),
                "chunks": sum(len(c) for _, c in self.documents), "drafts": self.drafts}


# --------------------------------------------------------------------------------------------------
# Backup
# --------------------------------------------------------------------------------------------------


def _history_copy(settings: Settings, folder: Path) -> tuple[Path | None, int]:
    """A consistent copy of the history database (the backup API copes with a writer in WAL mode)."""
    if not settings.history_path.exists():
        return None, 0
    from .history import _connect

    target = folder / "history.sqlite3"
    with closing(_connect(settings.history_path)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        drafts = dst.execute("SELECT COUNT(*) FROM drafts").fetchone()[0]
        dst.execute("PRAGMA journal_mode=DELETE")
    return target, int(drafts)


def backup(path: Path, settings: Settings | None = None, overwrite: bool = False) -> dict[str, int]:
    """Write the whole library to `path` (a .zip); returns the counts written."""
    from .library import open_library

    settings = settings or get_settings()
    path = Path(path)
    if path.exists() and not overwrite:
        raise InputError(f"{path} 已存在；如要覆盖，请加 --force")
    if path.exists() and path.is_dir():
        raise InputError(f"{path} 是文件夹，请给出备份文件名，例如 writer-backup.zip")
    if not path.parent.is_dir():
        raise InputError(f"找不到文件夹 {path.parent}")
    library = open_library(settings)
    store = library.store
    with library._write_lock:
        records = store.get_records(None)
        chunks: dict[str, list[tuple[int, str]]] = {}
        for _, meta, text in store.iter_collection(store.documents, ["metadatas", "documents"]):
            chunks.setdefault(meta["doc_id"], []).append((int(meta.get("position", 0)), text or ""))
        documents = []
        for doc_id, meta, original in store.iter_collection(store.sources, ["metadatas", "documents"]):
            parts = [t for _, t in sorted(chunks.get(doc_id, []))]
            documents.append({"doc_id": doc_id, "meta": meta, "original_text": original or "", "chunks": parts})
    with tempfile.TemporaryDirectory(prefix=".writer-backup-", dir=settings.home if settings.home.is_dir() else None) as tmp:
        history, drafts = _history_copy(settings, Path(tmp))
        counts = {"records": len(records), "documents": len(documents),
                  "chunks": sum(len(d["chunks"]) for d in documents), "drafts": drafts}
        manifest = {"format": FORMAT, "version": VERSION,
                    "created": datetime.now().astimezone().isoformat(timespec="seconds"),
                    "embedder": store.embedder_name, "counts": counts}
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
                zf.writestr("records.jsonl", "".join(
                    json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records))
                zf.writestr("documents.jsonl", "".join(
                    json.dumps(d, ensure_ascii=False) + "\n" for d in documents))
                if history is not None:
                    zf.write(history, "history.sqlite3")
            with open(partial, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(partial, path)  # a reader never sees half an archive
        except OSError as exc:
            raise InputError(f"无法写入备份文件 {path}：{exc.strerror or exc}") from None
        finally:
            if partial.exists():
                partial.unlink()
    return counts


# --------------------------------------------------------------------------------------------------
# Reading and validating an archive
# --------------------------------------------------------------------------------------------------


def _bad(name: str, why: str) -> InputError:
    return InputError(f"{name} 不是有效的笔杆 Writer 备份：{why}")


def _member(zf: zipfile.ZipFile, member: str, name: str) -> bytes | None:
    try:
        info = zf.getinfo(member)
    except KeyError:
        return None
    if info.file_size > MAX_MEMBER_BYTES:
        raise _bad(name, f"{member} 解压后过大")
    try:
        data = zf.read(info)
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
        raise _bad(name, f"{member} 已损坏（{type(exc).__name__}）") from None
    except Exception as exc:  # noqa: BLE001 - zlib.error, NotImplementedError (unknown compression)…
        raise _bad(name, f"{member} 无法解压（{type(exc).__name__}）") from None
    return data


def _jsonl(data: bytes, member: str, name: str) -> list[Any]:
    out = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad(name, f"{member} 不是 UTF-8 文本") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except (json.JSONDecodeError, RecursionError):
            raise _bad(name, f"{member} 第{number}行不是有效的 JSON") from None
    return out


def _document(entry: Any, number: int, name: str) -> tuple[Document, list[Chunk]]:
    where = f"documents.jsonl 第{number}行"
    if not isinstance(entry, dict) or not isinstance(entry.get("meta"), dict):
        raise _bad(name, f"{where}格式不对")
    doc_id, meta, original, parts = entry.get("doc_id"), entry["meta"], entry.get("original_text"), entry.get("chunks")
    if not isinstance(doc_id, str) or not doc_id or not isinstance(original, str):
        raise _bad(name, f"{where}缺少文档编号或原文")
    if not isinstance(parts, list) or not all(isinstance(p, str) and p for p in parts):
        raise _bad(name, f"{where}的片段格式不对")
    if meta.get("kind") not in ("news", "summary"):
        raise _bad(name, f"{where}的文档类型无效")
    if meta.get("content_hash") != hashlib.sha256(original.encode("utf-8")).hexdigest():
        raise _bad(name, f"{where}的原文与校验值不符（文件被改动或损坏）")
    try:
        year = int(meta.get("year") or 0)
    except (TypeError, ValueError):
        raise _bad(name, f"{where}的年份无效") from None
    source = str(meta.get("source") or "")
    text = strip_debris(original, rejoin=Path(source).suffix.lower() != ".docx") or "\n".join(parts)
    document = Document(doc_id=doc_id, title=str(meta.get("title") or "（无标题）"), kind=meta["kind"],
                        org=str(meta.get("org") or ""), year=year or None, source=source,
                        content_hash=meta["content_hash"], text=text, original_text=original)
    base = {"doc_id": doc_id, "title": document.title, "kind": document.kind, "org": document.org,
            "year": year, "source": document.source}
    chunks = [Chunk(doc_id=doc_id, position=i, text=t, metadata={**base, "position": i}) for i, t in enumerate(parts)]
    return document, chunks


def _check_history(data: bytes, name: str, folder: Path) -> int:
    from .history import MIGRATIONS

    if not data.startswith(b"SQLite format 3\x00"):
        raise _bad(name, "history.sqlite3 不是 SQLite 数据库")
    path = folder / "history-check.sqlite3"
    path.write_bytes(data)
    try:
        with closing(sqlite3.connect(path)) as conn:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise _bad(name, "history.sqlite3 已损坏")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise _bad(name, "历史记录来自更新版本的笔杆 Writer，请先升级")
            columns = {row[1] for row in conn.execute("PRAGMA table_info(drafts)")}
            if not {"id", "created", "kind", "title", "backend", "inputs", "draft"} <= columns:
                raise _bad(name, "history.sqlite3 里没有草稿表")
            return int(conn.execute("SELECT COUNT(*) FROM drafts").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise _bad(name, f"history.sqlite3 无法读取（{exc}）") from None


def read_archive(path: Path) -> Contents:
    """Open and validate a backup archive completely; raises InputError with a Chinese message."""
    from .records import record_from_mapping

    path = Path(path)
    name = path.name
    if not path.is_file():
        raise InputError(f"找不到备份文件：{path}")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise _bad(name, "文件不是 zip 压缩包或已损坏") from None
    with zf, tempfile.TemporaryDirectory(prefix=".writer-restore-") as tmp:
        raw = _member(zf, "manifest.json", name)
        if raw is None:
            raise _bad(name, "缺少 manifest.json")
        try:
            manifest = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise _bad(name, "manifest.json 格式有误") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _bad(name, "manifest.json 不是笔杆 Writer 的备份说明")
        if not isinstance(manifest.get("version"), int) or manifest["version"] > VERSION:
            raise _bad(name, f"备份格式版本 {manifest.get('version')} 不受支持，请升级笔杆 Writer")
        contents = Contents(manifest)
        seen: set[str] = set()
        for number, row in enumerate(_jsonl(_member(zf, "records.jsonl", name) or b"", "records.jsonl", name), 1):
            try:
                record = record_from_mapping(row)
            except ValueError as exc:
                raise _bad(name, f"records.jsonl 第{number}行：{exc}") from None
            if record.id in seen:
                raise _bad(name, f"records.jsonl 第{number}行：编号“{record.id}”重复")
            seen.add(record.id)
            contents.records.append(record)
        doc_ids: set[str] = set()
        for number, entry in enumerate(_jsonl(_member(zf, "documents.jsonl", name) or b"", "documents.jsonl", name), 1):
            document, chunks = _document(entry, number, name)
            if document.doc_id in doc_ids:
                raise _bad(name, f"documents.jsonl 第{number}行：文档编号重复")
            doc_ids.add(document.doc_id)
            contents.documents.append((document, chunks))
        history = _member(zf, "history.sqlite3", name)
        if history is not None:
            contents.drafts = _check_history(history, name, Path(tmp))
            contents.history = history
    expected = manifest.get("counts") or {}
    for key, value in contents.counts().items():
        if key in expected and expected[key] != value:
            raise _bad(name, f"内容不完整：说明中有 {expected[key]} 个 {key}，实际 {value} 个")
    return contents


# --------------------------------------------------------------------------------------------------
# Restore
# --------------------------------------------------------------------------------------------------


def _draft_count(settings: Settings) -> int:
    if not settings.history_path.exists():
        return 0
    try:
        with closing(sqlite3.connect(settings.history_path, timeout=10)) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM drafts").fetchone()[0])
    except sqlite3.DatabaseError:
        return 1  # something is there; treat as not empty


def _clear(store) -> None:
    for collection in (store.sources, store.documents, store.records):
        while True:
            ids = collection.get(include=[], limit=5000)["ids"]
            if not ids:
                break
            collection.delete(ids=ids)


def restore(path: Path, settings: Settings | None = None, force: bool = False) -> dict[str, int]:
    """Restore an archive into the library of `settings`; returns the counts restored."""
    from .library import open_library

    settings = settings or get_settings()
    contents = read_archive(path)  # everything is checked before anything changes
    library = open_library(settings)
    store = library.store
    with library._write_lock:
        occupied = store.sources.count() or store.documents.count() or store.records.count() or _draft_count(settings)
        if occupied and not force:
            raise InputError(
                f"资料库 {settings.home} 里已有内容（记录、文档或草稿），恢复会覆盖它们；确认要覆盖请加 --force"
            )
        if occupied:
            _clear(store)
        try:
            store.put_records(contents.records)
            for start in range(0, len(contents.documents), WRITE_BATCH_DOCS):
                store.put_documents(contents.documents[start:start + WRITE_BATCH_DOCS])
            store.bump_generation()
        except WriterError:
            raise
        except Exception as exc:
            raise WriterError(f"恢复时写入资料库失败（{type(exc).__name__}），请加 --force 重新恢复") from None
        if contents.history is not None:
            _restore_history(contents.history, settings)
        elif force and settings.history_path.exists():
            _restore_history(None, settings)
    library.lexical.rebuild()
    return contents.counts()


def _restore_history(data: bytes | None, settings: Settings) -> None:
    """Replace the history with the archived one through SQLite (correct with WAL, and with a
    reader open elsewhere)."""
    from .history import _connect

    with tempfile.TemporaryDirectory(prefix=".writer-restore-", dir=settings.home) as tmp:
        src_path = Path(tmp) / "history.sqlite3"
        if data is not None:
            src_path.write_bytes(data)
        with closing(_connect(src_path)) as src, closing(_connect(settings.history_path)) as dst:
            src.execute("PRAGMA journal_mode=DELETE")
            src.backup(dst)
