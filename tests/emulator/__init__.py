"""PAN-OS XML API emulator for tests: ``python -m tests.emulator`` (see README.md)."""
