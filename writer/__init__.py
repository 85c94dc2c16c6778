"""笔杆 Writer: a writing assistant for organisations' publicity work in Chinese."""

import os as _os

# Offline switches (see PLATFORM-NOTES): without them gradio, huggingface_hub and chromadb
# try to reach the network in background threads. Set before any of them is imported.
for _key, _value in {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
}.items():
    _os.environ.setdefault(_key, _value)

__version__ = "0.1.0"
