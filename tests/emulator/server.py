"""Alias of :mod:`panos_emulator.server`."""

from panos_emulator.server import EmulatorServer

__all__ = ["EmulatorServer"]
