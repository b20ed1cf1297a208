"""Every module's and doc fragment's DOCUMENTATION, EXAMPLES and RETURN is YAML (a stray ': ' in a
description breaks ansible-doc for every module that takes the fragment)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml

PLUGINS = Path(__file__).resolve().parents[3] / "plugins"
SOURCES = sorted(PLUGINS.glob("doc_fragments/*.py")) + sorted(PLUGINS.glob("modules/*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: "%s/%s" % (p.parent.name, p.stem))
def test_every_documentation_block_parses(path: Path) -> None:
    module = importlib.import_module("ansible_collections.tagwarden.panos.plugins.%s.%s" % (path.parent.name, path.stem))
    holder = getattr(module, "ModuleDocFragment", module)
    blocks = {name: getattr(holder, name) for name in dir(holder) if name.isupper() and isinstance(getattr(holder, name), str)}
    assert blocks, "%s documents nothing" % path.name
    for name, text in blocks.items():
        yaml.safe_load(text)  # raises with the line and column
