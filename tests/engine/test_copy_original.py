"""Targets synced by the original Go skillshare keep working, with no ``--force``: its copy
manifest (``{"managed": {name: checksum | "symlink"}, "mtimes", "updated_at"}``) is read,
its unedited copies become ours, and nothing that is not ours is ever replaced or deleted."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from skillshared.core.config import DEFAULT_IGNORE
from skillshared.core.limits import Limits
from skillshared.core.patterns import IgnoreRules
from skillshared.engine import manifest_original, observe
from skillshared.engine.trees import TooLarge
from tests.conftest import CliRunner, make_skill, tree, write_config
from tests.original_world import copies

MANIFEST = ".skillshare-manifest.json"
COPY_CONFIG = "targets:\n  claude:\n    path: ~/.claude/skills\n    mode: copy\n"
NAMES = ["alpha", "beta", "group__gamma"]


def sync(cli: CliRunner, *args: str) -> dict[str, Any]:
    result = cli("sync", "--json", *args)
    assert result.code in (0, 1), result.err
    data: dict[str, Any] = result.json()
    assert len(data["results"]) >= 1
    return data


def line(cli: CliRunner, *args: str) -> dict[str, Any]:
    target: dict[str, Any] = sync(cli, *args)["results"][0]
    return target


def skills_only(target: Path) -> dict[str, tuple[str, str]]:
    """The target's tree without the manifest."""
    return {k: v for k, v in tree(target).items() if k != MANIFEST}


