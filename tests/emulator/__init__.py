"""``python -m tests.emulator``: a thin alias of ``python -m panos_emulator`` (the emulator is that package)."""
