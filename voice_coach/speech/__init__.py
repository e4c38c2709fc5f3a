"""Stage 3: phrases → audio: engines behind one interface, the phrase cache, synthesis in worker processes."""
