"""Test set-up shared by every test directory.

Collection code is imported as ``ansible_collections.tagwarden.panos``: a symlink farm under
``build/collections`` points that name at this checkout, for imports here and for the
``ansible-playbook`` runs that tests start.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = ROOT / "build" / "collections"
LINK = COLLECTIONS / "ansible_collections" / "tagwarden" / "panos"

if not LINK.exists():
    LINK.parent.mkdir(parents=True, exist_ok=True)
    try:
        LINK.symlink_to(ROOT, target_is_directory=True)
    except FileExistsError:  # another xdist worker made it first
        pass

if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))
os.environ["ANSIBLE_COLLECTIONS_PATH"] = str(COLLECTIONS)
os.environ.setdefault("ANSIBLE_COLLECTIONS_SCAN_SYS_PATH", "false")

pytest_plugins = ["tests.emulator.fixtures"]
