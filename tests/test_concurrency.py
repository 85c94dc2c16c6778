"""Concurrency: imports, ingests and drafts running at the same time — threads sharing one Library
(what two UI sessions do) and separate `writer` processes on one WRITER_HOME — corrupt neither the
index nor each other's drafts."""

from __future__ import annotations

import json
import threading

import pytest

from badinput import records_csv
from reliability import cli, consistency_problems, history_rows, library_state, make_corpus, popen
from writer.history import get_draft, save_draft
from writer.settings import get_settings

ORG = "青禾职业技术学院团委"


def test_two_sessions_importing_ingesting_and_drafting_at_once(corpus_dir, tmp_path):
    from writer.library import open_library
    from writer.news import news_from_library
    from writer.summary import summary_from_library

    library = open_library()
    library.import_records_file(corpus_dir / "records" / "qinghe-2025.json")
    library.ingest([corpus_dir / "documents" / "summaries"])
    files = []
    for i in range(4):
        path = tmp_path / f"batch{i}.csv"
        path.write_text(records_csv(250, start=10_000 + i * 250), encoding="utf-8")
        files.append(path)
    corpus = make_corpus(tmp_path / "docs", 40)
    notes = sorted((corpus_dir / "notes").glob("*.txt"))
    made: dict[str, list[tuple[int, dict]]] = {"summary": [], "news": []}
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def guarded(fn):
        def run():
            try:
                start.wait()
                fn()
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)
        return run

    def importer():
        for path in files[:2]:
            library.import_records_file(path)
        library.ingest([corpus])
        for path in files[2:]:
            library.import_records_file(path)

    def summaries():
        for _ in range(4):
            draft = summary_from_library(year=2025, org=ORG, library=library)
            made["summary"].append((save_draft(draft, {"who": "secretary"}), draft.to_dict()))

    def news():
        for path in notes * 2:
            draft = news_from_library(path.read_text(encoding="utf-8"), org=ORG, library=library)
            made["news"].append((save_draft(draft, {"who": "volunteer", "notes": path.name}), draft.to_dict()))

    threads = [threading.Thread(target=guarded(f)) for f in (importer, summaries, news)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    # every draft in the history is exactly the one its session made
    for kind, entries in made.items():
        for entry_id, data in entries:
            entry = get_draft(entry_id)
            assert entry.kind == kind and entry.draft.to_dict() == data
    assert len({i for entries in made.values() for i, _ in entries}) == 4 + 2 * len(notes)
    # the index is whole
    state = library_state(get_settings().home)
    assert not consistency_problems(state)
    assert len(state["records"]) == len(json.loads((corpus_dir / "records" / "qinghe-2025.json").read_text())) + 1000
    assert sum(d["title"].endswith("慰问活动简讯") for d in library.documents()) == 40
    hits = library.search("青年志愿者走进江川市福寿敬老院开展慰问活动", k=3)
    assert hits and hits[0].title.endswith("慰问活动简讯")


@pytest.mark.slow
def test_separate_processes_on_one_home(tmp_path, corpus_dir):
    home = tmp_path / "home"
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(records_csv(400, start=0), encoding="utf-8")
    b.write_text(records_csv(400, start=400), encoding="utf-8")
    corpus = make_corpus(tmp_path / "docs", 30)
    assert cli(home, "stats").returncode == 0
    procs = [popen(home, "records", "import", str(a)), popen(home, "records", "import", str(b)),
             popen(home, "ingest", str(corpus)),
             popen(home, "draft", "news", "--notes", str(corpus_dir / "notes" / "01-敬老院慰问.txt"), "--offline"),
             popen(home, "draft", "news", "--notes", str(corpus_dir / "notes" / "02-技能竞赛.txt"), "--offline")]
    results = [p.communicate(timeout=180) + (p.returncode,) for p in procs]
    assert all(code == 0 for _, _, code in results), results
    state = library_state(home)
    assert len(state["records"]) == 800 and len(state["sources"]) == 30
    assert not consistency_problems(state)
    drafts = history_rows(home)
    assert len(drafts) == 2 and all(d[3] == "offline" for d in drafts)
    search = cli(home, "search", "青年志愿者走进江川市福寿敬老院开展慰问活动", "--format", "json")
    assert json.loads(search.stdout)[0]["title"].endswith("慰问活动简讯")


def test_record_id_lookups_are_paged(writer_home):
    from writer.library import open_library

    store = open_library().store
    assert store.record_ids([f"r{i}" for i in range(40_000)]) == set()  # one query would exceed SQLite's limit


def test_a_new_history_opened_by_many_threads_at_once(writer_home):
    """The first connections to a new history race to create its table: one must win, none fail."""
    from writer.models import Draft, Section

    barrier = threading.Barrier(8)
    ids, errors = [], []

    def save(i):
        try:
            barrier.wait()
            ids.append(save_draft(Draft(kind="news", title=f"稿{i}", sections=[Section("正文", "内容")]), {"i": i}))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert sorted(ids) == list(range(1, 9))
    assert {get_draft(i).title for i in ids} == {f"稿{i}" for i in range(8)}
