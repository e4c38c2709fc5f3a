"""The corpus ``bench_listen.py`` measures voice commands on, built here from espeak-ng and hibari voices.

Commands: every command word alone and the natural phrasings, said by voices the recognizer was tuned on
(``TUNED``) and by voices it never heard (``HELD_OUT``: other accents and variants, hibari slower). Rooms:
TV-like speech (ordinary sentences that use next, back, stop, pause, continue: "the next day", "bus
stop"), by held-out voices at varied speeds with pauses between lines; music (chords, a bass line, a
melody and a hi-hat, synthesized); reverberation (a synthetic RT60 0.6 s room); a far talker. Spoken audio
is cached under ``CACHE`` (16 kHz float arrays), so a second run synthesizes nothing.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import wave
from pathlib import Path

import numpy as np

from voice_coach.audio.dsp import resample
from voice_coach.live.microphone import LISTEN_RATE
from voice_coach.speech.engines import EngineSettings, parse_rate
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.supply import synthesize_phrases

CACHE = Path("/tmp/voice-coach-bench-listen")
TUNED = ["hibari 1x", "espeak en-us", "espeak en-gb"]
HELD_OUT = ["espeak en-gb-scotland", "espeak en-029+f3", "espeak en-us-nyc+m3", "hibari 0.9x"]
TV_VOICES = [
    "espeak en-gb-x-rp+m2",
    "espeak en-us+f4",
    "espeak en-gb-x-gbclan",
    "espeak en+m7",
    "espeak en-029",
]
WORDS = {"Next.": "next", "Back.": "back", "Stop.": "stop", "Pause.": "pause", "Continue.": "continue",
         "Resume.": "continue", "Repeat.": "back"}  # fmt: skip
PHRASINGS = {"Okay, next.": "next", "Next, please.": "next", "Go back.": "back",
             "Can you repeat that?": "back", "Let's continue.": "continue", "Pause, please.": "pause",
             "Stop it.": "stop"}  # fmt: skip
TV_LINES = [
    line.strip()
    for line in """
Thank you. | Okay. | Me too. | The next day we drove to the coast. | She waited at the bus stop. |
We'll be right back after this. | Continue reading below. | Don't stop now. | Press pause on the
video. | Who's next? | Come back here! | Next time, call me first. | Stop that! | Good morning,
everyone. | Hello? | What? | I know. | Yes. | No way. | Right. | Back then we had nothing. | Open
the back door. | Non-stop action. | Let's take a short pause. | The story will continue tomorrow. |
Next up, the weather. | Step back from the edge. | Please stop talking. | Go on, then. | Can you
hear me? | Coming up next on the news. | It rained all week. | The bus stop is on the corner. |
Wait, go back a bit. | I need a break. | That was close. | Really? | Sure. | You can't stop
progress. | The next train leaves at six. | He came back with a dog. | Resume your seats, please. |
Repeat after me. | And now, the news. | Stay tuned. | Pause for a moment and think. | What happens
next?
""".replace("\n", " ").split(" | ")
]

TUNING_TV_LINES = [
    line.strip()
    for line in """
