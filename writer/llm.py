"""Model backends: one small protocol, two implementations.

- `Prompt`: what a drafting stage asks for — a system text, a user text (facts, quoted material,
  references), and the offline drafter's rendering of the same input.
- `Backend.stream(prompt)` yields text as it is produced. `Response` wraps that stream, keeps every
  chunk (so a failure mid-way leaves the streamed part in `response.text()`), and raises BackendError.
- `OpenAIBackend`: any OpenAI-compatible chat completions endpoint through the `openai` package, with an
  explicit timeout, bounded retries with exponential backoff (before the first token only) and streaming.
- `OfflineBackend`: the data-to-text drafter; no network, no model.

`get_backend(settings, offline=False)` picks one: no endpoint configured → offline.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Protocol

from .errors import BackendError, InputError
from .settings import Settings, get_settings


@dataclass
class Prompt:
    kind: str  # "summary" | "news" | "condense"
    system: str
    user: str
    offline: Callable[[], str] | None = None

    def messages(self) -> list[dict[str, str]]:
        return [{"role": "system", "content": self.system}, {"role": "user", "content": self.user}]


class Backend(Protocol):
    name: str

    def stream(self, prompt: Prompt) -> Iterator[str]:
        """Yield the text as it is produced; raise BackendError on failure."""
        ...


class Response:
    """The output of one prompt. Iterate it to stream; `text()` is everything received so far."""

    def __init__(self, backend: Backend, prompt: Prompt):
        self.backend = backend
        self.prompt = prompt
        self.chunks: list[str] = []
        self.error: BackendError | None = None
        self.done = False
        self.started: float | None = None
        self.first_token: float | None = None

    def __iter__(self) -> Iterator[str]:
        if self.done:
            yield from self.chunks
            return
        self.started = time.perf_counter()
        try:
            for chunk in self.backend.stream(self.prompt):
                if self.first_token is None:
                    self.first_token = time.perf_counter()
                self.chunks.append(chunk)
                yield chunk
        except BackendError as exc:
            self.error = exc
            raise
        finally:
            self.done = True

    def text(self) -> str:
        if not self.done:
            for _ in self:
                pass
        return "".join(self.chunks)


# --------------------------------------------------------------------------------------------------
# The OpenAI-compatible backend
# --------------------------------------------------------------------------------------------------


class OpenAIBackend:
    """Chat completions over HTTP (OpenAI, DeepSeek, Qwen, GLM, Ollama, vLLM, llama.cpp server)."""

    def __init__(self, *, model: str, base_url: str | None = None, api_key: str | None = None,
                 timeout: float = 60.0, max_retries: int = 2, backoff: float = 0.5, max_backoff: float = 8.0,
                 temperature: float = 0.3, max_tokens: int | None = None):
        self.model = model
        self.base_url = base_url
        self._api_key = api_key
        self.timeout = timeout
        self.max_retries = max(0, max_retries)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.name = f"openai:{model}"
        self._client = None

    def __repr__(self) -> str:  # never show the key
        return f"OpenAIBackend(model={self.model!r}, base_url={self.base_url!r})"

    def client(self):
        if self._client is None:
            import openai

            self._client = openai.OpenAI(
                base_url=self.base_url or None,
                # local servers (Ollama, llama.cpp) need no key, the client insists on one
                api_key=self._api_key or "not-needed",
                timeout=self.timeout,
                max_retries=0,  # we retry ourselves, visibly and boundedly
            )
        return self._client

    def _wait(self, attempt: int, exc: Exception) -> float:
        delay = self.backoff * (2 ** attempt)
        response = getattr(exc, "response", None)
        if response is not None:
            retry_after = response.headers.get("retry-after")
            try:
                if retry_after is not None:
                    delay = max(delay, float(retry_after))
            except ValueError:
                pass
        return min(delay, self.max_backoff)

    def _open(self, prompt: Prompt):
        import openai

        kwargs = dict(model=self.model, messages=prompt.messages(), stream=True, temperature=self.temperature)
        if self.max_tokens:
            kwargs["max_tokens"] = self.max_tokens
        attempt = 0
        while True:
            try:
                return self.client().chat.completions.create(**kwargs)
            except openai.AuthenticationError:
                raise BackendError("模型服务拒绝了访问（401），请检查 OPENAI_API_KEY 是否正确") from None
            except openai.PermissionDeniedError:
                raise BackendError("模型服务拒绝了访问（403），请检查密钥的权限") from None
            except openai.NotFoundError:
                raise BackendError(f"模型服务找不到模型“{self.model}”或接口地址有误（404），请检查 WRITER_MODEL 和 OPENAI_BASE_URL") from None
            except (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError,
                    openai.APIConnectionError) as exc:
                if attempt >= self.max_retries:
                    raise BackendError(_describe(exc, attempt + 1)) from None
                time.sleep(self._wait(attempt, exc))
                attempt += 1
            except openai.APIStatusError as exc:
                raise BackendError(f"模型服务返回错误（HTTP {exc.status_code}）") from None
            except openai.OpenAIError as exc:
                raise BackendError(f"模型服务调用失败：{type(exc).__name__}") from None

    def stream(self, prompt: Prompt) -> Iterator[str]:
        stream = self._open(prompt)
        finished = False
        # The read timeout only catches silence: a server that keeps the connection busy with SSE
        # comments or empty deltas but writes no text would hold us for ever. The watchdog closes the
        # stream when no text has come for `timeout` seconds.
        watchdog = _Watchdog(self.timeout, lambda: _close_quietly(stream))
        watchdog.reset()
        try:
            for chunk in stream:
                if watchdog.fired:
                    break
                choices = getattr(chunk, "choices", None) or []
                if not choices:
                    continue
                choice = choices[0]
                delta = getattr(choice.delta, "content", None) if choice.delta is not None else None
                if delta:
                    watchdog.reset()
                    yield delta
                if choice.finish_reason:
                    finished = True
        except BackendError:
            raise
        except GeneratorExit:
            raise
        except Exception as exc:  # httpx read errors, timeouts mid-stream, malformed JSON chunks
            if watchdog.fired:
                raise BackendError(f"模型输出中途中断（{self.timeout:g} 秒内没有新内容，等待超时）") from None
            raise BackendError(f"模型输出中途中断（{_short(exc)}）") from None
        finally:
            watchdog.cancel()
            _close_quietly(stream)
        if watchdog.fired and not finished:
            raise BackendError(f"模型输出中途中断（{self.timeout:g} 秒内没有新内容，等待超时）")
        if not finished:
            raise BackendError("模型输出不完整：连接在生成结束前断开")


def _close_quietly(stream) -> None:
    close = getattr(stream, "close", None)
    if close:
        try:
            close()
        except Exception:
            pass


class _Watchdog:
    """Calls `on_fire` once when `reset()` has not been called for `idle` seconds."""

    def __init__(self, idle: float, on_fire: Callable[[], None]):
        self.idle = idle
        self.on_fire = on_fire
        self.fired = False
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            if self.fired:
                return
            self._timer = threading.Timer(self.idle, self._fire)
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
        self.on_fire()

    def cancel(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()


def _short(exc: Exception) -> str:
    name = type(exc).__name__
    if "Timeout" in name:
        return "等待超时"
    if "JSON" in name or isinstance(exc, ValueError):
        return "收到无法解析的数据"
    return "连接断开"


def _describe(exc: Exception, attempts: int) -> str:
    import openai

    if isinstance(exc, openai.RateLimitError):
        what = "请求过于频繁（429）"
    elif isinstance(exc, openai.InternalServerError):
        what = f"服务器内部错误（HTTP {exc.status_code}）"
    elif isinstance(exc, openai.APITimeoutError):
        what = "等待响应超时"
    else:
        what = "无法连接"
    return f"模型服务{what}，已尝试 {attempts} 次"


# --------------------------------------------------------------------------------------------------
# The offline drafter
# --------------------------------------------------------------------------------------------------


class OfflineBackend:
    """Data-to-text templates over the same facts and notes; the prompt carries its own renderer."""

    name = "offline"

    def stream(self, prompt: Prompt) -> Iterator[str]:
        if prompt.offline is None:
            raise BackendError("离线起草器不支持这类请求")
        yield prompt.offline()


def get_backend(settings: Settings | None = None, offline: bool = False) -> Backend:
    settings = settings or get_settings()
    if offline or not settings.model_configured:
        return OfflineBackend()
    return OpenAIBackend(model=settings.model, base_url=settings.openai_base_url,
                         api_key=settings.openai_api_key, timeout=settings.timeout,
                         max_retries=settings.max_retries)


# --------------------------------------------------------------------------------------------------
# Prompt files and token estimates
# --------------------------------------------------------------------------------------------------

_PROMPT_CACHE: dict[Path, str] = {}


def load_prompt(name: str, settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    for suffix in (".md", ".txt"):
        path = Path(settings.prompts_dir) / f"{name}{suffix}"
        if path in _PROMPT_CACHE:
            return _PROMPT_CACHE[path]
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            _PROMPT_CACHE[path] = text
            return text
    raise InputError(f"找不到提示词文件 prompts/{name}.md")


_SLOT = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def render(template: str, **values: str) -> str:
    """Fill {{name}} slots; unknown slots are an error in our own prompt files, so fail loudly."""

    def sub(m: re.Match) -> str:
        key = m.group(1)
        if key not in values:
            raise KeyError(f"prompt slot {key!r} not provided")
        return str(values[key])

    return _SLOT.sub(sub, template)


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def estimate_tokens(text: str) -> int:
    """A conservative estimate without a tokenizer: one token per CJK character or full-width mark,
    one per three other characters."""
    cjk = len(_CJK.findall(text))
    return cjk + (len(text) - cjk + 2) // 3
