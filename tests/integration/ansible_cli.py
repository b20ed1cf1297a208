"""Run this collection's modules and playbooks with the Ansible command line, as a user would.

Used by the integration tests and the benchmarks: the environment points Ansible at this checkout
(build/collections), keeps its files under build/, and takes the firewall from ``PANOS_*``
variables only when the caller gives them (a caller's own ``PANOS_*`` never leak in).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COLLECTIONS = ROOT / "build" / "collections"


def link_collection() -> Path:
    """Make ``build/collections/ansible_collections/tagwarden/panos`` point at this checkout."""
    link = COLLECTIONS / "ansible_collections" / "tagwarden" / "panos"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        try:
            link.symlink_to(ROOT, target_is_directory=True)
        except FileExistsError:  # another process made it first
            pass
    return COLLECTIONS


def ansible_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PANOS_")}
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(link_collection()), "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable, "ANSIBLE_LOCAL_TEMP": str(ROOT / "build" / "ansible-tmp"),
        "ANSIBLE_HOME": str(ROOT / "build" / "ansible-home"), "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false", "PYTHONWARNINGS": "ignore",
    })
    env.update(extra or {})
    return env


def panos_env(provider: Mapping[str, Any]) -> dict[str, str]:
    """The ``PANOS_*`` variables that stand for a provider dict."""
    return {"PANOS_IP_ADDRESS": str(provider["ip_address"]), "PANOS_PORT": str(provider["port"]),
            "PANOS_USERNAME": provider["username"], "PANOS_PASSWORD": provider["password"], "PANOS_CA_PATH": provider["ca_path"]}


def adhoc(module: str, args: Mapping[str, Any], *flags: str, env: Mapping[str, str] | None = None) -> tuple[dict[str, Any], str]:
    """``ansible localhost -m tagwarden.panos.<module> -a <json> [flags]``: (result, stdout + stderr).

    The ad-hoc output states a failure only in its header line, so ``failed`` is set from it.
    """
    command = [str(BIN / "ansible"), "localhost", "-i", "localhost,", "-c", "local", "-m", "tagwarden.panos." + module,
               "-a", json.dumps(args), *flags]
    proc = subprocess.run(command, cwd=ROOT, env=ansible_env(env), capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL, check=False)
    match = re.search(r"^localhost \| ([A-Z!]+) => ", proc.stdout, re.MULTILINE)
    assert match, proc.stdout + proc.stderr
    result, _end = json.JSONDecoder().raw_decode(proc.stdout, match.end())
    result.setdefault("failed", match.group(1) == "FAILED!")
    return result, proc.stdout + proc.stderr


def playbook(path: Path | str, *flags: str, env: Mapping[str, str] | None = None, timeout: int = 600,
             cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``ansible-playbook PATH [flags]`` (no inventory unless the flags give one), PATH a file or a
    playbook's name (``tagwarden.panos.quota_cycle``)."""
    command = [str(BIN / "ansible-playbook"), str(path), *flags]
    return subprocess.run(command, cwd=cwd, env=ansible_env(env), capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, check=False)
