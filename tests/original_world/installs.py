"""What the original skillshare (Go, v0.20.22) leaves in a source folder after ``install``,
written file by file: the skill or clone itself, its entry in ``<source>/.metadata.json``,
and for ``--track`` the managed block of ``<source>/.gitignore``.

Each function follows the original's files named in it (``internal/install/...``,
``internal/config/reconcile_core.go``). The same functions serve project mode: pass
``<project>/.skillshare/skills`` as ``source`` (the original also lists the install in the
project config's ``skills:`` and in ``.skillshare/.gitignore``; that part is the config's).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

METADATA = ".metadata.json"
BEGIN = "# BEGIN SKILLSHARE MANAGED - DO NOT EDIT"
END = "# END SKILLSHARE MANAGED"
# The fields of a MetadataEntry, in the order its struct declares them (metadata.go).
FIELDS = ("source", "kind", "type", "tracked", "group", "branch", "into", "installed_at",
          "repo_url", "subdir", "version", "tree_hash", "file_hashes")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def installed_at() -> str:
    """A Go ``time.Time`` as JSON (RFC 3339 with nanoseconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f000Z")


def file_hashes(folder: Path) -> dict[str, str]:
    """``ComputeFileHashes`` (meta.go): ``sha256:<hex>`` per file, ``.git`` skipped."""
    found = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            if name not in (METADATA, ".skillshare-meta.json"):
                path = Path(root, name)
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                found[path.relative_to(folder).as_posix()] = f"sha256:{digest}"
    return found


def save_entry(source: Path, key: str, entry: dict[str, Any]) -> Path:
    """``MetadataStore.Set`` + ``Save`` (metadata.go): ``{"version": 1, "entries": …}``,
    keys sorted, fields in struct order with empty ones left out, 2-space indent, a
    newline at the end, written to ``.metadata-*.tmp`` and renamed (mode 0644)."""
    path = source / METADATA
    store: dict[str, Any] = (json.loads(path.read_text()) if path.exists()
                             else {"version": 1, "entries": {}})
    entries = {**store["entries"], key: {k: entry[k] for k in FIELDS if entry.get(k)}}
    store["entries"] = dict(sorted(entries.items()))
    fd, temp = tempfile.mkstemp(prefix=".metadata-", suffix=".tmp", dir=source)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps(store, indent=2) + "\n")
    os.chmod(temp, 0o644)
    os.rename(temp, path)
    return path


def _place(source: Path, name: str, into: str | None) -> tuple[Path, str]:
    rel = f"{into}/{name}" if into else name
    return source / rel, rel


def write_copy_install(source: Path, remote_url: str, subdir: str, name: str | None = None,
                       into: str | None = None, branch: str | None = None) -> Path:
    """``install <remote_url>//<subdir> [--into D] [--branch B]``: the skill folder copied
    from a clone (install_apply.go ``installFromGitSubdir``) and its entry, keyed by its
    full path (``WriteMetaToStore``): type ``git-https-subdir`` (a ``file://`` remote is
    parsed as git over https, source.go ``parseFileURL``), the commit, the folder's tree."""
    dest, rel = _place(source, name or subdir.rsplit("/", 1)[-1], into)
    with tempfile.TemporaryDirectory(dir=source.parent) as temp:
        clone = Path(temp, "repo")
        git(Path(temp), "clone", "-q", "--depth", "1",
            *([f"--branch={branch}"] if branch else []), remote_url, str(clone))
        shutil.copytree(clone / subdir, dest)
        version = git(clone, "rev-parse", "HEAD")
        tree = git(clone, "rev-parse", f"HEAD:{subdir}")
    save_entry(source, rel, {
        "source": f"{remote_url}//{subdir}", "type": "git-https-subdir", "group": into,
        "branch": branch, "installed_at": installed_at(), "repo_url": remote_url,
        "subdir": subdir, "version": version, "tree_hash": tree,
        "file_hashes": file_hashes(dest)})
    return dest


def write_local_install(source: Path, folder: Path, name: str | None = None,
                        into: str | None = None) -> Path:
    """``install /abs/folder [--into D]``: a plain copy (install_apply.go
    ``installFromLocal``) and its entry of type ``local`` (no repo_url, no version)."""
    dest, rel = _place(source, name or folder.name, into)
    shutil.copytree(folder, dest)
    save_entry(source, rel, {"source": str(folder), "type": "local", "group": into,
                             "installed_at": installed_at(), "file_hashes": file_hashes(dest)})
    return dest


def add_to_gitignore(folder: Path, entry: str) -> None:
    """``UpdateGitIgnore`` (gitignore.go): ``entry/`` inside the managed block, the block
    added at the end (after a blank line) when the file has none."""
    path = folder / ".gitignore"
    lines = path.read_text().rstrip("\n").split("\n") if path.exists() else []
    lines = [] if lines == [""] else lines
    if BEGIN not in lines:
        lines += ([""] if lines else []) + [BEGIN, END]
    if f"{entry}/" not in lines:
        lines.insert(lines.index(END), f"{entry}/")
    path.write_text("\n".join(lines) + "\n")


def write_tracked_install(source: Path, remote_url: str, name: str | None = None,
                          into: str | None = None) -> Path:
    """``install <remote_url> --track [--name N] [--into D]``: a clone ``_<name>`` with its
    ``.git`` (install_tracked.go ``cloneTrackedRepo``: shallow, one branch), its line in
    the managed block of ``<source>/.gitignore``, and the entry ``ReconcileGlobalSkills``
    gives it (reconcile_core.go): the clone's origin URL, tracked, its current branch, the
    folder above as group, and file hashes when the repo is itself a skill."""
    repo = name or "-".join(remote_url.rstrip("/").removesuffix(".git").split("/")[-2:])
    dest, rel = _place(source, repo if repo.startswith("_") else f"_{repo}", into)
    dest.parent.mkdir(parents=True, exist_ok=True)
    git(dest.parent, "clone", "-q", "--depth", "1", "--single-branch", remote_url,
        str(dest))
    add_to_gitignore(source, rel)
    entry = {"source": git(dest, "remote", "get-url", "origin"), "tracked": True,
             "branch": git(dest, "rev-parse", "--abbrev-ref", "HEAD"), "group": into}
    if (dest / "SKILL.md").is_file():
        entry["file_hashes"] = file_hashes(dest)
    save_entry(source, rel, entry)
    return dest
