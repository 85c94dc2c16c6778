"""The OpenAI-compatible backend against a real local HTTP server speaking chat completions (SSE),
and the documented behaviour of each fault."""

from __future__ import annotations

import time

import pytest

from fake_openai import FakeOpenAI
from writer.errors import BackendError
from writer.llm import (OfflineBackend, OpenAIBackend, Prompt, Response, estimate_tokens, get_backend,
                        load_prompt, render)
from writer.settings import get_settings

REPLY = "一、基本情况\n全年开展活动36项[F1]，参与9931人次[F2]。\n"


@pytest.fixture
def server():
    with FakeOpenAI(reply=REPLY, chunk_chars=5) as fake:
        yield fake


def backend(server, **kw) -> OpenAIBackend:
    opts = dict(model="qwen-test", base_url=server.base_url, api_key="sk-secret-key", timeout=0.5,
                max_retries=2, backoff=0.01)
    opts.update(kw)
    return OpenAIBackend(**opts)


def prompt() -> Prompt:
    return Prompt("summary", "系统提示", "用户提示", offline=lambda: "离线草稿")


def test_streams_the_reply_in_chunks_over_sse(server):
    response = Response(backend(server), prompt())
    chunks = list(response)
    assert len(chunks) > 3
    assert response.text() == REPLY
    sent = server.requests[0]
    assert sent["stream"] is True and sent["model"] == "qwen-test"
    assert sent["messages"] == [{"role": "system", "content": "系统提示"}, {"role": "user", "content": "用户提示"}]
    assert server.headers[0]["authorization"] == "Bearer sk-secret-key"


def test_401_fails_at_once_with_a_chinese_message_and_no_key(server):
    server.faults = ["401"]
    b = backend(server)
    with pytest.raises(BackendError) as info:
        Response(b, prompt()).text()
    assert "401" in str(info.value) and "sk-secret-key" not in str(info.value)
    assert "sk-secret-key" not in repr(b)
    assert len(server.requests) == 1  # not retried


def test_429_is_retried_with_backoff_then_succeeds(server):
    server.faults = ["429", "429"]
    assert Response(backend(server), prompt()).text() == REPLY
    assert len(server.requests) == 3


def test_500_is_retried_a_bounded_number_of_times(server):
    server.faults = ["500"] * 5
    with pytest.raises(BackendError, match="500.*3 次"):
        Response(backend(server, max_retries=2), prompt()).text()
    assert len(server.requests) == 3


def test_stream_cut_midway_keeps_the_streamed_part(server):
    server.faults = ["cut"]
    response = Response(backend(server), prompt())
    with pytest.raises(BackendError, match="中断"):
        for _ in response:
            pass
    assert response.text() and REPLY.startswith(response.text()) and response.text() != REPLY


def test_malformed_chunk_is_a_backend_error_with_the_streamed_part_kept(server):
    server.faults = ["malformed"]
    response = Response(backend(server), prompt())
    with pytest.raises(BackendError):
        response.text()
    assert REPLY.startswith(response.text()) and response.text()


def test_a_hang_past_the_timeout_gives_up_after_the_retries(server):
    server.faults = ["hang"] * 3
    start = time.monotonic()
    with pytest.raises(BackendError, match="超时"):
        Response(backend(server, timeout=0.3, max_retries=1), prompt()).text()
    elapsed = time.monotonic() - start
    assert elapsed < 3, elapsed  # two attempts of 0.3 s, not the client's 600 s default


def test_unreachable_endpoint_is_a_backend_error():
    b = OpenAIBackend(model="m", base_url="http://127.0.0.1:9/v1", timeout=0.5, max_retries=0)
    with pytest.raises(BackendError, match="无法连接"):
        Response(b, prompt()).text()


def test_no_endpoint_configured_means_offline(monkeypatch):
    assert isinstance(get_backend(), OfflineBackend)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
    monkeypatch.setenv("WRITER_MODEL", "qwen")
    get_settings.cache_clear()
    chosen = get_backend()
    assert isinstance(chosen, OpenAIBackend) and chosen.model == "qwen"
    assert isinstance(get_backend(offline=True), OfflineBackend)


def test_offline_backend_renders_the_prompts_own_draft():
    assert Response(OfflineBackend(), prompt()).text() == "离线草稿"
    with pytest.raises(BackendError):
        Response(OfflineBackend(), Prompt("x", "s", "u")).text()


def test_prompt_files_exist_in_chinese_and_fill_their_slots():
    for name in ("system", "summary", "news", "condense"):
        assert "事实" in load_prompt(name) or name == "system" and "不得编造" in load_prompt(name)
    with pytest.raises(KeyError):
        render("{{facts}} {{missing}}", facts="x")
    assert render("事实：{{ facts }}", facts="[F1]") == "事实：[F1]"


def test_token_estimate_counts_cjk_characters():
    assert estimate_tokens("全年开展活动") == 6
    assert 3 <= estimate_tokens("hello world!") <= 5
