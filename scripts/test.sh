#!/usr/bin/env bash
# Run every check CI runs: lint, types, then the tests (real TTS engines, real ffmpeg, no sound card).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check voice_coach tests scripts
.venv/bin/ruff format --check voice_coach tests scripts
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
