"""Test set-up shared by every test directory.

Collection code is imported as ``ansible_collections.tagwarden.panos``: a symlink farm under
``build/collections`` points that name at this checkout, for imports here and for the
``ansible-playbook`` runs that tests start.
"""

import os
import sys

from tests.integration.ansible_cli import link_collection

COLLECTIONS = str(link_collection())
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)
os.environ["ANSIBLE_COLLECTIONS_PATH"] = COLLECTIONS
os.environ.setdefault("ANSIBLE_COLLECTIONS_SCAN_SYS_PATH", "false")

pytest_plugins = [
    "panos_emulator.pytest_plugin", "lumu_emulator.pytest_plugin", "aws_double.pytest_plugin", "tests.module_runner",
]
