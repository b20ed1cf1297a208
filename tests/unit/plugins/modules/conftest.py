from tests.unit.plugins.modules.firewall import run_module  # noqa: F401  (the fixture)
