"""Partial reconcile passes (``reconcile.sync(..., names=...)``) on real folders.

The key property: after any partial pass over the names that changed, a full pass has
nothing left to do, and no entry that is not ours was touched.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillshared.catalog import skills
from skillshared.core.config_file import load
from skillshared.core.paths import Scope
from skillshared.engine import reconcile
from skillshared.engine.fsops import TAG_DELETE, temp_name
from skillshared.engine.observe import TEMP_FREE
from skillshared.engine.plan import DIR, NO_SOURCE, Observed, TargetSpec, plan_target
from tests.conftest import make_skill, tree, write_config

MANIFEST = ".skillshare-manifest.json"
MODES = ["merge", "copy"]


def run(scope: Scope, names: Collection[str] | None = None, **options: Any) -> dict[str, Any]:
    config = load(scope)
    return dict(reconcile.sync(config, skills.discover(config.source), names=names, **options))


def only_target(report: dict[str, Any]) -> dict[str, Any]:
    assert len(report["targets"]) == 1, report["targets"]
    line: dict[str, Any] = report["targets"][0]
    return line


def assert_settled(scope: Scope, *folders: Path) -> None:
    """A full pass plans nothing, and carrying it out changes nothing."""
    planned = run(scope, dry_run=True)
    assert [t["changes"] for t in planned["targets"]] == [[]] * len(planned["targets"])
    summary = planned["summary"]
    assert (summary["new"], summary["updated"], summary["pruned"]) == (0, 0, 0), summary
    before = [tree(f) for f in folders]
    done = run(scope)
    assert [t["changes"] for t in done["targets"]] == [[]] * len(done["targets"])
    assert [tree(f) for f in folders] == before


def remove_skill(source: Path, rel: str) -> None:
    shutil.rmtree(source / rel)


def config_text(mode: str, extra: str = "") -> str:
    return f"targets:\n  claude:\n    path: ~/.claude/skills\n    mode: {mode}\n{extra}"


@pytest.fixture
def target(home: Path) -> Path:
    return home / ".claude/skills"


def world(home: Path, source: Path, mode: str, count: int = 3, extra: str = "") -> list[str]:
    names = [f"s{index:02d}" for index in range(count)]
    for name in names:
        make_skill(source, name, files={"notes/ref.md": f"about {name}\n"})
    write_config(home, config_text(mode, extra))
    return names


def manifest_entries(target: Path) -> dict[str, Any]:
    entries: dict[str, Any] = json.loads((target / MANIFEST).read_text())["managed"]
    return entries


# -- the report ---------------------------------------------------------------------------------


def test_report_has_the_full_shape_and_says_partial(home: Path, source: Path, scope: Scope,
                                                    target: Path) -> None:
    world(home, source, "merge")
    full = run(scope)
    partial = run(scope, names=["s00"])
    assert full["partial"] is False and partial["partial"] is True
    assert set(partial) == set(full)
    assert set(only_target(partial)) == set(only_target(full))
    line = only_target(partial)
    assert (line["linked"], line["expected"], line["changes"]) == (1, 1, [])


def test_frontmatter_problems_of_the_named_skills_are_reported(home: Path, source: Path,
                                                                scope: Scope) -> None:
    world(home, source, "merge")
    run(scope)
    make_skill(source, "broken", frontmatter="name: [unclosed\n")
    make_skill(source, "also-broken", frontmatter="name: [unclosed\n")
    report = run(scope, names=["broken"])
    assert [p["path"] for p in report["frontmatter"]] == ["broken"]
    assert [p["path"] for p in run(scope)["frontmatter"]] == ["also-broken", "broken"]


def test_names_must_not_be_one_string(home: Path, source: Path, scope: Scope) -> None:
    world(home, source, "merge")
    with pytest.raises(TypeError):
        run(scope, names="s00")


def test_dry_run_changes_nothing(home: Path, source: Path, scope: Scope, target: Path) -> None:
    world(home, source, "merge")
    run(scope)
    make_skill(source, "fresh")
    before = tree(target)
    line = only_target(run(scope, names=["fresh"], dry_run=True))
    assert line["changes"] == [{"action": "link", "name": "fresh"}]
    assert tree(target) == before


# -- new, edited and removed skills ---------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_new_skill_is_put_in_place(home: Path, source: Path, scope: Scope, target: Path,
                                     mode: str) -> None:
    world(home, source, mode)
    run(scope)
    before = manifest_entries(target) if mode == "copy" else None
    make_skill(source, "fresh", files={"more.md": "more\n"})
    make_skill(source, "not-named-yet")
    line = only_target(run(scope, names=["fresh"]))
    assert [c["name"] for c in line["changes"]] == ["fresh"]
    assert not os.path.lexists(target / "not-named-yet")  # only the names are looked at
    if mode == "merge":
        assert os.readlink(target / "fresh") == str(source / "fresh")
    else:
        assert (target / "fresh/more.md").read_text() == "more\n"
        assert not (target / "fresh").is_symlink()
        after = manifest_entries(target)
        assert {n: v for n, v in after.items() if n != "fresh"} == before
    run(scope, names=["not-named-yet"])
    assert_settled(scope, target)


def test_an_edited_skill_is_copied_again_and_other_records_stay(home: Path, source: Path,
                                                                 scope: Scope, target: Path
                                                                 ) -> None:
    world(home, source, "copy", count=4)
    run(scope)
    raw_before = json.loads((target / MANIFEST).read_text())["managed"]
    (source / "s01/SKILL.md").write_text("---\nname: s01\n---\nrewritten, and longer\n")
    line = only_target(run(scope, names=["s01"]))
    assert line["changes"] == [{"action": "update_copy", "name": "s01"}]
    assert line["updated"] == 1
    assert "rewritten" in (target / "s01/SKILL.md").read_text()
    raw_after = json.loads((target / MANIFEST).read_text())["managed"]
    assert sorted(raw_after) == sorted(raw_before)
    for name in ("s00", "s02", "s03"):
        assert json.dumps(raw_after[name]) == json.dumps(raw_before[name])
    assert raw_after["s01"] != raw_before["s01"]
    assert_settled(scope, target)


def test_a_copy_edited_in_the_target_is_a_conflict(home: Path, source: Path, scope: Scope,
                                                  target: Path) -> None:
    world(home, source, "copy")
    run(scope)
    (target / "s00/notes/ref.md").write_text("my own notes, not the skill's\n")
    (source / "s00/SKILL.md").write_text("---\nname: s00\n---\nnew upstream text\n")
    before = tree(target / "s00")
    line = only_target(run(scope, names=["s00"]))
    assert [c["name"] for c in line["conflicts"]] == ["s00"]
    assert "edited" in line["conflicts"][0]["reason"]
    assert line["changes"] == []
    assert tree(target / "s00") == before
    assert_settled(scope, target)


@pytest.mark.parametrize("mode", MODES)
def test_a_deleted_skill_is_pruned(home: Path, source: Path, scope: Scope, target: Path,
                                   mode: str) -> None:
    world(home, source, mode)
    run(scope)
    remove_skill(source, "s01")
    line = only_target(run(scope, names=["s01"]))
    assert line["pruned"] == 1 and line["guard"] is None
    assert not os.path.lexists(target / "s01")
    assert sorted(os.listdir(target)) == (["s00", "s02"] if mode == "merge"
                                          else [MANIFEST, "s00", "s02"])
    if mode == "copy":
        assert sorted(manifest_entries(target)) == ["s00", "s02"]
    assert_settled(scope, target)


@pytest.mark.parametrize("mode", MODES)
def test_six_of_twenty_deleted_at_once_are_pruned(home: Path, source: Path, scope: Scope,
                                                  target: Path, mode: str) -> None:
    names = world(home, source, mode, count=20)
    run(scope)
    gone = names[:6]
    for name in gone:
        remove_skill(source, name)
    line = only_target(run(scope, names=gone))
    assert line["guard"] is None and line["pruned"] == 6
    assert not [n for n in gone if os.path.lexists(target / n)]
    assert_settled(scope, target)


@pytest.mark.parametrize("mode", MODES)
def test_the_guard_still_holds_back_a_mass_delete(home: Path, source: Path, scope: Scope,
                                                  target: Path, mode: str) -> None:
    names = world(home, source, mode, count=10)
    run(scope)
    gone = names[:8]
    for name in gone:
        remove_skill(source, name)
    full_view = only_target(run(scope, dry_run=True))
    line = only_target(run(scope, names=gone))
    assert line["guard"] == full_view["guard"] and "8 of 10" in line["guard"]
    assert all(os.path.lexists(target / n) for n in gone)
    assert_settled(scope, target)  # the full pass holds them back too
    forced = only_target(run(scope, names=gone, force=True))
    assert forced["pruned"] == 8


@pytest.mark.parametrize("mode", MODES)
def test_a_source_moved_away_prunes_nothing(home: Path, source: Path, scope: Scope,
                                            target: Path, mode: str) -> None:
    names = world(home, source, mode, count=8)
    run(scope)
    before = tree(target)
    source.rename(source.with_name("skills-moved"))
    line = only_target(run(scope, names=names))
    assert line["guard"] == NO_SOURCE
    assert line["pruned"] == 0 and line["changes"] == []
    assert tree(target) == before
    assert_settled(scope, target)


# -- entries that are not ours ------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["file", "folder", "link"])
def test_a_local_entry_at_a_new_skills_name_is_left_alone(home: Path, source: Path,
                                                          scope: Scope, target: Path,
                                                          tmp_path: Path, mode: str,
                                                          kind: str) -> None:
    world(home, source, mode)
    run(scope)
    entry = target / "fresh"
    if kind == "file":
        entry.write_text("mine")
    elif kind == "folder":
        make_skill(target, "fresh", body="my own version\n")
    else:
        (tmp_path / "elsewhere").mkdir()
        entry.symlink_to(tmp_path / "elsewhere")
    before = tree(target)
    make_skill(source, "fresh")
    line = only_target(run(scope, names=["fresh"]))
    assert [c["name"] for c in line["conflicts"]] == ["fresh"]
    assert line["changes"] == [] and line["status"] == "warning"
    assert {k: v for k, v in tree(target).items() if k != MANIFEST} == {
        k: v for k, v in before.items() if k != MANIFEST}
    assert_settled(scope, target)


@pytest.mark.parametrize("mode", MODES)
def test_names_that_are_neither_skills_nor_entries_change_nothing(
    home: Path, source: Path, scope: Scope, target: Path, mode: str
) -> None:
    world(home, source, mode)
    run(scope)
    make_skill(target, "mine")
    before = tree(target)
    odd = ["nothing-here", "", ".", "..", "a/b", "mine", MANIFEST,
           temp_name(TAG_DELETE, "s00")]
    line = only_target(run(scope, names=odd))
    assert line["changes"] == [] and line["conflicts"] == []
    assert line["local_entries"] == ["mine"]
    assert tree(target) == before
    assert_settled(scope, target)


# -- fallbacks to a full pass -------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_missing_target_folder_gets_a_full_pass(home: Path, source: Path, scope: Scope,
                                                  target: Path, mode: str) -> None:
    world(home, source, mode)
    line = only_target(run(scope, names=["s00"]))
    assert line["created_dir"] is True
    names = sorted(n for n in os.listdir(target) if n != MANIFEST)
    assert names == ["s00", "s01", "s02"]
    assert_settled(scope, target)


def test_crash_leftovers_get_a_full_pass(home: Path, source: Path, scope: Scope,
                                         target: Path) -> None:
    world(home, source, "merge")
    run(scope)
    leftover = target / temp_name(TAG_DELETE, "old")
    make_skill(leftover.parent, leftover.name)
    line = only_target(run(scope, names=["s00"]))
    assert line["changes"] == [] and line["linked"] == 3  # the whole target was looked at
    assert not os.path.lexists(leftover)  # finished before planning
    assert_settled(scope, target)


def test_leftovers_are_found_without_a_remembered_folder(home: Path, source: Path,
                                                         scope: Scope, target: Path) -> None:
    world(home, source, "merge")
    run(scope)
    leftover = target / temp_name(TAG_DELETE, "old")
    leftover.write_text("x")
    TEMP_FREE.forget(os.path.realpath(target))
    assert only_target(run(scope, names=["s00"]))["linked"] == 3
    assert not os.path.lexists(leftover)
    assert_settled(scope, target)


def test_a_damaged_copy_manifest_gets_a_full_pass(home: Path, source: Path, scope: Scope,
                                                  target: Path) -> None:
    world(home, source, "copy")
    run(scope)
    (target / MANIFEST).write_text("{not json")
    line = only_target(run(scope, names=["s00"]))
    assert "damaged" in {c["name"]: c["reason"] for c in line["conflicts"]}[MANIFEST]
    assert line["up_to_date"] == 3  # the whole target was looked at


def test_a_symlink_mode_target_gets_a_full_pass(home: Path, source: Path, scope: Scope,
                                                target: Path) -> None:
    world(home, source, "symlink")
    line = only_target(run(scope, names=["s00"]))
    assert line["changes"] == [{"action": "link_target", "name": ""}]
    assert os.readlink(target) == str(source)
    assert_settled(scope, target)


# -- filters, per-skill targets, shared folders, project mode -----------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_filters_and_skill_targets_are_respected(home: Path, source: Path, scope: Scope,
                                                 mode: str) -> None:
    write_config(home, "targets:\n"
                       f"  claude:\n    path: ~/.claude/skills\n    mode: {mode}\n"
                       "    include: ['team-*', codex-only]\n    exclude: ['*-draft']\n"
                       f"  codex:\n    path: ~/.codex/skills\n    mode: {mode}\n")
    make_skill(source, "solo")
    run(scope)
    make_skill(source, "team-a")
    make_skill(source, "team-b-draft")
    make_skill(source, "codex-only", frontmatter="name: codex-only\ntargets: [codex]\n")
    run(scope, names=["team-a", "team-b-draft", "codex-only"])
    claude, codex = home / ".claude/skills", home / ".codex/skills"
    assert sorted(n for n in os.listdir(claude) if n != MANIFEST) == ["team-a"]
    assert sorted(n for n in os.listdir(codex) if n != MANIFEST) == [
        "codex-only", "solo", "team-a", "team-b-draft"]
    # a skill that narrows its own targets leaves the others
    (source / "team-a/SKILL.md").write_text("---\nname: team-a\ntargets: [codex]\n---\nx\n")
    line = run(scope, names=["team-a"])["targets"][0]
    assert line["name"] == "claude" and line["pruned"] == 1
    assert not os.path.lexists(claude / "team-a")
    assert_settled(scope, claude, codex)


def test_targets_sharing_a_folder(home: Path, source: Path, scope: Scope) -> None:
    write_config(home, "targets:\n"
                       "  universal:\n    include: ['a-*']\n"
                       "  warp:\n    include: ['b-*']\n")
    make_skill(source, "a-one")
    run(scope)
    folder = home / ".agents/skills"
    make_skill(source, "b-two")
    make_skill(source, "c-three")
    report = run(scope, names=["b-two", "c-three"])
    assert [(t["name"], t["also"]) for t in report["targets"]] == [("universal", ["warp"])]
    assert sorted(os.listdir(folder)) == ["a-one", "b-two"]
    remove_skill(source, "a-one")
    assert only_target(run(scope, names=["a-one"]))["pruned"] == 1
    assert sorted(os.listdir(folder)) == ["b-two"]
    assert_settled(scope, folder)


def test_project_mode_writes_the_same_relative_links(work: Path, project_scope: Scope) -> None:
    (work / ".skillshare/config.yaml").write_text("targets:\n  - claude\n")
    project_source = work / ".skillshare/skills"
    make_skill(project_source, "alpha")
    run(project_scope)
    make_skill(project_source, "group/beta")
    only_target(run(project_scope, names=["group__beta"]))
    target = work / ".claude/skills"
    assert os.readlink(target / "group__beta") == "../../.skillshare/skills/group/beta"
    assert_settled(project_scope, target)


def test_only_limits_a_partial_pass_to_some_targets(home: Path, source: Path,
                                                    scope: Scope) -> None:
    write_config(home, "targets:\n  claude: {}\n  codex: {}\n")
    make_skill(source, "alpha")
    run(scope)
    make_skill(source, "beta")
    report = run(scope, names=["beta"], only=["codex"])
    assert [t["name"] for t in report["targets"]] == ["codex"]
    assert os.path.islink(home / ".codex/skills/beta")
    assert not os.path.lexists(home / ".claude/skills/beta")


# -- the planner's guard count ------------------------------------------------------------------


def test_guard_counts_the_wanted_skills_left_out() -> None:
    spec = TargetSpec("t", "/t", "merge", "/src", ("/src",), "/src")
    links = {f"s{i}": f"/src/s{i}" for i in range(6)}
    obs = Observed(DIR, "/t", links=links)
    alone = plan_target(spec, {}, obs)
    assert alone.guard is not None and "6 of 6" in alone.guard
    among_many = plan_target(spec, {}, obs, in_sync_extra=94)
    assert among_many.guard is None and among_many.counts["pruned"] == 6
    barely = plan_target(spec, {}, obs, in_sync_extra=5)
    assert barely.guard is not None and "6 of 11" in barely.guard


# -- the property -------------------------------------------------------------------------------

POOL = ("a", "b", "c", "d", "g__h")
MUTATIONS = ("add", "delete", "edit", "retarget", "edit_entry", "drop_entry", "foreign",
             "leftover")
_worlds = itertools.count()


def rel_of(name: str) -> str:
    return name.replace("__", "/")


def put_foreign(target: Path, name: str, kind: int, elsewhere: Path) -> None:
    entry = target / name
    if kind == 0:
        entry.write_text(f"user file {name}")
    elif kind == 1:
        make_skill(target, name, body="the user's own\n")
    else:
        elsewhere.mkdir(exist_ok=True)
        entry.symlink_to(elsewhere)


def mutate(action: str, name: str, source: Path, target: Path, elsewhere: Path,
           protected: set[str]) -> None:
    folder, entry = source / rel_of(name), target / name
    if action == "add" and not folder.exists():
        make_skill(source, rel_of(name), body="added\n")
    elif action == "delete" and folder.exists():
        shutil.rmtree(folder)
    elif action == "edit" and folder.exists():
        with open(folder / "SKILL.md", "a") as handle:
            handle.write("edited in the source\n")
    elif action == "retarget" and folder.exists():
        (folder / "SKILL.md").write_text(f"---\nname: {name}\ntargets: [codex]\n---\nbody\n")
    elif action == "edit_entry" and entry.is_dir() and not entry.is_symlink():
        with open(entry / "SKILL.md", "a") as handle:
            handle.write("edited in the target\n")
        protected.add(name)
    elif action == "drop_entry" and name not in protected and os.path.lexists(entry):
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    elif action == "foreign" and not os.path.lexists(entry):
        put_foreign(target, name, 0, elsewhere)
        protected.add(name)
    elif action == "leftover":  # what a pass killed while deleting leaves behind
        make_skill(target, temp_name(TAG_DELETE, name))


def snapshot(target: Path, names: set[str]) -> dict[str, Any]:
    full = tree(target)
    return {n: {k: v for k, v in full.items() if k == n or k.startswith(n + "/")}
            for n in names}


@settings(max_examples=40)
@given(
    mode=st.sampled_from(MODES),
    exclude_d=st.booleans(),
    present=st.sets(st.sampled_from(POOL)),
    foreign=st.dictionaries(st.sampled_from(POOL), st.integers(0, 2), max_size=2),
    mutations=st.lists(st.tuples(st.sampled_from(MUTATIONS), st.sampled_from(POOL)),
                       min_size=1, max_size=4),
)
def test_after_a_partial_pass_a_full_pass_changes_nothing(
    tmp_path: Path, home: Path, scope: Scope, mode: str, exclude_d: bool, present: set[str],
    foreign: dict[str, int], mutations: list[tuple[str, str]],
) -> None:
    base = tmp_path / f"world-{next(_worlds)}"
    source, target, elsewhere = base / "skills", base / "target", base / "elsewhere"
    source.mkdir(parents=True)
    target.mkdir()
    for name in present:
        make_skill(source, rel_of(name), files={"ref.md": f"about {name}\n"})
    for name, kind in foreign.items():
        put_foreign(target, name, kind, elsewhere)
    exclude = "    exclude: [d]\n" if exclude_d else ""
    write_config(home, f"source: {source}\ntargets:\n  claude:\n    path: {target}\n"
                       f"    mode: {mode}\n{exclude}")
    run(scope)
    protected = set(foreign)
    for action, name in mutations:
        mutate(action, name, source, target, elsewhere, protected)
    kept = snapshot(target, protected)
    run(scope, names=sorted({name for _, name in mutations}))
    assert snapshot(target, protected) == kept
    assert_settled(scope, target)
    assert snapshot(target, protected) == kept
