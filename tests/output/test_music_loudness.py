"""The session's level does not depend on the music file: under a loud, dense bed (full-scale pink noise,
clipped) an MP3 still measures -16 LUFS within 1 LU and stays at or below -1 dBTP."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pyloudnorm
from audio_cli_helpers import decode, ok
from click.testing import CliRunner
from test_streaming import true_peak_dbtp

from voice_coach.audio.music import music_bed
from voice_coach.audio.music_file import read_music


def loud_pink_noise(path: Path) -> Path:
    """Thirty seconds of pink noise at full scale, 14 dB hotter and clipped: as dense as a bed gets."""
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
         "anoisesrc=color=pink:amplitude=1:sample_rate=44100:duration=30:seed=7",
         "-af", "volume=14dB,alimiter=limit=1:level=false", "-ac", "1", "-y", str(path)],
        check=True,
    )  # fmt: skip
    return path


def test_a_loud_dense_music_bed_does_not_change_an_mp3s_loudness(runner: CliRunner, tmp_path: Path) -> None:
    music = loud_pink_noise(tmp_path / "pink.wav")
    target = tmp_path / "massage.mp3"
    ok(runner, "export", "spi-massage", "-o", str(target), "--music", str(music))
    samples = decode(target, 24000).astype(np.float64) / 32768
    loudness = pyloudnorm.Meter(24000).integrated_loudness(samples)
    assert abs(loudness - -16.0) <= 1.0, loudness
    assert true_peak_dbtp(samples) <= -1.0


def test_the_bed_keeps_no_treble_for_the_encoder_to_choke_on(tmp_path: Path) -> None:
    """Dense treble under speech is what an MP3 encoder at speech bitrates turns into loud bursts (spi over
    one such bed decoded at +1.7 dBTP and was encoded again 2 dB quieter): the bed stops at 8 kHz, and its
    level is still the one asked for."""
    music = read_music(loud_pink_noise(tmp_path / "pink.wav"))
    bed = music_bed(music, 24000, -34.0, -12.0)
    assert bed is not None
    spectrum = np.abs(np.fft.rfft(bed.loop.astype(np.float64))) ** 2
    frequencies = np.fft.rfftfreq(len(bed.loop), 1 / 24000)
    treble = spectrum[frequencies > 8500].sum() / spectrum.sum()
    assert 10 * np.log10(treble) < -60
    assert abs(pyloudnorm.Meter(24000).integrated_loudness(bed.loop.astype(np.float64)) - -34.0) < 0.1
