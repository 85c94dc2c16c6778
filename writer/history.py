"""Draft history: every draft generated is saved (SQLite under WRITER_HOME, WAL mode) with its inputs,
backend and time, so a closed browser tab loses nothing. The schema grows in small numbered steps."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import InputError
from .models import Draft, Fact, Photo, Section
from .settings import Settings, get_settings

MIGRATIONS = [
    """CREATE TABLE drafts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created TEXT NOT NULL,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        backend TEXT NOT NULL,
        inputs TEXT NOT NULL,
        draft TEXT NOT NULL
    )""",
    "CREATE INDEX drafts_created ON drafts(created)",
    "ALTER TABLE drafts ADD COLUMN partial TEXT NOT NULL DEFAULT ''",
]


@dataclass
class HistoryEntry:
    id: int
    created: str
    kind: str
    title: str
    backend: str
    inputs: dict[str, Any]
    draft: Draft | None = None
    partial: str = ""


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=10)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=10000")
    if conn.execute("PRAGMA user_version").fetchone()[0] < len(MIGRATIONS):
        _migrate(conn)
    return conn


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply the missing steps under a write lock, reading the version again once it is held: two
    processes or threads opening a new history at once would otherwise both create the table."""
    level = conn.isolation_level
    conn.isolation_level = None  # explicit transaction control
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for step in MIGRATIONS[version:]:
                conn.execute(step)
            conn.execute(f"PRAGMA user_version={max(version, len(MIGRATIONS))}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.isolation_level = level


def _path(settings: Settings | None) -> Path:
    return (settings or get_settings()).history_path


def save_draft(draft: Draft, inputs: dict[str, Any], *, partial: str = "", settings: Settings | None = None) -> int:
    """Store `draft` with the inputs that produced it; returns its history id."""
    created = datetime.now().astimezone().isoformat(timespec="seconds")
    with closing(_connect(_path(settings))) as conn, conn:
        cur = conn.execute(
            "INSERT INTO drafts (created, kind, title, backend, inputs, draft, partial) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (created, draft.kind, draft.title, draft.backend, json.dumps(inputs, ensure_ascii=False, default=str),
             json.dumps(draft.to_dict(), ensure_ascii=False), partial),
        )
        return int(cur.lastrowid)


def list_drafts(limit: int = 50, settings: Settings | None = None) -> list[HistoryEntry]:
    path = _path(settings)
    if not path.exists():
        return []
    with closing(_connect(path)) as conn:
        rows = conn.execute(
            "SELECT id, created, kind, title, backend, inputs FROM drafts ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
    return [HistoryEntry(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]


def get_draft(entry_id: int, settings: Settings | None = None) -> HistoryEntry:
    path = _path(settings)
    row = None
    if path.exists():
        with closing(_connect(path)) as conn:
            row = conn.execute(
                "SELECT id, created, kind, title, backend, inputs, draft, partial FROM drafts WHERE id = ?", (entry_id,)
            ).fetchone()
    if row is None:
        raise InputError(f"历史记录中没有编号为 {entry_id} 的草稿")
    return HistoryEntry(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), draft_from_dict(json.loads(row[6])),
                        row[7])


def draft_from_dict(data: dict[str, Any]) -> Draft:
    return Draft(
        kind=data["kind"], title=data["title"],
        sections=[Section(**s) for s in data.get("sections", [])],
        facts=[Fact(**f) for f in data.get("facts", [])],
        citations=list(data.get("citations", [])),
        photos=[Photo(**p) for p in data.get("photos", [])],
        backend=data.get("backend", "offline"),
        notices=list(data.get("notices", [])),
    )
