"""``python -m tests.emulator.run -- CMD ARGS...``: an alias of ``python -m panos_emulator.run``."""

import sys

from panos_emulator.run import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
