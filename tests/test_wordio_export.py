"""`writer export HISTORY_ID -o OUT.docx`."""

from __future__ import annotations

import pytest

from writer.cli import main
from writer.history import save_draft
from writer.models import Draft, Photo, Section
from writer.wordio import read_docx


def _draft() -> Draft:
    return Draft(kind="summary", title="某协会2024年度工作总结", sections=[
        Section("一、基本情况", "全年开展活动52场。"), Section("二、主要成效", "服务时长8320小时。")],
        photos=[Photo("/nonexistent/photo.jpg", "活动现场。")])


def test_export_from_history(tmp_path, capsys):
    entry = save_draft(_draft(), {"command": "summary", "org": "某协会", "year": 2024})
    out = tmp_path / "out.docx"
    assert main(["export", str(entry), "-o", str(out), "--date", "2025年1月8日"]) == 0
    err = capsys.readouterr().err
    assert f"#{entry}" in err and "photo.jpg" in err
    paras = read_docx(out).paragraphs
    assert paras[0] == "某协会2024年度工作总结"
    assert paras[-2:] == ["某协会", "2025年1月8日"]  # org taken from the draft's inputs
    assert "【待补充：图片 photo.jpg 无法读取】" in paras


def test_export_errors(tmp_path, capsys):
    assert main(["export", "999", "-o", str(tmp_path / "x.docx")]) == 2
    assert "没有编号为 999" in capsys.readouterr().err
    entry = save_draft(_draft(), {})
    assert main(["export", str(entry), "-o", str(tmp_path / "x.pdf")]) == 2
    assert ".docx" in capsys.readouterr().err
    assert main(["export", "abc", "-o", str(tmp_path / "x.docx")]) == 2


@pytest.mark.parametrize("org", [None, "命令行单位"])
def test_export_org_option(tmp_path, org):
    entry = save_draft(_draft(), {"org": None})
    out = tmp_path / "o.docx"
    args = ["export", str(entry), "-o", str(out), "--date", "2025年1月1日"] + (["--org", org] if org else [])
    assert main(args) == 0
    paras = read_docx(out).paragraphs
    assert paras[-1] == "2025年1月1日"
    assert (paras[-2] == org) if org else (paras[-2] != "命令行单位")
