"""The `writer` CLI contract for the library commands: output, JSON keys, exit codes, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from writer.cli import main

SEARCH_KEYS = {"doc_id", "title", "kind", "org", "year", "score", "source", "text"}


def run_cli(*args, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "writer.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.fixture
def ingested(corpus_dir):
    assert main(["ingest", str(corpus_dir)]) == 0


def test_ingest_then_search_json_returns_relevant_sample_documents(ingested, capsys):
    capsys.readouterr()
    assert main(["search", "志愿者 敬老院 慰问", "--format", "json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert 1 <= len(hits) <= 5
    assert all(set(hit) == SEARCH_KEYS for hit in hits)
    assert len({hit["doc_id"] for hit in hits}) == len(hits)
    assert sum("敬老" in hit["title"] + hit["text"] for hit in hits[:3]) >= 2


def test_search_filters_by_kind_org_and_year(ingested, capsys):
    capsys.readouterr()
    assert main(["search", "年度工作总结 主要成效", "--kind", "summary", "-k", "3", "--format", "json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits and all(hit["kind"] == "summary" for hit in hits)
    assert main(["search", "敬老院", "--org", "青禾职业技术学院团委", "--year", "2024", "--format", "json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits and all(hit["org"] == "青禾职业技术学院团委" and hit["year"] == 2024 for hit in hits)


def test_records_list_and_stats(ingested, capsys):
    capsys.readouterr()
    assert main(["records", "list", "--year", "2025", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) >= 45 and all(r["date"].startswith("2025") for r in records)
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert "过往文档" in out and "活动记录" in out


def test_records_import_bad_file_exits_2_with_one_chinese_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,date,title,category,org\nr1,2025-02-30,t,c,o\n", encoding="utf-8")
    result = run_cli("records", "import", str(bad))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and "第2行" in lines[0]
    assert "Traceback" not in result.stderr


def test_records_import_skip_bad_lists_the_rest(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,date,title,category,org\nr1,2025-02-28,t,c,o\nr2,2025-02-30,t,c,o\n", encoding="utf-8")
    assert main(["records", "import", str(bad), "--skip-bad"]) == 0
    captured = capsys.readouterr()
    assert "新增 1 条" in captured.out and "第3行" in captured.err


@pytest.mark.parametrize(
    "args",
    [
        ["ingest", "/no/such/path"],
        ["search", "敬老院", "-k", "0"],
        ["search", "敬老院", "--year", "二〇二五"],
        ["records", "import", "/no/such.csv"],
        ["nonsense-command"],
    ],
)
def test_errors_exit_2_without_traceback(args):
    result = run_cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.strip()


def test_unreachable_chroma_server_is_a_clear_error():
    result = run_cli("stats", env_extra={"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": "9"})
    assert result.returncode == 2
    assert "Chroma" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_shows_traceback(tmp_path):
    result = run_cli("records", "import", "/no/such.csv", env_extra={"WRITER_DEBUG": "1"})
    assert result.returncode == 2 and "Traceback" in result.stderr
