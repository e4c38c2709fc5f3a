"""Stage 6: the live player: steps over the schedule, a device sink, keys, the status line, history."""