def manifest_of(target: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((target / MANIFEST).read_text())
    return data


@pytest.fixture
def world(home: Path, source: Path) -> dict[str, Path]:
    """Three skills, and a copy-mode target as the original's copy-mode sync left it."""
    for rel in ("alpha", "beta", "group/gamma"):
        make_skill(source, rel, files={"notes/ref.md": f"about {rel}\n"})
    (source / "beta/run.sh").write_text("echo run\n")
    (source / "beta/run.sh").chmod(0o755)
    write_config(home, COPY_CONFIG)
    target = home / ".claude/skills"
    copies.write_copy_target(target, source, NAMES)
    return {"source": source, "target": target}


# -- the checksum -----------------------------------------------------------------------------

def hand_checksum(files: list[tuple[str, bytes]]) -> str:
    """SHA-256 of ``path NUL content NUL`` for each file, sorted by path (as bytes)."""
    total = hashlib.sha256()
    for rel, content in sorted(files, key=lambda f: f[0].encode()):
        total.update(rel.encode() + b"\0" + content + b"\0")
    return total.hexdigest()


def test_the_checksum_is_the_originals(tmp_path: Path) -> None:
    skill = tmp_path / "skill"
    shared = tmp_path / "shared"
    (shared / "deep").mkdir(parents=True)
    (shared / "deep/ref.md").write_text("shared ref\n")
    for rel, text in {"SKILL.md": "---\nname: skill\n---\nbody\n", "a-b.md": "dash\n",
                      "a/c.md": "in a\n", "a.md": "dot\n", ".hidden": "kept\n",
                      ".DS_Store": "x", "__pycache__/m.pyc": "x", ".git/HEAD": "x",
                      "sub/.git/config": "x", "sub/__pycache__/n.pyc": "x",
                      "sub/.DS_Store": "x", "sub/x.log": "log\n"}.items():
        (skill / rel).parent.mkdir(parents=True, exist_ok=True)
        (skill / rel).write_text(text)
    (skill / "empty").mkdir()
    (skill / "linked").symlink_to(shared)  # a link to a folder: walked at the link's path
    (skill / "alias.md").symlink_to("SKILL.md")  # a link to a file: its content
    expected = hand_checksum([
        ("SKILL.md", b"---\nname: skill\n---\nbody\n"), ("a-b.md", b"dash\n"),
        ("a/c.md", b"in a\n"), ("a.md", b"dot\n"), (".hidden", b"kept\n"),
        ("alias.md", b"---\nname: skill\n---\nbody\n"), ("linked/deep/ref.md", b"shared ref\n"),
        ("sub/x.log", b"log\n")])
    rules = IgnoreRules.parse(DEFAULT_IGNORE)
    assert manifest_original.checksum(str(skill), rules) == expected
    assert copies.checksum(skill) == expected  # the fixture writes the same
    # the config's ignore patterns are left out too (the original: defaults + `ignore:`)
    with_log = IgnoreRules.parse((*DEFAULT_IGNORE, "*.log"))
    assert manifest_original.checksum(str(skill), with_log) == hand_checksum([
        ("SKILL.md", b"---\nname: skill\n---\nbody\n"), ("a-b.md", b"dash\n"),
        ("a/c.md", b"in a\n"), ("a.md", b"dot\n"), (".hidden", b"kept\n"),
        ("alias.md", b"---\nname: skill\n---\nbody\n"), ("linked/deep/ref.md", b"shared ref\n")])
    assert manifest_original.checksum(str(shared)) == hand_checksum(
        [("deep/ref.md", b"shared ref\n")])


@pytest.mark.parametrize("trouble", ["broken link", "loop", "fifo", "too many"])
def test_the_checksum_fails_where_the_original_would_and_never_hangs(
        tmp_path: Path, trouble: str) -> None:
    skill = make_skill(tmp_path, "skill")
    if trouble == "broken link":
        (skill / "gone").symlink_to(tmp_path / "nowhere")
    elif trouble == "loop":
        (skill / "sub").mkdir()
        (skill / "sub/up").symlink_to(skill)
    elif trouble == "fifo":
        os.mkfifo(skill / "pipe")
    else:
        for n in range(5):
            (skill / f"f{n}").write_text("x")
    with pytest.raises(TooLarge if trouble == "too many" else OSError):
        manifest_original.checksum(str(skill), limits=Limits(max_files=3))


def test_the_fixture_writes_what_the_original_leaves(world: dict[str, Path]) -> None:
    target, source = world["target"], world["source"]
    data = manifest_of(target)
    assert list(data) == ["managed", "mtimes", "updated_at"]
    assert data["managed"]["alpha"] == hand_checksum([
        ("SKILL.md", (source / "alpha/SKILL.md").read_bytes()),
        ("notes/ref.md", b"about alpha\n")])
    newest = max((source / "alpha" / f).stat().st_mtime_ns for f in ("SKILL.md", "notes/ref.md"))
    assert data["mtimes"]["alpha"] == newest
    assert os.stat(target / "beta/run.sh").st_mode & 0o111
    assert tree(target / "group__gamma") == tree(source / "group/gamma")


# -- sync: copy mode ---------------------------------------------------------------------------

def test_a_no_op_sync_adopts_the_originals_copies_and_changes_no_skill(
        cli: CliRunner, world: dict[str, Path]) -> None:
    target = world["target"]
    (target / "alpha/__pycache__").mkdir()  # what running a script in the copy leaves
    (target / "alpha/__pycache__/x.pyc").write_text("x")
    before = skills_only(target)
    result = line(cli)
    assert result["conflicts"] == [] and result["changes"] == []
    assert result["up_to_date"] == 3 and result["local"] == 0
    assert skills_only(target) == before
    data = manifest_of(target)
    assert data["tool"] == "skillshared" and sorted(data["managed"]) == NAMES
    manifest = (target / MANIFEST).read_bytes()
    again = line(cli)
    assert again["changes"] == [] and again["conflicts"] == []
    assert (target / MANIFEST).read_bytes() == manifest and skills_only(target) == before


def test_a_copy_the_source_moved_on_from_is_updated(cli: CliRunner, world: dict[str, Path]) -> None:
    target, source = world["target"], world["source"]
    (source / "alpha/SKILL.md").write_text("---\nname: alpha\n---\nnewer\n")
    (source / "alpha/notes/ref.md").unlink()
    result = line(cli)
    assert result["conflicts"] == []
    assert result["updated"] == 1 and result["up_to_date"] == 2
    assert tree(target / "alpha") == tree(source / "alpha")
    (source / "alpha/SKILL.md").write_text("---\nname: alpha\n---\nnewest\n")
    assert line(cli)["updated"] == 1  # a later source edit reaches the copy too
    assert (target / "alpha/SKILL.md").read_text().endswith("newest\n")


def test_a_copy_edited_in_the_target_is_kept_and_reported(cli: CliRunner,
                                                          world: dict[str, Path]) -> None:
    target, source = world["target"], world["source"]
    (target / "beta/notes/ref.md").write_text("my edit\n")  # differs from both
    (target / "alpha/notes/ref.md").write_text("my edit\n")
    (source / "alpha/SKILL.md").write_text("---\nname: alpha\n---\nnewer\n")
    result = line(cli)
    assert sorted(c["name"] for c in result["conflicts"]) == ["alpha", "beta"]
    assert all("edited" in c["reason"] for c in result["conflicts"])
    assert (target / "beta/notes/ref.md").read_text() == "my edit\n"
    assert (target / "alpha/notes/ref.md").read_text() == "my edit\n"
    assert "newer" not in (target / "alpha/SKILL.md").read_text()
    again = line(cli)  # still kept on the next pass (the record stays unmatched)
    assert sorted(c["name"] for c in again["conflicts"]) == ["alpha", "beta"]
    assert (target / "beta/notes/ref.md").read_text() == "my edit\n"


def test_a_recorded_name_whose_folder_is_gone_is_copied_again(
        cli: CliRunner, world: dict[str, Path]) -> None:
    target, source = world["target"], world["source"]
    data = manifest_of(target)
    data["managed"]["left"] = "0" * 64  # a skill the original copied, since removed
    (target / MANIFEST).write_text(json.dumps(data))
    for name in ("alpha", "group__gamma"):
        for path in sorted((target / name).rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        (target / name).rmdir()
    result = line(cli)
    assert result["new"] == 2 and result["conflicts"] == [] and result["pruned"] == 0
    assert tree(target / "alpha") == tree(source / "alpha")
    assert sorted(manifest_of(target)["managed"]) == NAMES


def test_copies_of_skills_that_left_the_source_are_pruned_unless_edited(
        cli: CliRunner, home: Path, world: dict[str, Path]) -> None:
    target = world["target"]
    (target / "beta/notes/ref.md").write_text("my edit\n")
    write_config(home, COPY_CONFIG + "    exclude: [alpha, beta]\n")
    result = line(cli)
    assert not (target / "alpha").exists()
    assert (target / "beta/notes/ref.md").read_text() == "my edit\n"
    assert [c["name"] for c in result["conflicts"]] == ["beta"]
    assert result["pruned"] == 1


def test_a_dry_run_changes_nothing(cli: CliRunner, world: dict[str, Path]) -> None:
    target, source = world["target"], world["source"]
    (source / "alpha/SKILL.md").write_text("---\nname: alpha\n---\nnewer\n")
    before = tree(target)
    result = line(cli, "--dry-run")
    assert [c["action"] for c in result["changes"]] == ["update_copy"]
    assert result["conflicts"] == []
    assert tree(target) == before


def test_the_daemons_partial_pass_converts_the_manifest_too(world: dict[str, Path]) -> None:
    from skillshared.catalog import skills
    from skillshared.core import config_file
    from skillshared.core.paths import Paths
    from skillshared.engine import reconcile

    target, source = world["target"], world["source"]
    (source / "alpha/SKILL.md").write_text("---\nname: alpha\n---\nnewer\n")
    (source / "beta/SKILL.md").write_text("---\nname: beta\n---\nnewer\n")
    config = config_file.load(Paths.from_env().global_scope())
    report = reconcile.sync(config, skills.discover(config.source), names=["alpha"])
    result = report["targets"][0]
    assert result["conflicts"] == [] and result["error"] is None
    assert (target / "alpha/SKILL.md").read_text().endswith("newer\n")
    assert (target / "beta/SKILL.md").read_text().endswith("newer\n")  # a full pass
    assert sorted(manifest_of(target)["managed"]) == NAMES
    # from then on the manifest is ours, and partial passes stay partial
    (source / "group/gamma/SKILL.md").write_text("---\nname: gamma\n---\nnewer\n")
    report = reconcile.sync(config, skills.discover(config.source), names=["group__gamma"])
    assert [c["name"] for c in report["targets"][0]["changes"]] == ["group__gamma"]


def test_status_counts_the_originals_copies_as_synced(cli: CliRunner,
                                                      world: dict[str, Path]) -> None:
    (world["source"] / "alpha/SKILL.md").write_text("---\nname: alpha\n---\nnewer\n")
    make_skill(world["target"], "mine")
    result = cli("status", "--json")
    assert result.code == 0, result.err
    target = result.json()["targets"][0]
    assert (target["synced"], target["expected"], target["local"]) == (2, 3, 1)
    assert target["conflicts"] == [] and target["state"] == "needs sync"


def test_symlink_mode_takes_a_folder_holding_only_the_originals_copies(
        cli: CliRunner, home: Path, world: dict[str, Path]) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n    mode: symlink\n")
    result = line(cli)
    assert result["conflicts"] == [] and result["error"] is None
    assert os.readlink(world["target"]) == str(world["source"])


def test_files_the_config_ignores_do_not_make_a_copy_edited(cli: CliRunner, home: Path,
                                                            world: dict[str, Path]) -> None:
    write_config(home, "ignore: ['*.log']\n" + COPY_CONFIG)
    target = world["target"]
    (target / "alpha/run.log").write_text("a log the copy's script wrote\n")
    (target / "beta/.DS_Store").write_text("x")
    before = skills_only(target)
    result = line(cli)
    assert result["conflicts"] == [] and result["up_to_date"] == 3
    assert skills_only(target) == before


def test_a_merge_target_takes_the_originals_unedited_copies_as_ours(
        cli: CliRunner, home: Path, world: dict[str, Path]) -> None:
    target, source = world["target"], world["source"]
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    (source / "alpha/SKILL.md").write_text("---\nname: alpha\n---\nnewer\n")
    (target / "beta/notes/ref.md").write_text("my edit\n")
    result = line(cli)
    assert os.readlink(target / "alpha") == str(source / "alpha")
    assert os.readlink(target / "group__gamma") == str(source / "group/gamma")
    assert (target / "beta/notes/ref.md").read_text() == "my edit\n"
    assert [c["name"] for c in result["conflicts"]] == ["beta"]


# -- sync: merge mode --------------------------------------------------------------------------

def test_a_merge_target_with_the_originals_manifest_syncs_as_one_without(
        cli: CliRunner, home: Path, source: Path) -> None:
    for rel in ("alpha", "beta", "gone", "group/gamma"):
        make_skill(source, rel)
    write_config(home, "targets:\n  a:\n    path: ~/a\n  b:\n    path: ~/b\n")
    names = ["alpha", "beta", "gone", "group__gamma"]
    copies.write_merge_target(home / "a", source, names)
    copies.write_merge_target(home / "b", source, names)
    (home / "b" / MANIFEST).unlink()
    for target in (home / "a", home / "b"):
        make_skill(target, "mine")  # a user's folder ...
        (target / "beta").unlink()
        make_skill(target, "beta", body="a local beta\n")  # ... also at a recorded name
        (target / "stale").symlink_to(source / "stale")  # a broken link of ours
    for path in sorted((source / "gone").iterdir()):
        path.unlink()
    (source / "gone").rmdir()
    def collect(target: str) -> dict[str, list[str]]:
        found = cli("collect", target, "--dry-run", "--json").json()
        return {k: [i["name"] for i in found[k]]
                for k in ("collected", "same", "skipped_items")}

    assert collect("a") == collect("b") == {"collected": ["mine"], "same": [],
                                            "skipped_items": ["beta"]}
    report = sync(cli)
    a, b = report["results"]
    for key in ("linked", "local", "updated", "pruned", "changes", "conflicts", "local_entries"):
        assert a[key] == b[key], key
    assert a["pruned"] == 2 and a["local_entries"] == ["mine"]
    assert skills_only(home / "a") == skills_only(home / "b")
    assert (home / "a/beta/SKILL.md").read_text().endswith("a local beta\n")
    assert collect("a") == collect("b")


def test_merge_mode_never_deletes_a_real_folder_the_original_recorded_as_a_link(
        cli: CliRunner, home: Path, source: Path) -> None:
    make_skill(source, "alpha")
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    target = home / ".claude/skills"
    copies.write_merge_target(target, source, ["alpha"])
    data = manifest_of(target)
    data["managed"]["_private"] = "symlink"  # (the original prunes such a folder)
    (target / MANIFEST).write_text(json.dumps(data))
    make_skill(target, "_private")
    result = line(cli)
    assert (target / "_private/SKILL.md").exists()
    assert result["local_entries"] == ["_private"] and result["pruned"] == 0


def test_the_daemons_partial_pass_on_a_merge_target_with_the_originals_manifest(
        home: Path, source: Path) -> None:
    from skillshared.catalog import skills
    from skillshared.core import config_file
    from skillshared.core.paths import Paths
    from skillshared.engine import reconcile

    for rel in ("alpha", "beta"):
        make_skill(source, rel)
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    target = home / ".claude/skills"
    copies.write_merge_target(target, source, ["alpha"])
    config = config_file.load(Paths.from_env().global_scope())
    report = reconcile.sync(config, skills.discover(config.source), names=["beta"])
    result = report["targets"][0]
    assert result["conflicts"] == [] and [c["name"] for c in result["changes"]] == ["beta"]
    assert os.readlink(target / "beta") == str(source / "beta")
    assert os.readlink(target / "alpha") == str(source / "alpha")
    assert not (target / MANIFEST).exists()  # as our merge targets: no manifest


# -- collect -----------------------------------------------------------------------------------

def test_collect_does_not_offer_the_originals_copies(cli: CliRunner,
                                                     world: dict[str, Path]) -> None:
    target, source = world["target"], world["source"]
    (source / "alpha/SKILL.md").write_text("---\nname: alpha\n---\nnewer\n")  # moved on
    data = manifest_of(target)
    data["managed"]["beta"] = "f" * 64  # recorded otherwise, but as the source has it
    (target / MANIFEST).write_text(json.dumps(data))
    (target / "group__gamma/notes/ref.md").write_text("my edit\n")  # the user's edit
    make_skill(target, "mine")
    result = cli("collect", "claude", "--dry-run", "--json")
    assert result.code == 0, result.err
    found = result.json()
    offered = [i["name"] for i in found["collected"] + found["same"] + found["skipped_items"]]
    assert sorted(offered) == ["group__gamma", "mine"]


# -- a damaged or hostile manifest -------------------------------------------------------------

HOSTILE: dict[str, Any] = {
    "not json": "{not json",
    "managed is a list": {"managed": ["alpha"]},
    "managed is an empty list": {"managed": []},
    "a value is a number": {"managed": {"alpha": 1}},
    "a value is not a checksum": {"managed": {"alpha": "abc123"}},
    "mtimes is text": {"managed": {}, "mtimes": "x"},
    "a name climbs out": {"managed": {"../victim": "CHECKSUM"}},
    "a name holds a slash": {"managed": {"x/victim": "CHECKSUM"}},
    "a name is dot-dot": {"managed": {"..": "CHECKSUM"}},
    "a name is not text": {"managed": {"\ud800": "CHECKSUM"}},
    "a name is the manifest": {"managed": {MANIFEST: "CHECKSUM"}},
    "deeply nested": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_damaged_or_hostile_manifest_is_not_trusted(cli: CliRunner, home: Path, source: Path,
                                                      case: str) -> None:
    for rel in ("alpha", "beta"):
        make_skill(source, rel)
    write_config(home, COPY_CONFIG)
    target = home / ".claude/skills"
    victim = make_skill(target.parent, "victim")  # beside the target: never ours
    (target / "x").mkdir(parents=True)
    (target / "x/victim").symlink_to(victim)
    copies.copy_skill(source / "alpha", target / "alpha")
    (target / "alpha/SKILL.md").write_text("edited\n")
    make_skill(target, "left")  # a folder no source skill has
    content = HOSTILE[case]
    if not isinstance(content, str):
        content = json.dumps(content).replace("CHECKSUM", copies.checksum(victim))
    (target / MANIFEST).write_text(content)
    before = tree(target.parent)
    result = line(cli)
    assert [c["name"] for c in result["conflicts"]] == ["alpha", MANIFEST]
    assert "damaged" in result["conflicts"][1]["reason"]
    assert result["pruned"] == 0 and result["new"] == 1
    def kept(found: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
        return {k: v for k, v in found.items()
                if not k.startswith("skills/beta") and k != f"skills/{MANIFEST}"}

    assert kept(tree(target.parent)) == kept(before)
    assert observe.original_manifest(str(target)) is None  # now ours


def test_a_huge_manifest_is_damaged(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(observe, "MAX_MANIFEST_BYTES", 100)
    (tmp_path / MANIFEST).write_text(json.dumps({"managed": {f"s{n}": "symlink"
                                                             for n in range(50)}}))
    manifest = observe.read_manifest(str(tmp_path))
    assert manifest.problem and manifest.records == {}


# -- for doctor --------------------------------------------------------------------------------

def test_original_manifest_counts_what_the_original_recorded(
        cli: CliRunner, home: Path, world: dict[str, Path]) -> None:
    target, source = world["target"], world["source"]
    assert observe.original_manifest(str(target)) == {"copies": 3, "links": 0,
                                                      "problem": None}
    merge = home / "merge"
    copies.write_merge_target(merge, source, ["alpha", "beta"])
    assert observe.original_manifest(str(merge)) == {"copies": 0, "links": 2, "problem": None}
    (merge / MANIFEST).write_text('{"managed": {"alpha": 7}}')
    found = observe.original_manifest(str(merge))
    assert found is not None and "damaged" in found["problem"]
    assert observe.original_manifest(str(home / "nothing")) is None
    line(cli)
    assert observe.original_manifest(str(target)) is None  # ours now
