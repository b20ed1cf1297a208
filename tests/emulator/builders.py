"""Alias of :mod:`panos_emulator.builders`."""

from panos_emulator.builders import VSYS, config, dag, make_state, members, report, rule

__all__ = ["VSYS", "config", "dag", "make_state", "members", "report", "rule"]
