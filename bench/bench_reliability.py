"""Reliability report: bad inputs tried on every input path, model faults injected, processes killed,
and what was lost (must be 0). Also times a 10,000-row records import (the largest file accepted) and
the refusal of a 100,000-row one.

    python bench/bench_reliability.py            # ~1-2 minutes
    python bench/bench_reliability.py --quick    # without the kill -9 and 10,000-row runs

Uses the same generators as the test suite (tests/badinput.py, tests/reliability.py,
tests/fake_openai.py). Exit status 1 if anything was lost or an input crashed the process.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import writer  # noqa: E402,F401  (offline switches first)


def use_home(home: Path) -> None:
    from writer.library import close_libraries
    from writer.settings import get_settings

    os.environ["WRITER_HOME"] = str(home)
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "WRITER_MODEL", "WRITER_TIMEOUT", "WRITER_MAX_RETRIES"):
        os.environ.pop(var, None)
    get_settings.cache_clear()
    close_libraries()


def cli(args: list[str]) -> tuple[int, str, str]:
    from writer.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def snapshot() -> str:
    from writer.library import open_library

    library = open_library()
    return json.dumps([sorted(json.dumps(r.to_dict(), ensure_ascii=False) for r in library.query_records()),
                       sorted(d["doc_id"] + d["content_hash"] for d in library.documents())])


def bad_inputs(tmp: Path, report: dict) -> None:
    from badinput import KINDS, NOTES, cases_for

    use_home(tmp / "home-bad")
    corpus = ROOT / "corpus"
    cli(["ingest", str(corpus / "documents" / "news")])
    cli(["records", "import", str(corpus / "records" / "qinghe-2025.json")])
    notes = tmp / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    args = {"records": lambda p: ["records", "import", str(p)], "ingest": lambda p: ["ingest", str(p)],
            "check": lambda p: ["check", str(p)], "notes": lambda p: ["draft", "news", "--notes", str(p), "--offline"],
            "photo": lambda p: ["draft", "news", "--notes", str(notes), "--photo", str(p), "--offline"]}
    for kind in KINDS:
        for i, case in enumerate(cases_for(kind)):
            path = case.make(tmp / "bad" / kind / str(i))
            before = snapshot() if kind in ("records", "ingest") and not case.ok else None
            start = time.perf_counter()
            try:
                code, out, err = cli(args[kind](path))
            except BaseException as exc:  # noqa: BLE001 - a crash is what we count
                report["crashed"].append(f"{kind}/{case.name}: {type(exc).__name__}")
                continue
            report["inputs"] += 1
            report["slowest_input"] = max(report["slowest_input"], time.perf_counter() - start)
            lines = [ln for ln in err.splitlines() if ln.strip()]
            if case.ok:
                report["accepted"] += 1
                if code not in (0, 1):
                    report["wrong"].append(f"{kind}/{case.name}: refused ({err.strip()[:80]})")
            else:
                report["refused"] += 1
                if code != 2 or len(lines) != 1 or "Traceback" in err or "内部错误" in err:
                    report["wrong"].append(f"{kind}/{case.name}: exit {code}, {err.strip()[:80]}")
            if before is not None and snapshot() != before:
                report["library_changed_by_rejected_import"] += 1


def model_faults(tmp: Path, report: dict) -> None:
    from fake_openai import FakeOpenAI
    from writer.history import list_drafts

    use_home(tmp / "home-faults")
    notes = ROOT / "corpus" / "notes" / "01-敬老院慰问.txt"
    key = "sk-SENTINEL-bench"
    modes = ["slow", "stall", "trickle", "ping", "cut", "malformed", "429", "500", "drop", "garbage", "hang", "401"]
    reply = "【标题】\n慰问\n【导语】\n3月5日，38名志愿者走进敬老院。\n【正文】\n" + "打扫卫生、表演节目。" * 20 + "\n"
    cli(["draft", "news", "--notes", str(notes), "--offline"])
    for mode in modes + ["refused"]:
        with FakeOpenAI(reply=reply, chunk_chars=6, hang_seconds=20, slow_seconds=20, echo_key=True) as server:
            server.faults = [mode] * 10
            base = server.base_url if mode != "refused" else "http://127.0.0.1:9/v1"
            os.environ.update(OPENAI_BASE_URL=base, OPENAI_API_KEY=key, WRITER_MODEL="m", WRITER_TIMEOUT="0.5",
                              WRITER_MAX_RETRIES="1")
            from writer.settings import get_settings

            get_settings.cache_clear()
            drafts_before = len(list_drafts(limit=10_000))
            start = time.perf_counter()
            code, out, err = cli(["draft", "news", "--notes", str(notes), "--format", "json"])
            elapsed = time.perf_counter() - start
            report["faults"] += 1
            report["fault_seconds"][mode] = round(elapsed, 2)
            saved = len(list_drafts(limit=10_000)) - drafts_before
            if code != 0 or saved != 1:
                report["drafts_lost"] += 1
            elif json.loads(out)["backend"] != "offline":
                report["wrong"].append(f"fault {mode}: not the offline draft")
            history = b"".join(p.read_bytes() for p in get_settings().home.glob("history.sqlite3*"))
            if key in out + err or key.encode() in history:
                report["key_leaks"] += 1


def kills(tmp: Path, report: dict) -> None:
    from badinput import records_csv
    from reliability import cli as run_cli, consistency_problems, library_state, make_corpus, popen

    def kill_when_writing(home: Path, *args: str) -> None:
        import sqlite3

        proc = popen(home, *args)
        db = home / "chroma" / "chroma.sqlite3"
        while proc.poll() is None:
            try:
                if db.exists() and sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2).execute(
                        "SELECT COUNT(*) FROM embeddings").fetchone()[0] > 0:
                    break
            except sqlite3.Error:
                pass
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        report["killed"] += 1

    corpus = make_corpus(tmp / "kill-corpus", 520)
    home = tmp / "home-kill-ingest"
    kill_when_writing(home, "ingest", str(corpus))
    if consistency_problems(library_state(home), allow_orphans=True):
        report["inconsistent_after_kill"] += 1
    run_cli(home, "ingest", str(corpus))
    final = library_state(home)
    if consistency_problems(final) or len(final["sources"]) != 520:
        report["documents_lost"] += 520 - len(final["sources"])

    path = tmp / "kill.csv"
    path.write_text(records_csv(6_000), encoding="utf-8")
    home = tmp / "home-kill-records"
    kill_when_writing(home, "records", "import", str(path))
    run_cli(home, "records", "import", str(path))
    report["records_lost"] += 6_000 - len(library_state(home)["records"])


def big_csv(tmp: Path, report: dict, full: bool) -> None:
    from badinput import records_csv

    path = tmp / "100k.csv"
    path.write_text(records_csv(100_000), encoding="utf-8")
    use_home(tmp / "home-100k")
    start = time.perf_counter()
    code, _, err = cli(["records", "import", str(path)])
    report["csv_100k"] = f"exit {code} in {time.perf_counter() - start:.1f} s: {err.strip()[:60]}…"
    if full:
        path = tmp / "10k.csv"
        path.write_text(records_csv(10_000), encoding="utf-8")
        start = time.perf_counter()
        code, out, err = cli(["records", "import", str(path)])
        report["csv_10k"] = f"exit {code} in {time.perf_counter() - start:.1f} s"
        from writer.library import open_library

        report["records_lost"] += 10_000 - open_library().stats()["records"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    report = {"inputs": 0, "accepted": 0, "refused": 0, "crashed": [], "wrong": [], "slowest_input": 0.0,
              "library_changed_by_rejected_import": 0, "faults": 0, "fault_seconds": {}, "drafts_lost": 0,
              "key_leaks": 0, "killed": 0, "inconsistent_after_kill": 0, "records_lost": 0, "documents_lost": 0}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-reliability-") as tmp:
        tmp = Path(tmp)
        bad_inputs(tmp, report)
        model_faults(tmp, report)
        big_csv(tmp, report, full=not args.quick)
        if not args.quick:
            kills(tmp, report)
    lost = report["records_lost"] + report["documents_lost"] + report["drafts_lost"]
    print("笔杆 Writer reliability")
    print(f"  bad inputs tried        {report['inputs']} ({report['accepted']} accepted, {report['refused']} refused "
          f"with one Chinese line), slowest {report['slowest_input']:.1f} s")
    print(f"  crashes                 {len(report['crashed'])} {report['crashed'] or ''}")
    print(f"  wrong outcomes          {len(report['wrong'])} {report['wrong'] or ''}")
    print(f"  library changed by a rejected import: {report['library_changed_by_rejected_import']}")
    print(f"  model faults injected   {report['faults']} (timeout 0.5 s, 1 retry): "
          + ", ".join(f"{k} {v}s" for k, v in report["fault_seconds"].items()))
    print(f"  API key leaks           {report['key_leaks']}")
    print(f"  processes killed (-9)   {report['killed']}, inconsistent afterwards: {report['inconsistent_after_kill']}")
    print(f"  100,000-row CSV         {report['csv_100k']}")
    if "csv_10k" in report:
        print(f"  10,000-row CSV import   {report['csv_10k']}")
    print(f"  LOST                    records {report['records_lost']}, documents {report['documents_lost']}, "
          f"drafts {report['drafts_lost']}  (total {lost})")
    print(f"  ({time.perf_counter() - started:.0f} s)")
    bad = lost or report["crashed"] or report["wrong"] or report["key_leaks"] or report["inconsistent_after_kill"] \
        or report["library_changed_by_rejected_import"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
