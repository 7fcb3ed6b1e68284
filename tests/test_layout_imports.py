"""The package tree is the architecture: imports point down the layers and never in a circle.

Every import counts, also one inside a function or under ``TYPE_CHECKING`` (a lazy import
is still a dependency). The layers, lowest first, as the README's architecture section
draws them: a module may import its own package and any package below it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# package (or top-level module) -> its layer; the CLI sits on top of everything
LAYERS = {
    "skillshared": 0,  # __init__: the version only
    "skillshared.core": 0,
    "skillshared.catalog": 1,
    "skillshared.engine": 2,
    "skillshared.store": 3,
    "skillshared.audit": 4,  # it imports only core
    "skillshared.git": 5,
    "skillshared.commands": 6,
    "skillshared.api": 7,
    "skillshared.web": 7,  # the dashboard: served by the daemon, calls what the socket calls
    "skillshared.daemon": 8,
    "skillshared.system": 8,
    "skillshare": 9,
}


def module_files() -> dict[str, Path]:
    found = {}
    for base, package in ((ROOT, "skillshared"), (ROOT / "cli", "skillshare")):
        for path in (base / package).rglob("*.py"):
            parts = path.relative_to(base).with_suffix("").parts
            found[".".join(parts).removesuffix(".__init__")] = path
    return found


def known_part(dotted: str, known: set[str]) -> str:
    """The longest known module that ``dotted`` names or is inside ("" for none)."""
    while dotted and dotted not in known:
        dotted = dotted.rpartition(".")[0]
    return dotted


def imported(source: str, name: str, known: set[str]) -> set[str]:
    """The known modules ``source`` (module ``name``) imports, wherever the import is."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".")[: -node.level]
                base = ".".join([*package, base] if base else package)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        for dotted in targets:
            module = known_part(dotted, known)
            if module and module != name and not name.startswith(module + "."):
                found.add(module)
    return found


def graph() -> dict[str, set[str]]:
    files = module_files()
    return {name: imported(path.read_text(), name, set(files)) for name, path in files.items()}


def layer(module: str) -> int:
    while module not in LAYERS:
        module = module.rpartition(".")[0]
    return LAYERS[module]


def cycles(edges: dict[str, set[str]]) -> Iterator[list[str]]:
    """The strongly connected parts of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                part = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    part.append(top)
                    if top == node:
                        break
                if len(part) > 1:
                    yield sorted(part)


def test_no_import_cycles() -> None:
    found = list(cycles(graph()))
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_imports_point_down_the_layers() -> None:
    upward = sorted(f"{module} (layer {layer(module)}) imports {target} (layer {layer(target)})"
                    for module, targets in graph().items() for target in targets
                    if layer(target) > layer(module))
    assert not upward, "imports that point up:\n" + "\n".join(upward)


def test_the_checks_see_lazy_and_type_only_imports() -> None:
    source = ("from typing import TYPE_CHECKING\n"
              "if TYPE_CHECKING:\n    from skillshared.commands.request import Request\n"
              "def f():\n    from skillshared.store import trash\n    from . import fsops\n")
    known = {"skillshared.commands.request", "skillshared.store.trash",
             "skillshared.engine.fsops"}
    assert imported(source, "skillshared.engine.apply", known) == known
    assert list(cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})) == [["a", "b", "c"]]
    assert not list(cycles({"a": {"b"}, "b": set()}))


def test_every_package_has_a_layer() -> None:
    packages = {name for name, path in module_files().items() if path.name == "__init__.py"}
    assert packages <= set(LAYERS), f"packages without a layer: {packages - set(LAYERS)}"
