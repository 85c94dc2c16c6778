"""Durability: `writer backup` / `writer restore`, a kill -9 in the middle of an ingest, a records
import and a draft, and an interrupted update of a document."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
import zipfile
from contextlib import closing
from pathlib import Path

import pytest

from badinput import records_csv
from fake_openai import FakeOpenAI
from reliability import cli, comparable, consistency_problems, history_rows, library_state, make_corpus, popen
from writer.cli import main
from writer.settings import get_settings


def use_home(monkeypatch, home: Path) -> None:
    from writer.library import close_libraries

    monkeypatch.setenv("WRITER_HOME", str(home))
    get_settings.cache_clear()
    close_libraries()


def run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("错误："), err
    assert "Traceback" not in err and "内部错误" not in err, err
    return lines[0]


@pytest.fixture
def filled(writer_home, corpus_dir, capsys):
    """A library with past documents, records and two drafts in the history."""
    assert main(["ingest", str(corpus_dir / "documents" / "news")]) == 0
    assert main(["records", "import", str(corpus_dir / "records" / "qinghe-2025.json")]) == 0
    assert main(["draft", "news", "--notes", str(corpus_dir / "notes" / "01-敬老院慰问.txt"), "--offline"]) == 0
    assert main(["draft", "summary", "--year", "2025", "--offline"]) == 0
    capsys.readouterr()
    return writer_home


# --- backup and restore ----------------------------------------------------------------------------


def test_backup_then_restore_into_an_empty_home_gives_the_same_library(filled, tmp_path, monkeypatch, capsys):
    archive = tmp_path / "备份 2025.zip"
    code, out, err = run(capsys, "backup", str(archive))
    assert code == 0 and "活动记录" in out, err
    before = library_state(filled)
    drafts = history_rows(filled)
    assert len(drafts) == 2 and before["records"] and before["sources"]

    target = tmp_path / "new-home"
    use_home(monkeypatch, target)
    code, out, err = run(capsys, "restore", str(archive))
    assert code == 0, err
    after = library_state(target)
    assert comparable(after) == comparable(before)
    assert history_rows(target) == drafts
    # the restored library works: search, records, history, drafting from it
    code, out, _ = run(capsys, "search", "敬老院 志愿者", "--format", "json")
    assert code == 0 and json.loads(out)
    code, out, _ = run(capsys, "history", "1")
    assert code == 0 and "敬老院" in out
    assert main(["draft", "summary", "--year", "2025", "--offline"]) == 0
    assert len(history_rows(target)) == 3


def test_restore_refuses_a_home_that_is_not_empty_unless_forced(filled, tmp_path, capsys, corpus_dir):
    archive = tmp_path / "b.zip"
    assert main(["backup", str(archive)]) == 0
    assert main(["draft", "news", "--notes", str(corpus_dir / "notes" / "02-技能竞赛.txt"), "--offline"]) == 0
    state, drafts = library_state(filled), history_rows(filled)
    code, _, err = run(capsys, "restore", str(archive))
    assert code == 2 and "--force" in one_error_line(err)
    assert library_state(filled) == state and history_rows(filled) == drafts
    code, _, err = run(capsys, "restore", str(archive), "--force")
    assert code == 0, err
    assert len(history_rows(filled)) == 2  # the archive's history replaced the newer one
    assert comparable(library_state(filled)) == comparable(state)


def test_backup_will_not_overwrite_a_file_without_force(filled, tmp_path, capsys):
    archive = tmp_path / "b.zip"
    archive.write_bytes(b"precious")
    code, _, err = run(capsys, "backup", str(archive))
    assert code == 2 and "已存在" in one_error_line(err) and archive.read_bytes() == b"precious"
    assert main(["backup", str(archive), "--force"]) == 0
    assert zipfile.is_zipfile(archive)


def _tampered(archive: Path, out: Path, member: str, change) -> Path:
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == member:
                data = change(data)
                if data is None:
                    continue
            dst.writestr(info.filename, data)
    return out


def test_restore_validates_the_archive_before_changing_anything(filled, tmp_path, monkeypatch, capsys):
    archive = tmp_path / "good.zip"
    assert main(["backup", str(archive)]) == 0
    edit_text = lambda old, new: lambda d: d.decode().replace(old, new, 1).encode()  # noqa: E731

    def feb30(data: bytes) -> bytes:
        lines = data.decode().splitlines()
        first = json.loads(lines[0])
        first["date"] = "2025-02-30"
        return "\n".join([json.dumps(first, ensure_ascii=False)] + lines[1:]).encode()

    bad = {
        "not a zip": tmp_path / "junk.zip",
        "truncated": tmp_path / "cut.zip",
        "no manifest": _tampered(archive, tmp_path / "nomanifest.zip", "manifest.json", lambda d: None),
        "newer version": _tampered(archive, tmp_path / "v9.zip", "manifest.json", edit_text('"version": 1', '"version": 9')),
        "edited document": _tampered(archive, tmp_path / "edited.zip", "documents.jsonl", edit_text("敬老院", "养老院")),
        "impossible date": _tampered(archive, tmp_path / "feb30.zip", "records.jsonl", feb30),
        "records lost": _tampered(archive, tmp_path / "lost.zip", "records.jsonl",
                                  lambda d: b"\n".join(d.splitlines()[:3]) + b"\n"),
        "history not sqlite": _tampered(archive, tmp_path / "hist.zip", "history.sqlite3", lambda d: b"x" * 100),
        "bad json line": _tampered(archive, tmp_path / "json.zip", "records.jsonl", lambda d: b"{oops\n" + d),
        "missing file": tmp_path / "nowhere.zip",
    }
    bad["not a zip"].write_bytes(b"PK\x03\x04 this is not really a zip")
    bad["truncated"].write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    target = tmp_path / "empty-home"
    use_home(monkeypatch, target)
    for what, path in bad.items():
        code, _, err = run(capsys, "restore", str(path))
        assert code == 2, (what, err)
        one_error_line(err)
    state = library_state(target)
    assert not state["records"] and not state["sources"] and not state["chunks"]
    assert not (target / "history.sqlite3").exists()
    assert main(["restore", str(archive)]) == 0  # and the good one still restores


def test_backup_of_an_empty_library_restores(tmp_path, monkeypatch, capsys):
    archive = tmp_path / "empty.zip"
    code, out, err = run(capsys, "backup", str(archive))
    assert code == 0, err
    use_home(monkeypatch, tmp_path / "other")
    assert main(["restore", str(archive)]) == 0


def test_the_archive_holds_no_secret(tmp_path, monkeypatch, capsys, corpus_dir):
    (Path(get_settings().home)).mkdir(parents=True, exist_ok=True)
    (Path(get_settings().home) / "writer.toml").write_text('openai_api_key = "sk-SENTINEL-toml"\n', encoding="utf-8")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-SENTINEL-env")
    get_settings.cache_clear()
    assert main(["draft", "news", "--notes", str(corpus_dir / "notes" / "01-敬老院慰问.txt"), "--offline"]) == 0
    archive = tmp_path / "b.zip"
    assert main(["backup", str(archive)]) == 0
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            assert b"SENTINEL" not in zf.read(info), info.filename


# --- an interrupted update ---------------------------------------------------------------------------


def test_an_update_that_dies_between_delete_and_add_leaves_no_stale_source(tmp_path, monkeypatch):
    from writer.library import open_library

    doc = tmp_path / "稿件.txt"
    doc.write_text("标题：第一版\n" + "2025年3月5日，志愿者走进敬老院开展慰问活动。" * 30, encoding="utf-8")
    library = open_library()
    library.ingest([doc])
    doc.write_text("标题：第二版\n" + "2025年3月6日，志愿者走进社区开展义诊活动。" * 40, encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(type(library.store.documents), "add", boom)
    with pytest.raises(OSError):
        library.ingest([doc])
    monkeypatch.undo()
    state = library_state(get_settings().home)
    assert not consistency_problems(state)  # no source entry left pointing at deleted chunks
    report = open_library().ingest([doc])
    assert report.added == [str(doc)]
    state = library_state(get_settings().home)
    assert not consistency_problems(state)
    assert [m["title"] for m, _ in state["sources"].values()] == ["第二版"]


# --- kill -9 ----------------------------------------------------------------------------------------


def _chroma_rows(home: Path) -> int:
    path = home / "chroma" / "chroma.sqlite3"
    if not path.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2)) as conn:
            return conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
    except sqlite3.Error:
        return 0


def kill_when_writing(home: Path, *args: str, timeout: float = 60) -> float:
    """Start `writer *args`, SIGKILL it as soon as its first Chroma write is committed; returns when."""
    proc = popen(home, *args)
    start = time.monotonic()
    try:
        while time.monotonic() - start < timeout:
            if proc.poll() is not None:
                raise AssertionError(f"finished before it could be killed: {proc.communicate()}")
            if _chroma_rows(home) > 0:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    return time.monotonic() - start


def expected_state(corpus: Path) -> dict:
    """What an uninterrupted ingest of `corpus` stores: each file's source entry and its chunks."""
    from writer.ingest import FileMeta, make_document, split_document

    sources, chunks = {}, {}
    for path in sorted(corpus.iterdir()):
        document = make_document(path, FileMeta())
        sources[document.doc_id] = (document.title, document.content_hash, document.original_text)
        for chunk in split_document(document):
            chunks[chunk.chunk_id] = chunk.text
    return {"sources": sources, "chunks": chunks}


