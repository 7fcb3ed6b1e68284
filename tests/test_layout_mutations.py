"""Only the fsops modules change the filesystem.

Every module of the engine and the CLI is read as a syntax tree; a call that creates,
writes, moves, links, changes the mode of or deletes an entry fails this test unless it is
in an fsops module (``skillshared/engine/fsops*.py``) or in a module of the allow-list below,
which keeps the daemon's own state (its locks, its socket, its logs).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

OS_MUTATORS = frozenset({"rename", "replace", "symlink", "unlink", "remove", "rmdir", "mkdir",
                         "makedirs", "chmod", "link", "truncate", "renames", "removedirs"})
SHUTIL_MUTATORS = frozenset({"rmtree", "copy", "copy2", "copyfile", "copytree", "move",
                             "copymode", "copystat"})
PATH_MUTATORS = frozenset({"write_text", "write_bytes", "mkdir", "unlink", "rename", "replace",
                           "symlink_to", "touch", "rmdir", "chmod", "hardlink_to"})
WRITE_MODES = frozenset("wax+")
CREATING_FLAGS = frozenset({"O_CREAT", "O_TRUNC", "O_APPEND"})

# Modules (relative to the project root) that may change the filesystem outside fsops, and
# why. Only the daemon's and the CLI's own state belongs here, never a user's data.
ALLOWED: dict[str, str] = {
    # the daemon's socket: made private (0600, its folder 0700), and removed when it stops
    # or when a stale one is in the way
    "skillshared/daemon/server.py": "the daemon's socket",
    "skillshared/daemon/server_socket.py": "the daemon's socket",
    # ops.lock and daemon.lock: opened (made 0600 if missing) to hold an flock
    "skillshared/store/locking.py": "the lock files",
}


def _is_fsops(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return rel.startswith("skillshared/engine/") and (name == "fsops.py"
                                                        or name.startswith("fsops_"))


def _owner(call: ast.Call) -> str:
    """The name the called attribute is looked up on (``os`` in ``os.rename``), or ""."""
    assert isinstance(call.func, ast.Attribute)
    value = call.func.value
    return value.id if isinstance(value, ast.Name) else ""


def _mode(call: ast.Call, position: int) -> str | None:
    """The literal ``mode`` of an ``open`` call (None: not given as a literal)."""
    node = call.args[position] if len(call.args) > position else None
    for keyword in call.keywords:
        if keyword.arg == "mode":
            node = keyword.value
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _creates(call: ast.Call) -> bool:
    """Whether an ``os.open`` call's flags create, empty or append to a file."""
    flags = call.args[1] if len(call.args) > 1 else None
    names = {n.attr for n in ast.walk(flags) if isinstance(n, ast.Attribute)} if flags else set()
    return bool(names & CREATING_FLAGS)


def _attribute_call(call: ast.Call) -> str | None:
    assert isinstance(call.func, ast.Attribute)
    attr, owner = call.func.attr, _owner(call)
    if owner == "os" and attr == "open":
        return "os.open(O_CREAT/O_TRUNC/O_APPEND)" if _creates(call) else None
    if owner == "os":
        return f"os.{attr}" if attr in OS_MUTATORS else None
    if owner == "shutil":
        return f"shutil.{attr}" if attr in SHUTIL_MUTATORS else None
    if owner == "fsops" or owner.startswith("fsops_"):
        return None
    if attr == "open":
        mode = _mode(call, 0 if owner not in ("io", "os") else 1)
        return f".open({mode!r})" if mode and set(mode) & WRITE_MODES else None
    if attr not in PATH_MUTATORS:
        return None
    if attr == "replace" and (owner == "dataclasses" or len(call.args) != 1 or call.keywords):
        return None  # str.replace(old, new), dataclasses.replace(obj, **changes)
    return f".{attr}()"


def _imported(node: ast.ImportFrom | ast.Import) -> list[str]:
    """A mutating function imported by name (``from os import rename``: called later without
    ``os.``), or ``os`` / ``shutil`` under another name."""
    if isinstance(node, ast.Import):
        return [f"import {a.name} as {a.asname}" for a in node.names
                if a.name in ("os", "shutil") and a.asname]
    mutators = {"os": OS_MUTATORS, "shutil": SHUTIL_MUTATORS}.get(node.module or "", ())
    return [f"from {node.module} import {a.name}" for a in node.names if a.name in mutators]


def mutations(source: str) -> list[tuple[int, str]]:
    """``(line, call)`` of every call in ``source`` that may change the filesystem."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found += [(node.lineno, what) for what in _imported(node)]
        if not isinstance(node, ast.Call):
            continue
        what: str | None = None
        if isinstance(node.func, ast.Attribute):
            what = _attribute_call(node)
        elif isinstance(node.func, ast.Name) and node.func.id == "open":
            mode = _mode(node, 1)
            what = f"open({mode!r})" if mode and set(mode) & WRITE_MODES else None
        if what is not None:
            found.append((node.lineno, what))
    return sorted(found)


def _modules() -> list[Path]:
    return sorted([*(ROOT / "skillshared").rglob("*.py"), *(ROOT / "cli").rglob("*.py")])


def test_only_fsops_mutates() -> None:
    offending = []
    for path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        if _is_fsops(rel) or rel in ALLOWED:
            continue
        offending += [f"{rel}:{line}: {what}" for line, what in
                      mutations(path.read_text(encoding="utf-8"))]
    for line in offending:
        print(line)
    assert not offending, "calls that change the filesystem outside fsops:\n" + "\n".join(
        offending)


def test_allow_list_is_current() -> None:
    """Every module on the allow-list exists and still needs to be there."""
    for rel in ALLOWED:
        path = ROOT / rel
        assert path.is_file(), f"{rel} is on the allow-list but does not exist"
        assert mutations(path.read_text(encoding="utf-8")), (
            f"{rel} no longer changes the filesystem: drop it from the allow-list")


PLANTED = '''
import os, shutil
from pathlib import Path
from os import path, unlink
import shutil as sh

def harmless(path: Path, text: str) -> None:
    text.replace("a", "b")
    os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    open(path).read()
    open(path, "rb").read()
    path.read_text()
    os.path.join("a", "b")

def sneaky(path: Path) -> None:
    os.rename("a", "b")
    shutil.rmtree("c")
    path.write_text("x")
    path.with_suffix(".old").replace(path)
    with open(path, mode="a") as handle:
        handle.write("x")
    path.open("w")
    os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
'''


def test_checker_catches_planted_violations() -> None:
    found = mutations(PLANTED)
    assert found == [(4, "from os import unlink"), (5, "import shutil as sh"),
                     (16, "os.rename"), (17, "shutil.rmtree"), (18, ".write_text()"),
                     (19, ".replace()"), (20, "open('a')"), (22, ".open('w')"),
                     (23, "os.open(O_CREAT/O_TRUNC/O_APPEND)")]
