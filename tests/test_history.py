"""Every draft is saved with its inputs, backend and time; `writer history` lists and shows them."""

from __future__ import annotations

import json
import sqlite3

import pytest

from writer.cli import main
from writer.errors import InputError
from writer.history import get_draft, list_drafts, save_draft
from writer.models import Draft, Fact, Photo, Section
from writer.settings import get_settings


def sample() -> Draft:
    return Draft(kind="summary", title="2025年工作总结", sections=[Section("一、基本情况", "共开展活动36项。")],
                 facts=[Fact("F1", "活动总数", 36, "项", ["r1"])], citations=[{"section": 0, "facts": ["F1"]}],
                 photos=[Photo("a.jpg", "合影", "2025-03-05")], backend="offline", notices=["提示"])


def test_saved_drafts_round_trip_with_inputs_in_wal_mode():
    first = save_draft(sample(), {"year": 2025, "org": "青禾"})
    second = save_draft(sample(), {"year": 2024}, partial="已生成的部分")
    assert second == first + 1
    entry = get_draft(second)
    assert entry.draft == sample() and entry.inputs == {"year": 2024} and entry.partial == "已生成的部分"
    assert [e.id for e in list_drafts()] == [second, first]
    path = get_settings().history_path
    assert path.parent == get_settings().home
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_missing_id_is_a_chinese_input_error():
    with pytest.raises(InputError, match="没有编号为 7"):
        get_draft(7)


def test_cli_news_saves_history_and_history_shows_it(corpus_dir, capsys):
    notes = corpus_dir / "notes" / "03-专题讲座.txt"
    assert main(["draft", "news", "--notes", str(notes), "--offline", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["kind", "title", "sections", "facts", "citations", "photos", "backend", "notices"]
    assert set(out["facts"][0]) == {"id", "name", "value", "unit", "records"}
    assert set(out["sections"][0]) == {"heading", "text"}
    assert main(["history"]) == 0
    listing = capsys.readouterr().out
    assert "#1" in listing and "新闻稿" in listing
    assert main(["history", "1"]) == 0
    shown = capsys.readouterr().out
    assert "【待补充：地点】" in shown
    assert main(["history", "1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["inputs"]["notes_file"] == str(notes)
    assert main(["history", "42"]) == 2
    assert "没有编号为 42" in capsys.readouterr().err
