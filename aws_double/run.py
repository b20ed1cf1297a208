"""``python -m aws_double.run [--region R] [--no-wait] -- CMD ARGS...``: run a command against a fresh AWS double (moto).

The command sees AWS_ENDPOINT_URL, AWS_REGION, AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY and AWS_DOUBLE_INFO (a JSON object: endpoint_url, region, access_key,
secret_key), empty AWS config files and no other AWS_* variable; its exit code becomes ours. The
command starts when moto answers (with ``--no-wait`` at once: it then waits itself, with
``aws_double.server.wait_until_answering``, as aws_double.demo does); moto's EC2 backend loads
meanwhile in the background. Chains with ``python -m panos_emulator.run -- ...`` (make demo).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from double_server.serving import split_command

from .server import REGION, MotoServer


def main(argv: list[str]) -> int:
    """``[--region R] [--no-wait] -- CMD ARGS``."""
    options, command = split_command(argv)
    parser = argparse.ArgumentParser(prog="python -m aws_double.run", usage="%(prog)s [--region REGION] [--no-wait] -- CMD [ARGS...]")
    parser.add_argument("--region", default=REGION, help="the region the command is given (default %(default)s)")
    parser.add_argument("--no-wait", action="store_true", help="start the command before moto answers")
    args = parser.parse_args(options)
    if not command:
        parser.print_usage(sys.stderr)
        return 2
    aws = MotoServer(region=args.region).launch()
    try:
        if not args.no_wait:
            aws.wait()
        aws.warm(wait=args.no_wait)  # while the command starts (make demo: while the other stories run)
        return subprocess.call(command, env=aws.environment(os.environ))
    finally:
        aws.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
