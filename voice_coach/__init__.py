"""voice-coach: offline, voice-guided stretch and massage routines."""

__version__ = "0.1.0"
__all__ = ["__version__"]
