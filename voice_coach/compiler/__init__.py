"""Stage 2: model + a run's choices → ``Timeline`` → ``Schedule`` (pure, no I/O, deterministic)."""
