"""Phrase lengths guessed from word counts: a schedule before (or without) any synthesis (pure)."""

from __future__ import annotations

WORD_MS = 340
"""About 175 words a minute: espeak-ng's default rate, used until real phrase lengths are known."""
PHRASE_OVERHEAD_MS = 200


def estimate_ms(text: str) -> int:
    """A spoken phrase's length guessed from its word count."""
    return len(text.split()) * WORD_MS + PHRASE_OVERHEAD_MS
