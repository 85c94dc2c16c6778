"""The same library code against a real `chroma run` server on 127.0.0.1 (CHROMA_HOST set)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from writer.library import close_libraries, open_library
from writer.settings import get_settings

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    exe = shutil.which("chroma")
    if exe is None:
        pytest.fail("the chroma CLI (from the chromadb wheel) is not on PATH")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("chroma run exited early")
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma run did not start within 60 s")
    yield port
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def server_env(chroma_server, monkeypatch):
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(chroma_server))
    get_settings.cache_clear()
    close_libraries()
    library = open_library()
    for name in ("documents", "sources", "records"):
        library.store.client.delete_collection(name)
    close_libraries()
    yield chroma_server
    close_libraries()


def test_ingest_search_and_records_against_a_chroma_server(server_env, corpus_dir):
    library = open_library()
    assert "chroma-server" in library.stats()["backend"]
    report = library.ingest([corpus_dir])
    assert not report.failed and len(report.added) >= 24 and report.records >= 90
    again = library.ingest([corpus_dir])
    assert not again.added and not again.updated
    hits = library.search("志愿者 敬老院 慰问", k=5)
    assert sum("敬老" in h.title + h.text for h in hits[:3]) >= 2
    assert len({h.doc_id for h in hits}) == len(hits)
    summaries = library.search("工作总结", kind="summary", k=3)
    assert summaries and all(h.kind == "summary" for h in summaries)
    records = library.query_records(org="青禾职业技术学院团委", year=2025, category="平台运营")
    assert len(records) == 12


def test_a_second_machine_sees_another_machines_ingest(server_env, tmp_path, monkeypatch):
    first = open_library()
    (tmp_path / "a.txt").write_text("标题：河道清洁志愿行\n志愿者沿清水河捡拾垃圾两公里。", encoding="utf-8")
    first.search("河道")  # builds this machine's lexical index before the ingest
    # another machine: its own WRITER_HOME (its own lexical index), the same server
    monkeypatch.setenv("WRITER_HOME", str(tmp_path / "other-home"))
    get_settings.cache_clear()
    close_libraries()
    second = open_library()
    assert second.search("清水河 捡拾垃圾") == []
    first.ingest([tmp_path / "a.txt"])
    hits = second.search("清水河 捡拾垃圾", mode="lexical")
    assert hits and hits[0].title == "河道清洁志愿行"
