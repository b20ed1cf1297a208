"""PAN-OS XML API emulator for tests: ``python -m panos_emulator`` (see README.md)."""
