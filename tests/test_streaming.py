"""The session streamed: encoding starts before synthesis ends, the streamed file equals one mixed from the
finished synthesis sample for sample, and decoded exports (WAV and MP3, with and without a music bed) stay
under -1 dBTP true peak and near the loudness target. Real engines, real ffmpeg; nothing is timed."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyloudnorm
import pytest
from scipy.signal import resample_poly

import voice_coach as vc

PROMISE_DBTP = -1.0


def decoded(path: Path) -> tuple[npt.NDArray[np.float64], int]:
    """``path`` decoded by ffmpeg (an independent decoder) to mono float samples, and its rate."""
    rate = 24000
    raw = subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(path), "-f", "s16le", "-ac", "1",
         "-ar", str(rate), "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, "<i2").astype(np.float64) / 32768, rate


def true_peak_dbtp(samples: npt.NDArray[np.float64]) -> float:
    """True peak by scipy's 8x polyphase oversampling (not the limiter's own estimate)."""
    return float(20 * np.log10(np.abs(resample_poly(samples, 8, 1)).max()))


@pytest.fixture(scope="module")
def music(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A loud bed: chords and pink noise peaking near full scale, the hardest case for the limiter."""
    path = tmp_path_factory.mktemp("music") / "bed.wav"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
         "aevalsrc=0.4*sin(2*PI*220*t)+0.3*sin(2*PI*277.2*t)+0.3*sin(2*PI*329.6*t):s=44100:d=12",
         "-f", "lavfi", "-i", "anoisesrc=d=12:c=pink:a=0.5", "-filter_complex", "amix=inputs=2:normalize=0",
         str(path)],
        check=True,
    )  # fmt: skip
    return path


def test_encoding_starts_before_synthesis_ends_and_gives_what_a_finished_synthesis_gives(
    tmp_path: Path,
) -> None:
    timeline = vc.compile("kneeling-twist", hold="7s", sets=2)
    speech = vc.Speech(engine="pyttsx3", cache_dir=tmp_path / "cache")
    seen: list[tuple[str, int, int]] = []
    streamed = vc.export(
        timeline, tmp_path / "streamed.wav", speech, progress=lambda *report: seen.append(report)
    )
    phrases = len(timeline.phrases())
    written_while_synthesizing = [
        done for stage, done, total in seen if stage == "synthesize" and done < total
    ]
    # The writer reports the synthesis until it is over: a report short of all phrases is a chunk
    # that reached the encoder while phrases were still being spoken.
    assert written_while_synthesizing, seen[:5]
    assert streamed.session.speech.synthesized == phrases
    finished = vc.synthesize(timeline, speech)
    assert finished.speech.synthesized == 0  # all cached by the streamed export
    vc.export(finished, tmp_path / "whole.wav")
    with wave.open(str(tmp_path / "streamed.wav")) as one, wave.open(str(tmp_path / "whole.wav")) as other:
        assert one.getnframes() == other.getnframes() == finished.schedule.total
        assert one.readframes(one.getnframes()) == other.readframes(other.getnframes())
    assert streamed.session.schedule == finished.schedule


@pytest.mark.parametrize("suffix", [".wav", ".mp3"])
@pytest.mark.parametrize("with_music", [False, True], ids=["voice", "music"])
def test_decoded_exports_stay_under_minus_one_dbtp_and_near_the_target(
    tmp_path: Path, music: Path, suffix: str, with_music: bool
) -> None:
    timeline = vc.compile("locate-spi")
    out = tmp_path / f"locate{suffix}"
    vc.export(timeline, out, vc.Speech(cache_dir=tmp_path / "cache"), music=music if with_music else None)
    samples, rate = decoded(out)
    assert true_peak_dbtp(samples) <= PROMISE_DBTP
    assert abs(pyloudnorm.Meter(rate).integrated_loudness(samples) - -16.0) <= 1.0


class Stop(Exception):
    """The caller's own reason to stop (a server's render withdrawn, the server stopping)."""


def children() -> set[int]:
    """This process's child processes (speech workers, ffmpeg)."""
    tasks = Path("/proc/self/task").iterdir()
    return {int(pid) for task in tasks for pid in (task / "children").read_text().split()}


def test_an_export_reports_while_its_first_phrase_is_made_so_a_caller_can_stop_it_at_once(
    tmp_path: Path,
) -> None:
    """The progress callback is called while the encoder waits for the first phrase (not only once a
    phrase is there), so raising in it stops the export before any phrase is made: its workers and
    ffmpeg end, nothing is written, nothing is cached."""
    timeline = vc.compile("spi", hold="20s")
    cache = tmp_path / "cache"
    before = children()
    seen: list[tuple[str, int, int]] = []

    def progress(*report: object) -> None:
        seen.append(report)  # type: ignore[arg-type]
        raise Stop

    with pytest.raises(Stop):
        vc.export(timeline, tmp_path / "spi.mp3", vc.Speech(cache_dir=cache), progress=progress)
    assert seen[0][0] == "synthesize" and seen[0][1] == 0 < seen[0][2], seen
    assert list(tmp_path.iterdir()) == [cache] or list(tmp_path.iterdir()) == []
    assert not [path for path in cache.rglob("*") if path.is_file()] if cache.exists() else True
    assert children() <= before
