"""Harm done to a world of skills and targets, each test ending with the invariant checker
(I1-I5, see tests/invariants.py): what is not ours never changes, what the source holds
arrives, nothing of ours is left behind, and a second pass changes nothing."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skillshared import reconcile, service
from skillshared.paths import Paths
from tests.conftest import make_skill, write_config
from tests.invariants import Snapshot

CONFIG = """\
targets:
  claude:
    path: ~/.claude/skills
  cursor:
    path: ~/.cursor/skills
    mode: copy
  codex:
    path: ~/.codex/skills
    include: ['team-*', alpha]
"""


@pytest.fixture
def world(home: Path, source: Path) -> dict[str, Path]:
    """Skills (one nested, two for the filtered target), three targets (merge, copy, merge
    with a filter), each target holding a skill of the user's own."""
    write_config(home, CONFIG)
    for rel in ("alpha", "beta", "group/gamma", "team-one", "team-two"):
        make_skill(source, rel, files={"notes/ref.md": f"about {rel}\n"})
    targets = {name: home / f".{name}/skills" for name in ("claude", "cursor", "codex")}
    run_sync()
    for name, target in targets.items():
        make_skill(target, f"own-{name}", body="the user's own\n")
    return targets


def run_sync(**args: Any) -> dict[str, Any]:
    return service.run("sync", args, Paths.from_env())


def plant(folder: Path, kind: str, name: str, elsewhere: Path) -> None:
    entry = folder / name
    if os.path.lexists(entry):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if kind == "file":
        entry.write_text("a file of the user's")
    elif kind == "folder":
        make_skill(folder, name, body="a different real folder\n")
    elif kind == "foreign-link":
        elsewhere.mkdir(exist_ok=True)
        entry.symlink_to(elsewhere)
    elif kind == "broken-link":
        entry.symlink_to(elsewhere / "gone")
    else:  # a link loop
        entry.symlink_to(name)


KINDS = ["file", "folder", "foreign-link", "broken-link", "loop"]


@pytest.mark.parametrize("kind", KINDS)
def test_entries_of_the_users_at_skill_names(world: dict[str, Path], tmp_path: Path,
                                             kind: str) -> None:
    for target in world.values():
        plant(target, kind, "alpha", tmp_path / "elsewhere")
    snap = Snapshot.take()
    report = run_sync()
    for line in report["targets"]:
        assert "alpha" in [c["name"] for c in line["conflicts"]], line
    snap.check(report)


def test_the_user_deletes_one_of_our_links(world: dict[str, Path]) -> None:
    (world["claude"] / "beta").unlink()
    shutil.rmtree(world["cursor"] / "beta")
    snap = Snapshot.take()
    report = run_sync()
    assert os.path.islink(world["claude"] / "beta")
    snap.check(report)


def sync_harmed(monkeypatch: pytest.MonkeyPatch, harm: Callable[[], None]) -> dict[str, Any]:
    """A pass that meets ``harm`` after it has planned and before it changes anything."""
    real = reconcile._apply

    def apply(runs: Any, cache: Any) -> None:
        harm()
        real(runs, cache)

    with monkeypatch.context() as patch:
        patch.setattr(reconcile, "_apply", apply)
        return run_sync()


