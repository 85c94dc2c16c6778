"""One Settings object, read once from the environment and an optional writer.toml in WRITER_HOME.

Environment variables win over writer.toml; writer.toml keys are the lower-case variable names
without the WRITER_ prefix where there is one (home, chroma_host, chroma_port, embeddings,
openai_base_url, openai_api_key, model, auth, timeout, max_retries, token_budget).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from .errors import InputError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OFFLINE_EMBEDDINGS = "offline"


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "bigan-writer"


@dataclass(frozen=True)
class Settings:
    home: Path
    chroma_host: str | None = None
    chroma_port: int = 8000
    embeddings: str = OFFLINE_EMBEDDINGS
    openai_base_url: str | None = None
    openai_api_key: str | None = field(default=None, repr=False)
    model: str | None = None
    auth: str | None = field(default=None, repr=False)
    timeout: float = 60.0
    max_retries: int = 2
    token_budget: int = 6000
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    corpus_dir: Path = PROJECT_ROOT / "corpus"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def history_path(self) -> Path:
        return self.home / "history.sqlite3"

    @property
    def uploads_dir(self) -> Path:
        return self.home / "uploads"

    @property
    def model_configured(self) -> bool:
        return bool(self.openai_base_url or self.openai_api_key) and bool(self.model)

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


_ENV_KEYS = {
    "home": "WRITER_HOME",
    "chroma_host": "CHROMA_HOST",
    "chroma_port": "CHROMA_PORT",
    "embeddings": "WRITER_EMBEDDINGS",
    "openai_base_url": "OPENAI_BASE_URL",
    "openai_api_key": "OPENAI_API_KEY",
    "model": "WRITER_MODEL",
    "auth": "WRITER_AUTH",
    "timeout": "WRITER_TIMEOUT",
    "max_retries": "WRITER_MAX_RETRIES",
    "token_budget": "WRITER_TOKEN_BUDGET",
}
_INTS = {"chroma_port", "max_retries", "token_budget"}
_FLOATS = {"timeout"}


def _read_toml(home: Path) -> dict:
    path = home / "writer.toml"
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"配置文件 {path} 格式有误：{exc}") from None
    return {k: v for k, v in data.items() if k in _ENV_KEYS and k != "home"}


def _coerce(key: str, value) -> object:
    if value is None or value == "":
        return None
    try:
        if key in _INTS:
            return int(value)
        if key in _FLOATS:
            return float(value)
    except (TypeError, ValueError):
        raise InputError(f"配置项 {_ENV_KEYS[key]} 的值“{value}”不是有效的数字") from None
    return str(value)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    home = Path(env.get("WRITER_HOME") or _default_home()).expanduser()
    values: dict[str, object] = dict(_read_toml(home))
    for key, var in _ENV_KEYS.items():
        if key != "home" and env.get(var):
            values[key] = env[var]
    coerced = {k: _coerce(k, v) for k, v in values.items()}
    coerced = {k: v for k, v in coerced.items() if v is not None}
    return Settings(home=home, **coerced)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
