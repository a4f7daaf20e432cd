"""Layers import one way: text -> model -> parse -> rdf -> validate -> build -> store -> api,
with the command line on top. Every module of the package belongs to a layer, and no module
imports one of a layer it may not use (found by walking every module's imports with ``ast``,
relative and absolute, deferred and ``TYPE_CHECKING`` ones too)."""

from __future__ import annotations

import ast
from pathlib import Path

import beskgraph

PACKAGE = Path(beskgraph.__file__).parent

# The first part of a module's name under beskgraph -> its layer.
LAYER_OF = {
    # below every layer: settings, the shipped data, vocabularies, text, formats, processes
    "__init__": "base",
    "config": "base",
    "vocabulary": "base",
    "text": "base",
    "decoding": "base",
    "fuzzy": "base",
    "isolation": "base",
    "formats": "base",
    "workers": "base",
    "cpu_limit": "base",
    "model": "model",
    "reference": "model",
    "parse": "parse",
    "rdf": "rdf",
    "validate": "validate",
    "build": "build",
    "reading": "build",
    "cache": "build",
    "clashes": "build",
    "changes": "build",
    "output": "build",
    "query": "store",
    "store": "store",
    "derived": "derived",
    "aggregates": "derived",
    "search": "derived",
    "api": "api",
    "sync": "top",
    "launch": "top",
    "cli": "top",
}
# Each layer -> the layers its modules may import (besides their own).
MAY_USE = {
    "base": set(),
    "model": {"base"},
    "parse": {"base", "model"},
    "rdf": {"base", "model"},  # not parse: the records carry all the mapping needs
    "validate": {"base", "model", "rdf"},
    "build": {"base", "model", "parse", "rdf", "validate"},
    "store": {"base"},  # a quad store knows nothing of the pipeline
    "derived": {"base", "store"},  # what is derived from a store's graphs (figures, the search index)
    "api": {"base", "model", "store", "derived"},
    "top": {"base", "model", "parse", "rdf", "validate", "build", "store", "derived", "api"},
}


def modules() -> list[tuple[str, Path]]:
    """Every module of the package as (dotted name under beskgraph, path)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts.pop()
        found.append((".".join(parts), path))
    return found


def imported(name: str, path: Path) -> set[str]:
    """The beskgraph modules ``name`` imports, as dotted names under beskgraph."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name.removeprefix("beskgraph.") for a in node.names if a.name.startswith("beskgraph.")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1] + ([node.module] if node.module else [])
                target = ".".join(base)
            elif node.module and node.module.split(".")[0] == "beskgraph":
                target = node.module.removeprefix("beskgraph").lstrip(".")
            else:
                continue
            out |= {target} if node.module else {_member(target, a.name) for a in node.names}
    return out


def _member(package: str, name: str) -> str:
    """``from package import name``: the submodule ``name``, or (an attribute) the package."""
    dotted = f"{package}.{name}" if package else name
    where = PACKAGE.joinpath(*dotted.split("."))
    if where.is_dir() or where.with_suffix(".py").exists():
        return dotted
    return package or "__init__"


def layer(name: str) -> str:
    return LAYER_OF[name.split(".")[0]]


def test_every_module_has_a_layer() -> None:
    names = [name for name, _ in modules()]
    assert len(names) > 100
    assert [n for n in names if n.split(".")[0] not in LAYER_OF] == []


def test_no_import_goes_up_the_pipeline() -> None:
    wrong = []
    checked = 0
    for name, path in modules():
        for target in imported(name, path):
            checked += 1
            if layer(target) != layer(name) and layer(target) not in MAY_USE[layer(name)]:
                wrong.append(f"{name} ({layer(name)}) imports {target} ({layer(target)})")
    assert checked > 300
    assert wrong == []


def test_the_walker_sees_relative_and_absolute_imports(tmp_path: Path) -> None:
    source = tmp_path / "cards.py"
    source.write_text(
        "from ..parse.figures import x\nfrom . import iris, cards\nimport beskgraph.store.base\n"
        "from beskgraph.api import app\nfrom .. import __version__\n",
        encoding="utf-8",
    )
    assert imported("rdf.cards", source) == {
        "parse.figures",
        "rdf.iris",
        "rdf.cards",
        "store.base",
        "api",
        "__init__",
    }