@pytest.mark.parametrize("kind", KINDS)
def test_an_entry_planted_between_planning_and_changing(
        world: dict[str, Path], source: Path, tmp_path: Path, kind: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    make_skill(source, "delta")
    taken: list[Snapshot] = []

    def harm() -> None:
        for target in world.values():
            plant(target, kind, "delta", tmp_path / "elsewhere")
        taken.append(Snapshot.take())

    report = sync_harmed(monkeypatch, harm)
    for line in report["targets"][:2]:  # (codex does not take delta)
        assert line["status"] in ("warning", "error"), line
    taken[0].check(run_sync())


def test_a_target_folder_swapped_for_a_link_to_a_decoy_mid_pass(
        world: dict[str, Path], source: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    for rel in ("delta", "epsilon"):
        make_skill(source, rel)
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    (decoy / "precious.txt").write_text("do not touch")
    claude = world["claude"]
    moved = claude.with_name("skills-moved")

    def harm() -> None:
        claude.rename(moved)
        claude.symlink_to(decoy)

    sync_harmed(monkeypatch, harm)
    assert sorted(os.listdir(decoy)) == ["precious.txt"], "something was written in the decoy"
    # the user puts the folder back; the next pass converges
    claude.unlink()
    moved.rename(claude)
    snap = Snapshot.take()
    snap.check(run_sync())


@pytest.mark.parametrize("harm", ["moved away", "emptied", "80% deleted"])
def test_the_mass_delete_guard(world: dict[str, Path], home: Path, source: Path,
                               harm: str) -> None:
    for i in range(20):
        make_skill(source, f"bulk-{i:02d}")
    run_sync()
    before = {name: sorted(os.listdir(t)) for name, t in world.items()}
    if harm == "moved away":
        source.rename(source.with_name("skills-elsewhere"))
    elif harm == "emptied":
        for entry in source.iterdir():
            shutil.rmtree(entry)
    else:
        for i in range(20):
            shutil.rmtree(source / f"bulk-{i:02d}")
    try:
        report = run_sync()
    except Exception as exc:  # a missing source is refused before anything is looked at
        assert harm == "moved away" and "source folder does not exist" in str(exc)
    else:
        assert any(t["guard"] for t in report["targets"]) or harm == "emptied", report
    after = {name: sorted(os.listdir(t)) for name, t in world.items()}
    assert after == before, "links were pruned"


@pytest.mark.parametrize("name", ["-rf", "x" * 200 + "/" + "y" * 100, "ünïcode",
                                  "with space", "a:b", "group/..hidden/-x"])
def test_odd_skill_names_are_reported_and_never_linked(world: dict[str, Path], source: Path,
                                                       name: str) -> None:
    folder = source / name
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text("---\nname: odd\n---\nbody\n")
    snap = Snapshot.take()
    report = run_sync()
    assert name in [i["path"] for i in report["invalid"]], report["invalid"]
    for target in world.values():
        assert not os.path.lexists(target / name.replace("/", "__")[:255])
    snap.check(report)


def test_a_skill_linking_to_secrets_is_not_linked(world: dict[str, Path], home: Path,
                                                  source: Path) -> None:
    ssh = home / ".ssh"
    ssh.mkdir()
    (ssh / "id_ed25519").write_text("PRIVATE KEY")
    sneaky = make_skill(source, "sneaky")
    (sneaky / "keys").symlink_to(ssh)
    report = run_sync()
    assert "sneaky" in [i["path"] for i in report["invalid"]]
    for target in world.values():
        assert not os.path.lexists(target / "sneaky")
    shutil.rmtree(sneaky)
    Snapshot.take().check()


BOMB = ("a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n")


@pytest.mark.parametrize("frontmatter", [
    BOMB,
    "name: evil\nx: !!python/object/apply:os.system ['touch PWNED']\n",
    "name: big\ndescription: " + "y" * 300_000 + "\n",
    "name: [unclosed\n",
])
def test_hostile_frontmatter_is_synced_and_reported(world: dict[str, Path], source: Path,
                                                    home: Path, frontmatter: str) -> None:
    make_skill(source, "hostile", frontmatter=frontmatter)
    snap = Snapshot.take()
    report = run_sync()
    reported = "hostile" in [p["path"] for p in report["frontmatter"]]
    assert reported or frontmatter == BOMB  # (the bomb is a valid, small, shared structure)
    assert os.path.islink(world["claude"] / "hostile")
    assert not list(home.rglob("PWNED")) and not Path("PWNED").exists()
    snap.check(report)
