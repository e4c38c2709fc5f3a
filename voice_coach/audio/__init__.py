"""Stage 4: a schedule and its phrases → PCM: ``Clip``, WAV, DSP, chimes, music bed, loudness, the mix."""
