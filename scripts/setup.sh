#!/usr/bin/env bash
# Installs what Writer and its tests need, idempotently: a virtual environment in .venv with the
# package and its test extras, and (with --system) the Debian packages the browser and Word tests use.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
SYSTEM_PACKAGES=(chromium fonts-wqy-microhei libreoffice-writer-nogui poppler-utils)

missing_system() {
  command -v chromium >/dev/null 2>&1 || return 0
  command -v soffice >/dev/null 2>&1 || return 0
  command -v pdftotext >/dev/null 2>&1 || return 0
  fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || return 0
  return 1
}

if [[ "${1:-}" == "--system" ]] && missing_system; then
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  echo "安装系统软件包：${SYSTEM_PACKAGES[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${SYSTEM_PACKAGES[@]}" >/dev/null
fi

if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".[test]"
  touch "$stamp"
fi
