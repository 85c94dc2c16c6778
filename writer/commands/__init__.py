"""Subcommands of `writer`, one module per group; shared argument types live here."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def year_arg(value: str) -> int:
    try:
        year = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"年份“{value}”无效，应为四位数字，如 2025") from None
    if not 1900 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"年份“{value}”超出范围")
    return year


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}”不是整数") from None
    if number < 1:
        raise argparse.ArgumentTypeError("数量至少为 1")
    return number


def print_json(value: Any) -> None:
    """Machine-readable output: UTF-8 JSON with Chinese kept as is."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
