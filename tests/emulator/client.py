"""Alias of :mod:`panos_emulator.client`."""

from panos_emulator.client import EmulatorControl

__all__ = ["EmulatorControl"]
