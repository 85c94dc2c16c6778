"""Embedders: the offline default, an OpenAI-compatible endpoint, and switching between them."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from writer.cli import main
from writer.embeddings import HashingEmbedding, hash_embed
from writer.errors import IndexMismatchError
from writer.library import close_libraries, open_library
from writer.settings import get_settings


def test_offline_embedding_is_deterministic_normalised_and_semantic_enough():
    a = np.array(hash_embed("志愿者到敬老院慰问老人", 512))
    b = np.array(hash_embed("青年志愿者走进福寿敬老院看望老人", 512))
    c = np.array(hash_embed("学院举办职业技能大赛", 512))
    assert a.shape == (512,)
    assert abs(np.linalg.norm(a) - 1) < 1e-5
    assert np.allclose(a, hash_embed("志愿者到敬老院慰问老人", 512))
    assert a @ b > 0.3 > a @ c


def test_offline_embedding_handles_empty_and_odd_text():
    assert not np.any(hash_embed("", 64))
    assert len(HashingEmbedding(dim=64)(["，。！", "a", "😀"])) == 3


class _EmbeddingsHandler(BaseHTTPRequestHandler):
    calls = 0

    def do_POST(self):  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.path.endswith("/embeddings")
        type(self).calls += 1
        data = [{"object": "embedding", "index": i, "embedding": hash_embed("x" + text, 64)}
                for i, text in enumerate(body["input"])]
        payload = json.dumps({"object": "list", "data": data, "model": body["model"],
                              "usage": {"prompt_tokens": 1, "total_tokens": 1}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def embeddings_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EmbeddingsHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_switching_embedder_needs_reindex_and_reindex_works(tmp_path, monkeypatch, embeddings_server, capsys):
    (tmp_path / "a.txt").write_text("标题：社区义诊\n明德社区开展义诊活动，为80位居民测量血压。", encoding="utf-8")
    (tmp_path / "r.json").write_text(json.dumps([{"id": "r1", "date": "2025-03-01", "title": "义诊", "category": "志愿服务",
                                                   "org": "明德社区"}], ensure_ascii=False), encoding="utf-8")
    library = open_library()
    library.ingest([tmp_path])
    close_libraries()

    monkeypatch.setenv("WRITER_EMBEDDINGS", "test-embed")
    monkeypatch.setenv("OPENAI_BASE_URL", embeddings_server)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    get_settings.cache_clear()
    with pytest.raises(IndexMismatchError) as info:
        open_library()
    assert "writer reindex" in str(info.value)
    assert main(["search", "义诊"]) == 2
    assert "writer reindex" in capsys.readouterr().err

    assert main(["reindex"]) == 0
    capsys.readouterr()
    library = open_library()
    assert library.store.embedder_name == "openai:test-embed"
    assert [h.title for h in library.search("义诊 血压", mode="vector")] == ["社区义诊"]
    assert len(library.query_records(org="明德社区")) == 1
    assert _EmbeddingsHandler.calls > 0
    stats_out = (main(["stats"]), capsys.readouterr().out)[1]
    assert "sk-test-secret" not in stats_out


def test_an_interrupted_reindex_is_recovered_not_lost(tmp_path):
    from writer.library import reindex

    (tmp_path / "a.txt").write_text("标题：社区义诊\n明德社区开展义诊活动。", encoding="utf-8")
    library = open_library()
    library.ingest([tmp_path])
    client = library.store.client
    # stopped after the old collection was dropped, before the new one was renamed
    client.get_collection("documents").modify(name="documents.reindex")
    close_libraries()
    assert reindex(get_settings())["documents"] == 1
    assert [h.title for h in open_library().search("义诊")] == ["社区义诊"]
