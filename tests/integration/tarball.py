"""The collection tarball as a user gets it: built with ``ansible-galaxy collection build`` from the
files git tracks (what a fresh clone holds), and the allowlist of what it may contain."""

from __future__ import annotations

import fnmatch
import subprocess
from pathlib import Path

from tests.integration.ansible_cli import BIN, ansible_env
from tools.sanity import copy_collection

# What a collection is: plugins, roles, the users' playbooks, meta, docs, extensions (EDA), the
# generated changelog, README, licence, the modules' Python requirements (which
# meta/execution-environment.yml names), and ansible-test's config (Automation Hub runs sanity on
# the tarball). MANIFEST.json and FILES.json are written by the build.
ALLOWED = ("plugins/*", "roles/*", "playbooks/*", "meta/*", "docs/*", "extensions/*", "changelogs/changelog.yaml",
           "CHANGELOG.rst", "CHANGELOG.md", "README.md", "COPYING", "requirements.txt", "tests/config.yml",
           "tests/sanity/*", "MANIFEST.json", "FILES.json")
# Allowed places that still hold files a user must not get (the demos write to the firewall).
REFUSED = ("playbooks/demo*",)


def allowed(path: str) -> bool:
    return (any(fnmatch.fnmatch(path, pattern) for pattern in ALLOWED)
            and not any(fnmatch.fnmatch(path, pattern) for pattern in REFUSED))


def build(directory: Path) -> Path:
    """Build the tarball from a clean copy of the checkout into ``directory``; return its path."""
    source = directory / "source"
    copy_collection(source)
    subprocess.run([str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(directory)],
                   cwd=source, env=ansible_env(), check=True, capture_output=True)
    tarball, = directory.glob("tagwarden-panos-*.tar.gz")
    return tarball
