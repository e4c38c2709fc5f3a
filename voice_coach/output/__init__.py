"""Stage 5: a rendered session → files: MP3/WAV, tags, chapters, cue sheets, split tracks, ``show`` text."""
