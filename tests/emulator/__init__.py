"""Aliases kept for callers of the old location: the emulator is the top-level package ``panos_emulator``."""
