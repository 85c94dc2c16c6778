"""`writer draft summary` and `writer draft news` from the command line, offline."""

from __future__ import annotations

import json

from writer.cli import main
from writer.summary import PARTS


def test_summary_from_a_records_file_imports_it_and_prints_markdown(corpus_dir, capsys, tmp_path):
    assert main(["draft", "summary", "--year", "2024", "--records", str(corpus_dir / "records" / "qinghe-2024.json"),
                 "--offline"]) == 0
    captured = capsys.readouterr()
    for part in PARTS:
        assert f"## {part}" in captured.out
    assert "历史记录 #1" in captured.err
    # the records are now in the library: a second run needs no file
    out = tmp_path / "summary.json"
    assert main(["draft", "summary", "--year", "2024", "--offline", "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [s["heading"] for s in data["sections"]] == list(PARTS)
    assert data["backend"] == "offline" and data["facts"][0]["id"] == "F1"


def test_summary_without_records_for_the_year_is_a_clear_error(capsys):
    assert main(["draft", "summary", "--year", "2031", "--offline"]) == 2
    assert "没有" in capsys.readouterr().err


def test_news_with_photos_and_docx_output(corpus_dir, capsys, tmp_path):
    out = tmp_path / "news.docx"
    args = ["draft", "news", "--notes", str(corpus_dir / "notes" / "01-敬老院慰问.txt"), "--offline", "-o", str(out)]
    for photo in sorted((corpus_dir / "photos").glob("01-*.jpg")):
        args += ["--photo", str(photo)]
    assert main(args) == 0
    assert out.exists() and out.stat().st_size > 1000


def test_bad_year_and_missing_notes_exit_2(capsys):
    assert main(["draft", "summary", "--year", "20x5"]) == 2
    assert main(["draft", "news", "--notes", "/nonexistent/notes.txt", "--offline"]) == 2
    assert "找不到文件" in capsys.readouterr().err
