"""``python -m tests.emulator``: an alias of ``python -m panos_emulator``."""

import sys

from panos_emulator.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
