"""Settings: environment over writer.toml, clear messages for bad values, secrets kept out of repr."""

from __future__ import annotations

import os

import pytest

import writer  # noqa: F401
from writer.errors import InputError
from writer.settings import load_settings


def test_defaults_are_offline_and_embedded(tmp_path):
    settings = load_settings({"WRITER_HOME": str(tmp_path)})
    assert settings.home == tmp_path
    assert settings.chroma_host is None and settings.embeddings == "offline"
    assert not settings.model_configured


def test_writer_toml_is_read_and_environment_wins(tmp_path):
    (tmp_path / "writer.toml").write_text('model = "qwen-plus"\nopenai_base_url = "http://127.0.0.1:1/v1"\ntimeout = 5\n',
                                          encoding="utf-8")
    settings = load_settings({"WRITER_HOME": str(tmp_path), "WRITER_MODEL": "deepseek-chat"})
    assert settings.model == "deepseek-chat"
    assert settings.openai_base_url == "http://127.0.0.1:1/v1"
    assert settings.timeout == 5.0 and settings.model_configured


def test_bad_values_give_chinese_messages(tmp_path):
    with pytest.raises(InputError, match="CHROMA_PORT"):
        load_settings({"WRITER_HOME": str(tmp_path), "CHROMA_PORT": "eighty"})
    (tmp_path / "writer.toml").write_text("model = ", encoding="utf-8")
    with pytest.raises(InputError, match="writer.toml"):
        load_settings({"WRITER_HOME": str(tmp_path)})


def test_api_key_and_auth_are_not_in_repr(tmp_path):
    settings = load_settings({"WRITER_HOME": str(tmp_path), "OPENAI_API_KEY": "sk-sentinel-123", "WRITER_AUTH": "a:pw-secret"})
    assert settings.openai_api_key == "sk-sentinel-123"
    assert "sk-sentinel-123" not in repr(settings) and "pw-secret" not in repr(settings)


def test_importing_writer_sets_the_offline_switches():
    for key in ("GRADIO_ANALYTICS_ENABLED", "HF_HUB_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "ANONYMIZED_TELEMETRY"):
        assert key in os.environ
    assert os.environ["HF_HUB_OFFLINE"] == "1"