Thanks a lot. | Fine. | Oh no. | Next week we fly to Rome. | The last stop is the station. | I'll call
you back tonight. | Please continue with your story. | Nobody can stop her. | Hit pause and listen. |
You're next in line. | Back in a minute. | Stop right there! | Good evening. | Hey! | Sorry? | Of
course. | Maybe. | Excellent. | Back when I was young. | Sit in the back row. | It never stops. | A
pause in the talks. | The game will continue after the break. | Next, we add the flour. | Stand back,
everyone. | Stop the car. | Go ahead. | Do you remember? | More on that next. | It snowed all night. |
Get off at the next stop. | Let me go back to that. | I'm tired. | Not bad. | Honestly? | Okay then. |
We can't stop now. | The next bus is late. | She looked back at him. | Resume the game. | Say it
again. | Here is the forecast. | Don't go away. | A short pause, then applause. | What comes next?
""".replace("\n", " ").split(" | ")
]
"""Lines of the same kind, never in the report's TV speech: the rejection set the thresholds are tuned on
(said by the ``TUNED`` voices)."""


def _espeak(text: str, voice: str, speed: int) -> np.ndarray:
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", text], capture_output=True, check=True
    ).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        rate = reader.getframerate()
        samples = np.frombuffer(reader.readframes(reader.getnframes()), np.int16)
    return resample(samples, rate, LISTEN_RATE).astype(np.float64)


def spoken(text: str, voice: str, speed: int = 170) -> np.ndarray:
    """``voice`` ("espeak NAME" or "hibari RATE") saying ``text``, 16 kHz, trimmed to where it sounds."""
    key = hashlib.sha256(f"{text}|{voice}|{speed}".encode()).hexdigest()[:20]
    path = CACHE / f"{key}.npy"
    if path.exists():
        return np.asarray(np.load(path))
    engine, name = voice.split()
    if engine == "espeak":
        samples = _espeak(text, name, speed)
    else:
        settings = EngineSettings("hibari", None, parse_rate(name))
        clip = synthesize_phrases([text], settings, PhraseCache(CACHE / "hibari")).clips[text]
        samples = resample(clip.samples, clip.rate, LISTEN_RATE).astype(np.float64)
    loud = np.flatnonzero(np.abs(samples) > 0.01 * np.abs(samples).max())
    samples = samples[loud[0] : loud[-1] + 1]
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, samples)
    return samples


def tv_speech(seconds: float, seed: int, tuning: bool = False) -> np.ndarray:
    """TV-like talk: the lines said by the TV voices at varied speeds, 0.2-1.5 s apart, at unit RMS
    (``tuning``: the tuning lines, said by the tuned voices)."""
    rng = np.random.default_rng(seed)
    lines, voices = (TUNING_TV_LINES, TUNED) if tuning else (TV_LINES, TV_VOICES)
    pieces, total = [], 0
    while total < seconds * LISTEN_RATE:
        line = lines[rng.integers(len(lines))]
        voice = voices[rng.integers(len(voices))]
        speech = spoken(line, voice, int(rng.choice([150, 170, 190])))
        gap = np.zeros(int(rng.uniform(0.2, 1.5) * LISTEN_RATE))
        pieces += [speech / np.sqrt(np.mean(speech**2)), gap]
        total += len(speech) + len(gap)
    audio = np.concatenate(pieces)[: int(seconds * LISTEN_RATE)]
    return audio / np.sqrt(np.mean(audio**2))


def music(seconds: float, seed: int) -> np.ndarray:
    """Synthesized music at 100 bpm: chords, a bass line, a melody and a hi-hat, at unit RMS."""
    rng = np.random.default_rng(seed)
    beat = int(0.6 * LISTEN_RATE)
    n = int(seconds * LISTEN_RATE)
    out = np.zeros(n + beat)
    t = np.arange(beat) / LISTEN_RATE
    envelope = np.exp(-3 * t)
    roots = [57, 53, 60, 55]  # A minor, F, C, G
    for index in range(n // beat):
        root = roots[(index // 4) % 4]
        notes = [
            root - 12,
            root,
            root + 4 - (root == 57),
            root + 7,
            69 + int(rng.choice([0, 3, 5, 7, 10, 12])),
        ]
        tone = sum(_note(midi, t) * (0.6 if k == 4 else 1.0) for k, midi in enumerate(notes))
        hat = rng.standard_normal(beat) * np.exp(-60 * t) * 0.3
        out[index * beat : (index + 1) * beat] += tone * envelope + np.diff(hat, prepend=0)
    audio = out[:n]
    return audio / np.sqrt(np.mean(audio**2))


def _note(midi: int, t: np.ndarray) -> np.ndarray:
    freq = 440 * 2 ** ((midi - 69) / 12)
    return sum(np.sin(2 * np.pi * freq * h * t) / h for h in (1, 2, 3))


def room_noise(seconds: float, seed: int) -> np.ndarray:
    """Pink noise plus a 120 Hz fan hum, at unit RMS."""
    rng = np.random.default_rng(seed)
    n = int(seconds * LISTEN_RATE)
    spectrum = np.fft.rfft(rng.standard_normal(n)) / np.sqrt(np.maximum(np.arange(n // 2 + 1), 1))
    noise = np.fft.irfft(spectrum, n)
    noise = noise / noise.std() + 0.3 * np.sin(2 * np.pi * 120 * np.arange(n) / LISTEN_RATE)
    return noise / noise.std()


def reverberant(speech: np.ndarray, rt60: float = 0.6, seed: int = 5) -> np.ndarray:
    """``speech`` in a room whose reverberation decays 60 dB in ``rt60`` seconds (a synthetic response)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(rt60 * LISTEN_RATE)) / LISTEN_RATE
    response = rng.standard_normal(len(t)) * 10 ** (-3 * t / rt60)
    response[0] = 4.0  # the direct sound
    wet = np.convolve(speech, response)
    return wet * np.sqrt(np.mean(speech**2) / np.mean(wet**2))


def session_bed(seconds: float, seed: int) -> np.ndarray:
    """What the player sends during a hold of a real ``--music`` session: voice-coach's own mixer (its
    bed's level, treble cut, duck and limiter) with ``music`` (``seed``) as the music file, under a
    spoken prompt ("Hold.", hibari) and then ``seconds`` of hold; int16 at 16 kHz, from the prompt's end
    (the bed coming back up after its duck) on. Cached."""
    path = CACHE / f"bed-{seconds:g}-{seed}.npy"
    if path.exists():
        return np.asarray(np.load(path))
    from voice_coach.audio.clip import Clip
    from voice_coach.audio.mixer import Mix
    from voice_coach.compiler.timeline import Pause, Say, Timeline

    prompt = spoken("Hold.", "hibari 1x")
    tune = music(min(seconds, 90.0), seed)
    blocks = (Pause(2000, "lead-in"), Say("Hold.", "step"), Pause(int(seconds * 1000) + 2000, "hold"))
    mix = Mix(
        Timeline("bed", "Bed", blocks),
        {"Hold.": _clip(Clip, prompt)}.__getitem__,
        LISTEN_RATE,
        music=_clip(Clip, tune),
    )
    start = 2 * LISTEN_RATE + len(prompt)
    samples = mix.samples(start, start + int(seconds * LISTEN_RATE))
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, samples)
    return samples


def _clip(clip: type, samples: np.ndarray) -> object:
    """``samples`` (any scale) as a 16 kHz int16 ``Clip`` peaking at -3 dBFS."""
    peak = np.abs(samples).max()
    return clip((samples * 23000 / peak).astype(np.int16), LISTEN_RATE)