def stored(state: dict) -> dict:
    return {"sources": {i: (m["title"], m["content_hash"], doc) for i, (m, doc) in state["sources"].items()},
            "chunks": {i: doc for i, (m, doc) in state["chunks"].items()}}


@pytest.mark.slow
def test_kill_9_during_ingest_leaves_a_consistent_library_and_a_rerun_converges(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 520)  # ~2,080 chunks: two batched writes
    full = expected_state(corpus)
    assert len(full["chunks"]) > 2000

    home = tmp_path / "killed"
    kill_when_writing(home, "ingest", str(corpus))
    state = library_state(home)
    assert 0 < len(state["chunks"]) < len(full["chunks"]), "not killed mid-way"
    assert not consistency_problems(state, allow_orphans=True)
    rerun = cli(home, "ingest", str(corpus))
    assert rerun.returncode == 0, rerun.stderr
    final = library_state(home)
    assert not consistency_problems(final)
    assert stored(final) == full  # the same state as an uninterrupted run


@pytest.mark.slow
def test_kill_9_during_records_import_then_retry_converges(tmp_path):
    from writer.records import load_records

    path = tmp_path / "records.csv"
    path.write_text(records_csv(6_000), encoding="utf-8")  # two Chroma writes (5,461 a call)
    home = tmp_path / "killed"
    kill_when_writing(home, "records", "import", str(path))
    expected = {r.id: json.dumps(r.to_dict(), ensure_ascii=False) for r in load_records(path)}
    state = library_state(home)
    assert len(state["records"]) < len(expected), "not killed mid-way"
    assert all(state["records"][i] == expected[i] for i in state["records"])  # what is there is whole
    retry = cli(home, "records", "import", str(path))
    assert retry.returncode == 0, retry.stderr
    assert library_state(home)["records"] == expected


