# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The structure docs/design.md promises, read from the source with ``ast``: settings travel as
typed objects (no function over 9 parameters or 80 lines, no module_utils file over 400 lines),
features never import each other, and every error class descends from one root."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

MODULE_UTILS = Path(__file__).resolve().parents[2] / "plugins" / "module_utils"
PACKAGE = "ansible_collections.tagwarden.panos.plugins.module_utils."
FEATURES = ("_dag", "_quota", "_feeds", "_cloud")
MAX_PARAMETERS = 9
MAX_FUNCTION_LINES = 80
MAX_FILE_LINES = 400


def sources() -> Iterator[Tuple[str, ast.Module, int]]:
    for path in sorted(MODULE_UTILS.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        yield path.relative_to(MODULE_UTILS).as_posix(), ast.parse(text), len(text.splitlines())


def functions(tree: ast.Module) -> Iterator[ast.FunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node  # type: ignore[misc]


def parameter_count(node: ast.FunctionDef) -> int:
    args = node.args
    names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    return len([name for name in names if name not in ("self", "cls")])


def test_functions_take_at_most_nine_parameters_and_eighty_lines() -> None:
    over = []  # type: List[str]
    for name, tree, _lines in sources():
        for node in functions(tree):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if parameter_count(node) > MAX_PARAMETERS or length > MAX_FUNCTION_LINES:
                over.append("%s:%d %s (%d parameters, %d lines)"
                            % (name, node.lineno, node.name, parameter_count(node), length))
    assert over == []


def test_module_utils_files_are_at_most_four_hundred_lines() -> None:
    long_files = [(name, lines) for name, _tree, lines in sources() if lines > MAX_FILE_LINES]
    assert long_files == []


def imported_modules(tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            for alias in node.names:
                yield "%s.%s" % (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name


@pytest.mark.parametrize("feature", FEATURES)
def test_features_do_not_import_each_other(feature: str) -> None:
    others = tuple(PACKAGE + other + "." for other in FEATURES if other != feature)
    found = sorted({"%s imports %s" % (name, module) for name, tree, _lines in sources()
                    if name.startswith(feature + "/") for module in imported_modules(tree)
                    if (module + ".").startswith(others)})
    assert found == []


def test_every_error_descends_from_one_root() -> None:
    """Every exception class in module_utils derives, directly or not, from ``_errors.TagwardenError``."""
    bases = {}
    for _name, tree, _lines in sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases]

    def ancestors(name: str) -> List[str]:
        found = []  # type: List[str]
        for base in bases.get(name, ()):
            found.extend([base] + ancestors(base))
        return found

    errors = [name for name in bases if name != "TagwardenError"
              and any(issubclass(getattr(builtins, base), BaseException) for base in ancestors(name)
                      if isinstance(getattr(builtins, base, None), type))]
    assert len(errors) >= 18
    assert [name for name in errors if "TagwardenError" not in ancestors(name)] == []
