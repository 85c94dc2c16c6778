"""Model faults end to end, through `writer draft news|summary` against the fault-injecting server:
each fault ends within the configured timeout (times the bounded retries), gives the offline draft
with a notice, keeps what streamed, saves the draft in the history, and never shows the API key —
not in the output, the errors, the logs or the history, even when the server echoes it back.

(tests/test_llm.py covers the backend's own behaviour per fault; this file covers what the user gets.)
"""

from __future__ import annotations

import json
import logging
import socket
import time
import uuid

import pytest

from fake_openai import FakeOpenAI
from writer.cli import main
from writer.settings import get_settings

TIMEOUT = 0.5
RETRIES = 1
BACKOFF = 0.5  # OpenAIBackend's default first backoff
KEY = "sk-SENTINEL-" + uuid.uuid4().hex
REPLY = ("【标题】\n敬老院里的学雷锋日\n【导语】\n3月5日，38名志愿者走进江川市福寿敬老院。\n【正文】\n"
         + "志愿者们为老人打扫卫生、表演节目。" * 12 + "\n【结尾】\n无\n【署名】\n（供稿：小王）\n")

# mode → what the server does for every request (a fault that persists through the retries)
FAULTS = {
    "slow first token": "slow",
    "stall mid-stream": "stall",
    "empty deltas, no text": "trickle",
    "keep-alive pings only": "ping",
    "stream cut": "cut",
    "malformed JSON chunk": "malformed",
    "429 storm": "429",
    "500": "500",
    "connection dropped": "drop",
    "not SSE": "garbage",
    "long hang": "hang",
    "401 with key echoed": "401",
}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def notes(corpus_dir):
    return corpus_dir / "notes" / "01-敬老院慰问.txt"


def configure(monkeypatch, base_url: str) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("WRITER_MODEL", "fake-model")
    monkeypatch.setenv("WRITER_TIMEOUT", str(TIMEOUT))
    monkeypatch.setenv("WRITER_MAX_RETRIES", str(RETRIES))
    get_settings.cache_clear()


def history_bytes() -> bytes:
    home = get_settings().home
    return b"".join(p.read_bytes() for p in home.glob("history.sqlite3*"))


def draft_cli(capsys, args) -> tuple[int, str, str, float]:
    capsys.readouterr()
    start = time.monotonic()
    code = main(args)
    elapsed = time.monotonic() - start
    out = capsys.readouterr()
    return code, out.out, out.err, elapsed


def last_entry():
    from writer.history import get_draft, list_drafts

    entries = list_drafts(limit=1)
    assert entries, "the draft was not saved"
    return get_draft(entries[0].id)


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
def test_each_fault_gives_the_offline_draft_in_time_saved_and_without_the_key(
        fault, notes, monkeypatch, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    mode = FAULTS[fault]
    args = ["draft", "news", "--notes", str(notes), "--format", "json"]
    # warm up: the library opens and the offline draft is written once, so the timing below is the fault's
    main(args + ["--offline"])
    capsys.readouterr()
    with FakeOpenAI(reply=REPLY, chunk_chars=6, hang_seconds=20, slow_seconds=20, echo_key=True) as server:
        server.faults = [mode] * 10
        configure(monkeypatch, server.base_url)
        code, out, err, elapsed = draft_cli(capsys, args)
        requests = len(server.requests)
    budget = (RETRIES + 1) * TIMEOUT + RETRIES * BACKOFF + 2.0
    assert elapsed < budget, (fault, elapsed)
    assert code == 0, err
    draft = json.loads(out)
    assert draft["backend"] == "offline" and draft["sections"]
    assert any("已改用离线草稿" in n for n in draft["notices"]), draft["notices"]
    assert requests >= 1
    entry = last_entry()
    assert entry.draft.backend == "offline" and entry.draft.title == draft["title"]
    assert entry.draft.notices == draft["notices"]
    if mode in ("stall", "cut", "malformed"):  # what streamed before the fault is kept, in the notices
        kept = [n for n in draft["notices"] if n.startswith("模型中断前已生成的部分")]
        assert kept and "敬老院" in kept[0], draft["notices"]
    for where, text in (("stdout", out), ("stderr", err), ("logs", caplog.text),
                        ("history", history_bytes().decode("utf-8", "replace"))):
        assert KEY not in text and "SENTINEL" not in text, where


def test_connection_refused_falls_back_at_once(notes, monkeypatch, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    configure(monkeypatch, f"http://127.0.0.1:{closed_port()}/v1")
    code, out, err, elapsed = draft_cli(capsys, ["draft", "news", "--notes", str(notes), "--format", "json"])
    assert code == 0 and elapsed < 10
    draft = json.loads(out)
    assert draft["backend"] == "offline" and any("无法连接" in n for n in draft["notices"])
    assert last_entry().draft.backend == "offline"
    assert KEY not in out + err + caplog.text


def test_a_summary_survives_a_429_storm_and_keeps_its_facts(corpus_dir, monkeypatch, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    records = corpus_dir / "records" / "qinghe-2025.json"
    with FakeOpenAI(reply="一、基本情况\n……", echo_key=True) as server:
        server.faults = ["429"] * 10
        configure(monkeypatch, server.base_url)
        code, out, err, elapsed = draft_cli(
            capsys, ["draft", "summary", "--year", "2025", "--records", str(records), "--format", "json"])
    assert code == 0, err
    draft = json.loads(out)
    assert draft["backend"] == "offline" and len(draft["sections"]) == 4 and draft["facts"]
    assert any("429" in n for n in draft["notices"])
    assert last_entry().draft.facts
    assert KEY not in out + err + caplog.text + history_bytes().decode("utf-8", "replace")


def test_the_key_is_not_in_history_listings_or_debug_tracebacks(notes, monkeypatch, capsys):
    with FakeOpenAI(reply=REPLY, echo_key=True) as server:
        server.faults = ["401"]
        configure(monkeypatch, server.base_url)
        monkeypatch.setenv("WRITER_DEBUG", "1")
        assert main(["draft", "news", "--notes", str(notes)]) == 0
        # an error that reaches the top with WRITER_DEBUG=1 prints a traceback: no key in it either
        assert main(["draft", "summary", "--year", "2031"]) == 2
    assert main(["history", "--format", "json"]) == 0
    assert main(["history", "1", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert KEY not in captured.out + captured.err
    assert "Authorization" not in captured.out + captured.err


def test_settings_and_backend_reprs_hide_the_key(monkeypatch):
    from writer.llm import get_backend

    configure(monkeypatch, "http://127.0.0.1:9/v1")
    settings = get_settings()
    backend = get_backend(settings)
    assert KEY not in repr(settings) and KEY not in str(settings) and KEY not in repr(backend)


def test_a_model_that_answers_properly_is_used(notes, monkeypatch, capsys):
    """The control case: the same setup without a fault drafts with the model."""
    with FakeOpenAI(reply=REPLY) as server:
        configure(monkeypatch, server.base_url)
        code, out, err, _ = draft_cli(capsys, ["draft", "news", "--notes", str(notes), "--format", "json"])
    assert code == 0, err
    assert json.loads(out)["backend"] == "openai:fake-model"
    assert last_entry().draft.backend == "openai:fake-model"
