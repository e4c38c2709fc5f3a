"""Stage 1: routine and session files (TOML) → the immutable model; all validation, errors name the key."""
