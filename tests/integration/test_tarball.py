"""The built tarball holds the collection and nothing else (galaxy.yml's build_ignore), and what it
holds installs and imports on its own, without the checkout."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.integration import tarball
from tests.integration.ansible_cli import BIN, ansible_env
from tools.sanity import copy_collection


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tarball.build(tmp_path_factory.mktemp("tarball"))


def test_the_tarball_holds_exactly_the_allowed_files(built: Path, tmp_path: Path) -> None:
    with tarfile.open(built) as archive:
        shipped = {member.name for member in archive.getmembers() if member.isfile()}
    checkout = tmp_path / "checkout"
    copy_collection(checkout)
    wanted = {str(path.relative_to(checkout)) for path in checkout.rglob("*") if path.is_file()}
    wanted = {path for path in wanted if tarball.allowed(path)} | {"MANIFEST.json", "FILES.json"}
    assert sorted(shipped - wanted) == [] and sorted(wanted - shipped) == []
    # what a user needs is there: the changelog (generated), the requirements the docs install
    assert {"CHANGELOG.rst", "changelogs/changelog.yaml", "requirements.txt", "meta/runtime.yml"} <= shipped


def test_the_installed_collection_imports_without_the_checkout(built: Path, tmp_path: Path) -> None:
    """Every plugin file of the installed copy imports with only the collections path on sys.path
    (nothing refers to tests/, tools/ or the doubles), and ansible-doc lists every module."""
    env = {**ansible_env(), "ANSIBLE_COLLECTIONS_PATH": str(tmp_path)}
    subprocess.run([str(BIN / "ansible-galaxy"), "collection", "install", "-p", str(tmp_path), str(built)],
                   cwd=tmp_path, env=env, check=True, capture_output=True)
    installed = tmp_path / "ansible_collections" / "tagwarden" / "panos"
    modules = sorted("ansible_collections.tagwarden.panos." + ".".join(path.relative_to(installed).with_suffix("").parts)
                     for path in (installed / "plugins").rglob("*.py") if path.name != "__init__.py")
    script = "import importlib, sys\nsys.path.insert(0, sys.argv[1])\nfor name in sys.argv[2:]:\n    importlib.import_module(name)\n"
    imported = subprocess.run([sys.executable, "-I", "-c", script, str(tmp_path), *modules], cwd=tmp_path,
                              capture_output=True, text=True, check=False)
    assert imported.returncode == 0, imported.stderr[-3000:]
    listing = subprocess.run([str(BIN / "ansible-doc"), "-l", "tagwarden.panos"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, check=True).stdout
    shipped = {path.stem for path in (installed / "plugins" / "modules").glob("*.py")}
    assert {line.split()[0] for line in listing.splitlines() if line.strip()} == {"tagwarden.panos." + name for name in shipped}
