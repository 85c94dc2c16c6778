"""`writer check`: exit codes, JSON contract, text format, encodings, stdin, records, --docx-out."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from writer.cli import main
from writer.models import CATEGORIES

DATA = Path(__file__).resolve().parent / "data" / "check"
CLEAN = DATA / "clean" / "news-flood-drill.txt"
FLAWED = DATA / "flawed" / "f05-news-typos.txt"


def run(argv, capsys):
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_file_exits_0(capsys):
    code, out, err = run([str(CLEAN)], capsys)
    assert code == 0, out
    assert "未发现问题" in out


def test_errors_exit_1_and_text_lines_are_file_line_col(capsys):
    code, out, _ = run([str(FLAWED)], capsys)
    assert code == 1
    lines = [ln for ln in out.splitlines() if ln.startswith(str(FLAWED) + ":")]
    assert lines
    for ln in lines:
        _, line, col, rest = ln.split(":", 3)
        assert int(line) >= 1 and int(col) >= 1 and rest.strip()
    # 布署 is on line 5
    text = FLAWED.read_text(encoding="utf-8")
    line_no = text[: text.index("布署")].count("\n") + 1
    col = text.index("布署") - (text.rfind("\n", 0, text.index("布署")) + 1) + 1
    assert any(ln.startswith(f"{FLAWED}:{line_no}:{col}:") and "部署" in ln for ln in lines)


def test_json_contract(capsys):
    code, out, _ = run([str(FLAWED), str(CLEAN), "--format", "json"], capsys)
    assert code == 1
    data = json.loads(out)
    assert [f["file"] for f in data["files"]] == [str(FLAWED), str(CLEAN)]
    for entry in data["files"]:
        assert {"file", "kind", "chars", "findings", "summary"} <= set(entry)
        assert entry["kind"] in ("news", "summary")
        assert set(entry["summary"]) == set(CATEGORIES)
        text = Path(entry["file"]).read_text(encoding="utf-8")
        assert entry["chars"] == len(text)
        for f in entry["findings"]:
            assert set(f) == {"rule", "category", "severity", "start", "end", "text", "message", "suggestion"}
            assert text[f["start"]:f["end"]] == f["text"]
        assert sum(entry["summary"].values()) == len(entry["findings"])
    assert data["files"][1]["findings"] == []


def test_kind_override(capsys):
    _, out, _ = run([str(CLEAN), "--format", "json", "--kind", "summary"], capsys)
    assert json.loads(out)["files"][0]["kind"] == "summary"


def test_gb18030_file_offsets_are_over_the_decoded_text(tmp_path, capsys):
    text = "我院开展活动\n\n5月20日，学院在报告厅布署工作，120名学生参加。\n活动持续2小时。\n"
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gb18030"))
    code, out, _ = run([str(path), "--format", "json"], capsys)
    assert code == 1
    f = next(f for f in json.loads(out)["files"][0]["findings"] if f["category"] == "typo")
    assert text[f["start"]:f["end"]] == "布署"


def test_empty_file_exits_2_with_one_line(tmp_path, capsys):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    code, out, err = run([str(path)], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "空" in err


@pytest.mark.parametrize("argv", [["missing.txt"], ["--format", "xml", "x.txt"], []])
def test_bad_usage_exits_2(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(argv, capsys)
    assert code == 2


def test_unsupported_type_exits_2(tmp_path, capsys):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.4")
    code, _, err = run([str(path)], capsys)
    assert code == 2 and "不支持" in err


def test_stdin(monkeypatch, capsys):
    data = "活动反响热烈,大家很满意。".encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, out, _ = run(["-", "--format", "json"], capsys)
    entry = json.loads(out)["files"][0]
    assert entry["file"] == "-"
    assert {f["category"] for f in entry["findings"]} >= {"punctuation", "padding"}


def test_subprocess_entry_point():
    proc = subprocess.run([sys.executable, "-m", "writer.cli", "check", str(FLAWED), "--format", "json"],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["files"][0]["summary"]["typo"] >= 5


def test_records_enable_grounding(capsys):
    doc = DATA / "flawed" / "f11-summary-grounding-wrong.txt"
    code, out, _ = run([str(doc), "--records", str(DATA / "records.json"), "--format", "json"], capsys)
    assert code == 1
    findings = json.loads(out)["files"][0]["findings"]
    wrong = {f["text"] for f in findings if f["category"] == "grounding" and f["severity"] == "error"}
    assert {"1,800人", "450篇"} <= wrong


def test_bad_records_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "r.json"
    bad.write_text('[{"id": "x"}]', encoding="utf-8")
    code, _, err = run([str(CLEAN), "--records", str(bad)], capsys)
    assert code == 2 and err.strip()


def test_docx_out_writes_comments_or_says_why_not(tmp_path, capsys):
    out_path = tmp_path / "reviewed.docx"
    code, _, err = run([str(FLAWED), "--docx-out", str(out_path)], capsys)
    import writer.wordio as wordio

    if hasattr(wordio, "annotate_docx"):
        assert code == 1 and out_path.exists()
        import zipfile

        with zipfile.ZipFile(out_path) as z:
            comments = z.read("word/comments.xml").decode("utf-8")
        assert "部署" in comments
    else:
        assert code == 2 and "Word" in err


def test_docx_input_offsets_over_joined_paragraphs(tmp_path, capsys):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    paragraphs = ["我院开展活动", "5月20日，学院在报告厅布署工作，120名学生参加。", "活动反响热烈。"]
    for p in paragraphs:
        document.add_paragraph(p)
    path = tmp_path / "in.docx"
    document.save(path)
    code, out, _ = run([str(path), "--format", "json"], capsys)
    from writer.textio import read_any

    text = read_any(path)
    entry = json.loads(out)["files"][0]
    assert entry["chars"] == len(text)
    typo = next(f for f in entry["findings"] if f["category"] == "typo")
    assert text[typo["start"]:typo["end"]] == "布署"


def test_docx_out_needs_exactly_one_file(tmp_path, capsys):
    code, _, err = run([str(CLEAN), str(FLAWED), "--docx-out", str(tmp_path / "o.docx")], capsys)
    assert code == 2
