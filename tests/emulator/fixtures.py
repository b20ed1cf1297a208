"""Alias of :mod:`panos_emulator.process` (the fixtures themselves are :mod:`panos_emulator.pytest_plugin`)."""

from panos_emulator.process import ROOT, provider_for, start_emulator, stop_emulator

__all__ = ["ROOT", "provider_for", "start_emulator", "stop_emulator"]
