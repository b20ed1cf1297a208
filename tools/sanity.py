"""Run `ansible-test sanity` on a clean copy of the collection.

ansible-test wants the collection at .../ansible_collections/<namespace>/<name> and scans
every file there, so the copy holds only the files git tracks or would track (no .venv,
no build output). Where the pip bootstrap script that ansible-test downloads cannot be
fetched, an offline stand-in is put in its cache first.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def copy_collection(copy: Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if not source.is_file():
            continue  # deleted in the work tree but still in the index
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def ensure_pip_bootstrap_script() -> None:
    import ansible_test

    requirements = Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
    match = re.search(r"pip='([0-9.]+)'", requirements.read_text())
    if not match:
        return
    version = match.group(1)
    cache = Path.home() / ".ansible" / "test" / "cache" / f"get_pip_{version.replace('.', '_')}.py"
    if cache.exists():
        return
    cache.parent.mkdir(parents=True, exist_ok=True)
    url = f"https://ci-files.testing.ansible.com/ansible-test/get-pip-{version}.py"
    try:
        with urllib.request.urlopen(url, timeout=15) as reply:
            cache.write_bytes(reply.read())
    except OSError:
        shutil.copy2(ROOT / "tools" / "get_pip_standin.py", cache)


def unreachable_requirements() -> list[str]:
    """The sanity tests whose requirements name a URL this machine cannot fetch (ansible-test 2.22's
    pylint requirements take dill from a GitHub archive): skipped, and said so, rather than failed."""
    import ansible_test

    skipped = []
    for path in sorted((Path(ansible_test.__file__).parent / "_data" / "requirements").glob("sanity.*.txt")):
        for url in re.findall(r"@ (https://\S+?)(?:#|\s|$)", path.read_text()):
            try:
                urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=15).close()
            except OSError as error:
                test = path.stem.split(".", 1)[1]
                print("sanity: skipping %s, its requirement %s cannot be fetched here (%s)" % (test, url, error))
                skipped.append(test)
                break
    return skipped


def main() -> int:
    # Outside this git work tree (inside it, ansible-test would ask git for the files and, build/
    # being ignored, find none), and one per run so that concurrent runs do not share a copy.
    scratch = Path(tempfile.mkdtemp(prefix="tagwarden-sanity-"))
    copy = scratch / "ansible_collections" / "tagwarden" / "panos"
    copy_collection(copy)
    ensure_pip_bootstrap_script()
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    command = [
        str(Path(sys.executable).parent / "ansible-test"), "sanity",
        "--python", python, "--local", "--requirements", "--color", "no", *sys.argv[1:],
    ]
    for test in unreachable_requirements():
        command += ["--skip-test", test]
    env = dict(os.environ)
    env.pop("ANSIBLE_COLLECTIONS_PATH", None)
    try:
        return subprocess.call(command, cwd=copy, env=env)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
