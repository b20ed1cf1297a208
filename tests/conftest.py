"""Test set-up shared by every test directory.

Collection code is imported as ``ansible_collections.tagwarden.panos``: a symlink farm under
``build/collections`` points that name at this checkout, for imports here and for the
``ansible-playbook`` runs that tests start.
"""

import os
import sys
from typing import Any

import pytest

from tests.integration.ansible_cli import link_collection

COLLECTIONS = str(link_collection())
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)
os.environ["ANSIBLE_COLLECTIONS_PATH"] = COLLECTIONS
os.environ.setdefault("ANSIBLE_COLLECTIONS_SCAN_SYS_PATH", "false")

pytest_plugins = [
    "panos_emulator.pytest_plugin", "lumu_emulator.pytest_plugin", "aws_double.pytest_plugin", "tests.module_runner",
]

# Under pytest-xdist (make test: -n 2) the tests that share a costly server are one unit of work, run by
# one worker, which starts that server once; every other test goes on its own to whichever worker is free.
# (xdist's own --dist loadgroup renames node ids, which pytest 9 no longer allows.)
SHARED_SERVERS = {
    "moto": ("test_cloud_aws.py", "test_cloud_events.py", "test_cloud_rules.py", "test_aws_security_rules_facts.py",
             "test_aws_security_rules.py", "test_eda_rulebook.py"),
    "medallion": ("test_feed_taxii.py",),
    "panorama": ("test_panorama.py",),
}
UNIT_OF_FILE = {"tests/integration/" + name: group for group, names in SHARED_SERVERS.items() for name in names}


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    from xdist.scheduler import LoadScopeScheduling  # pylint: disable=import-outside-toplevel

    class SharedServerScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return UNIT_OF_FILE.get(nodeid.split("::", 1)[0], nodeid)

    return SharedServerScheduling(config, log)
