"""The execution environment (AWX / Automation Platform) and the decision environment (EDA) build
contexts, made by ``ansible-builder create`` as a user's ``ansible-builder build`` makes them (no
image is built here), and the collection's own dependency data as ansible-builder reads it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tests.integration.ansible_cli import BIN, ROOT, link_collection


def create(definition: str, context: Path) -> Path:
    proc = subprocess.run([str(BIN / "ansible-builder"), "create", "-f", str(ROOT / definition), "-c", str(context),
                           "--output-filename", "Containerfile"], cwd=context.parent, capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return context


@pytest.mark.parametrize("definition", ["execution-environment.yml", "decision-environment.yml"])
def test_the_environment_context_installs_the_collection_and_a_supported_core(definition: str, tmp_path: Path) -> None:
    context = create(definition, tmp_path / "context")
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile and "introspect.py introspect" in containerfile
    assert 'ANSIBLE_INSTALL_REFS="ansible-core>=2.16,<2.23 ansible-runner' in containerfile
    assert yaml.safe_load((context / "_build" / "requirements.yml").read_text())["collections"][0]["name"] == "tagwarden.panos"


def test_the_decision_environment_brings_ansible_rulebook_and_java(tmp_path: Path) -> None:
    context = create("decision-environment.yml", tmp_path / "context")
    assert "ansible-rulebook" in (context / "_build" / "requirements.txt").read_text()
    assert "java-17-openjdk" in (context / "_build" / "bindep.txt").read_text()


def test_ansible_builder_finds_the_collections_python_libraries() -> None:
    """What the build's introspection step reads: meta/execution-environment.yml -> requirements.txt."""
    proc = subprocess.run([str(BIN / "ansible-builder"), "introspect", "--sanitize", str(link_collection())],
                          capture_output=True, text=True, check=True)
    found = yaml.safe_load(proc.stdout.split("\n", 1)[1])
    wanted = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert [entry.split("  #")[0] for entry in found["python"]] == wanted and found["system"] == []