def test_history_survives_kill_9_during_a_draft(tmp_path, corpus_dir):
    home = tmp_path / "home"
    from writer.history import save_draft
    from writer.models import Draft, Section

    for i in range(3):
        save_draft(Draft(kind="news", title=f"旧稿{i}", sections=[Section("正文", "内容")]), {"i": i},
                   settings=get_settings().with_(home=home))
    before = history_rows(home)
    with FakeOpenAI(reply="【标题】\n慰问活动\n" + "志愿者走进敬老院。" * 50, chunk_chars=4, hang_seconds=30) as server:
        server.faults = ["stall"]
        proc = popen(home, "draft", "news", "--notes", str(corpus_dir / "notes" / "02-技能竞赛.txt"),
                     OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-test", WRITER_MODEL="m", WRITER_TIMEOUT="30")
        deadline = time.monotonic() + 30
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # streaming, stalled mid-way
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert history_rows(home) == before
    assert cli(home, "history").returncode == 0


_WRITER_LOOP = """
import sys
from writer.history import save_draft
from writer.models import Draft, Section
for i in range(100000):
    entry = save_draft(Draft(kind="news", title=f"第{i}篇", sections=[Section("正文", "内容" * 200)]), {"i": i})
    print(entry, flush=True)
"""


def test_history_survives_kill_9_while_drafts_are_being_saved(tmp_path):
    import subprocess
    import sys

    from reliability import cli_env

    home = tmp_path / "home"
    proc = subprocess.Popen([sys.executable, "-c", _WRITER_LOOP], stdout=subprocess.PIPE, text=True,
                            env=cli_env(home))
    saved = []
    while len(saved) < 40:
        saved.append(int(proc.stdout.readline()))
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    saved += [int(line) for line in proc.stdout.read().split()]
    rows = history_rows(home)  # integrity_check inside
    ids = [r[0] for r in rows]
    assert set(saved) <= set(ids)  # every draft reported saved is there
    assert ids == list(range(1, len(ids) + 1))
