"""Offline stand-in for the get-pip.py script that ansible-test downloads.

ansible-test bootstraps pip in each environment it prepares by running a cached
get-pip script with pip's install arguments. Machines without access to the host
that serves that script use this instead: bootstrap pip from the standard
library's ensurepip, then install the requested pip with the same arguments.
"""

import os
import subprocess
import sys


def main() -> int:
    # get-pip.py options that `pip install` does not know.
    args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
    env = dict(os.environ)
    # ensurepip may leave this pointing at os.devnull, which hides the machine's pip settings.
    if env.get("PIP_CONFIG_FILE") == os.devnull:
        del env["PIP_CONFIG_FILE"]
    return subprocess.call([sys.executable, "-m", "pip", "install", *args], env=env)


if __name__ == "__main__":
    sys.exit(main())
