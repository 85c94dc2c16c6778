"""Embedding functions registered with Chroma.

The offline default hashes character n-grams (1–3) of the text into a fixed-size signed vector with
sublinear term frequency: no model download, works on Chinese, and complements the word-level BM25
side of retrieval (it still matches where word segmentation differs). An OpenAI-compatible
embeddings endpoint replaces it when WRITER_EMBEDDINGS names a model.
"""

from __future__ import annotations

import os
import unicodedata
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from .errors import BackendError
from .settings import OFFLINE_EMBEDDINGS, Settings

_NGRAM_WEIGHTS = {1: 0.5, 2: 1.0, 3: 0.7}
_PRIME_A = np.uint64(0x9E3779B97F4A7C15)
_PRIME_B = np.uint64(0xC2B2AE3D27D4EB4F)
_PRIME_C = np.uint64(0x165667B19E3779F9)


def _codepoints(text: str) -> np.ndarray:
    text = unicodedata.normalize("NFKC", text).lower()
    kept = "".join(ch for ch in text if ch.isalnum())
    return np.frombuffer(kept.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def hash_embed(text: str, dim: int) -> list[float]:
    codes = _codepoints(text)
    vector = np.zeros(dim, dtype=np.float64)
    with np.errstate(over="ignore"):
        for n, weight in _NGRAM_WEIGHTS.items():
            if len(codes) < n:
                continue
            h = np.zeros(len(codes) - n + 1, dtype=np.uint64)
            for offset in range(n):
                h = (h ^ codes[offset : len(codes) - n + 1 + offset]) * _PRIME_A + _PRIME_B * np.uint64(offset + n)
            h ^= h >> np.uint64(29)
            h *= _PRIME_C
            buckets, counts = np.unique(h % np.uint64(dim), return_counts=True)
            signs = np.where((buckets * _PRIME_B >> np.uint64(63)) == 1, -1.0, 1.0)
            np.add.at(vector, buckets.astype(np.int64), weight * signs * (1.0 + np.log(counts)))
    norm = np.linalg.norm(vector)
    if norm > 0:
        vector /= norm
    return vector.astype(np.float32).tolist()


@register_embedding_function
class HashingEmbedding(EmbeddingFunction[Documents]):
    """Offline character n-gram hashing embedder (see module docstring)."""

    VERSION = 1

    def __init__(self, dim: int = 2048):
        self.dim = dim

    def __call__(self, input: Documents) -> Embeddings:
        return [np.asarray(hash_embed(text, self.dim), dtype=np.float32) for text in input]

    @staticmethod
    def name() -> str:
        return "writer-hash-ngram"

    def get_config(self) -> dict[str, Any]:
        return {"dim": self.dim, "version": self.VERSION}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "HashingEmbedding":
        return HashingEmbedding(dim=int(config.get("dim", 2048)))

    def default_space(self) -> str:
        return "cosine"

    def describe(self) -> str:
        return f"offline:hash-ngram-{self.dim}-v{self.VERSION}"


@register_embedding_function
class OpenAICompatibleEmbedding(EmbeddingFunction[Documents]):
    """Embeddings from an OpenAI-compatible endpoint. The key is read from the environment, never stored."""

    def __init__(self, model: str, base_url: str | None = None, timeout: float = 60.0, max_retries: int = 2):
        self.model = model
        self.base_url = base_url
        self.timeout = timeout
        self.max_retries = max_retries
        self._client = None

    def _get_client(self):
        if self._client is None:
            from openai import OpenAI

            self._client = OpenAI(
                base_url=self.base_url,
                api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",
                timeout=self.timeout,
                max_retries=self.max_retries,
            )
        return self._client

    def __call__(self, input: Documents) -> Embeddings:
        import openai

        try:
            response = self._get_client().embeddings.create(model=self.model, input=list(input))
        except openai.APIError as exc:
            raise BackendError(f"向量服务调用失败（{type(exc).__name__}），请检查 OPENAI_BASE_URL 和模型名 {self.model}") from None
        return [np.asarray(item.embedding, dtype=np.float32) for item in response.data]

    @staticmethod
    def name() -> str:
        return "writer-openai-compatible"

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model, "base_url": self.base_url}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "OpenAICompatibleEmbedding":
        return OpenAICompatibleEmbedding(model=config["model"], base_url=config.get("base_url"))

    def default_space(self) -> str:
        return "cosine"

    def describe(self) -> str:
        return f"openai:{self.model}"


def make_embedder(settings: Settings) -> HashingEmbedding | OpenAICompatibleEmbedding:
    if not settings.embeddings or settings.embeddings == OFFLINE_EMBEDDINGS:
        return HashingEmbedding()
    return OpenAICompatibleEmbedding(
        model=settings.embeddings,
        base_url=settings.openai_base_url,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
    )
