"""The emulator's own tests use its pytest plugin (and nothing from the collection)."""

pytest_plugins = ["lumu_emulator.pytest_plugin"]
