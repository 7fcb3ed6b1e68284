"""The pure planner (skillshared/engine/plan.py): table-driven cases per mode, property tests
against an in-memory model of a target, and a property test of the whole observe -> plan ->
apply pass on real folders (README, "How sync works": ownership, conflicts, force, the
mass-delete guard, convergence)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillshared.catalog.skills import discover
from skillshared.core.config_file import from_document
from skillshared.core.paths import Paths
from skillshared.engine import trees
from skillshared.engine.ops import Op
from skillshared.engine.plan import (
    DIR,
    FILE,
    LINK,
    MISSING,
    Conflict,
    Observed,
    TargetPlan,
    TargetSpec,
    plan_target,
)
from skillshared.engine.reconcile import sync
from tests.conftest import make_skill, tree

SRC = "/src"
PARENT = "/home/u/.claude"
TGT = PARENT + "/skills"
UP = "../../../.."  # from TGT to "/"

PRUNE_ACTIONS = ("unlink", "remove_copy")
TOUCHING_FOREIGN = ("adopt", "force_replace")


def spec(mode: str = "merge", source_ok: bool = True) -> TargetSpec:
    return TargetSpec("claude", TGT, mode, SRC, (SRC,), SRC, source_ok)


def want(*names: str) -> dict[str, str]:
    return {n: f"{SRC}/{n}" for n in names}


def folder(links: Mapping[str, str] | None = None, dirs: Mapping[str, str | None] | None = None,
           files: tuple[str, ...] = (), manifest: Mapping[str, tuple[str, ...]] | None = None,
           temps: tuple[str, ...] = ()) -> Observed:
    """A target folder; ``dirs`` maps each real folder to its content digest (None: unreadable)."""
    dirs = dirs or {}
    return Observed(DIR, TGT, links=dict(links or {}), dirs=frozenset(dirs),
                    files=frozenset(files), temps=temps,
                    digests={n: d for n, d in dirs.items() if d is not None},
                    manifest=manifest)


def ours_n(count: int, prefix: str = "old") -> dict[str, str]:
    return {f"{prefix}{i}": f"{SRC}/{prefix}{i}" for i in range(count)}


def unlinks(links: Mapping[str, str]) -> list[Op]:
    return [Op("unlink", n, None, t) for n, t in sorted(links.items())]


@dataclass(frozen=True)
class Case:
    wanted: Mapping[str, str]
    obs: Observed
    ops: list[Op]
    mode: str = "merge"
    conflicts: tuple[str, ...] = ()
    force: bool = False
    source_ok: bool = True
    src: Mapping[str, str] = field(default_factory=dict)
    local: tuple[str, ...] | None = None
    guard: str | None = None  # a substring of the expected guard message
    error: str | None = None  # a substring of the expected error
    records: Any = "unchecked"
    counts: Mapping[str, int] = field(default_factory=dict)


def run_case(case: Case) -> TargetPlan:
    plan = plan_target(spec(case.mode, case.source_ok), case.wanted, case.obs, force=case.force,
                       src_digests=case.src)
    assert list(plan.ops) == case.ops
    assert [c.name for c in plan.conflicts] == list(case.conflicts)
    assert all(isinstance(c, Conflict) and c.reason for c in plan.conflicts)
    if case.local is not None:
        assert plan.local == case.local
    if case.guard is None:
        assert plan.guard is None
    else:
        assert plan.guard is not None and case.guard in plan.guard
    if case.error is None:
        assert plan.error is None
    else:
        assert plan.error is not None and case.error in plan.error
    if case.records != "unchecked":
        assert plan.records == case.records
    for key, value in case.counts.items():
        assert plan.counts[key] == value, key
    # Whatever the case: a conflicting name is never the subject of an op.
    touched = {op.name for op in plan.ops}
    assert not touched & set(case.conflicts)
    return plan


# -- merge mode -------------------------------------------------------------------------------

MERGE_CASES = {
    "empty target links every skill": Case(
        want("a", "b"), folder(), [Op("link", "a", "/src/a"), Op("link", "b", "/src/b")],
        local=(), counts={"linked": 2, "local": 0, "updated": 0, "pruned": 0}),
    "missing target folder is created first": Case(
        want("a"), Observed(MISSING, TGT), [Op("mkdir_target"), Op("link", "a", "/src/a")],
        counts={"linked": 1}),
    "missing target folder with nothing wanted is still created": Case(
        {}, Observed(MISSING, TGT), [Op("mkdir_target")]),
    "our correct link: nothing to do": Case(
        want("a"), folder({"a": "/src/a"}), [], counts={"linked": 1, "updated": 0}),
    "our link to another skill is relinked": Case(
        want("a"), folder({"a": "/src/b"}), [Op("relink", "a", "/src/a", "/src/b")],
        counts={"linked": 1, "updated": 1}),
    "our relative link with other text is relinked": Case(
        want("a"), folder({"a": f"{UP}/src/a"}), [Op("relink", "a", "/src/a", f"{UP}/src/a")]),
    "our link to the source root is ours": Case(
        want("a"), folder({"a": "/src"}), [Op("relink", "a", "/src/a", "/src")]),
    "our broken link at a wanted name is relinked": Case(
        want("a"), folder({"a": "/src/gone"}), [Op("relink", "a", "/src/a", "/src/gone")],
        conflicts=()),
    "our broken link at an unwanted name is pruned": Case(
        want("a"), folder({"a": "/src/a", "gone": "/src/gone"}),
        [Op("unlink", "gone", None, "/src/gone")], local=(), counts={"pruned": 1, "linked": 1}),
    "our relative link at an unwanted name is pruned with its own text as expect": Case(
        {}, folder({"old": f"{UP}/src/old"}), [Op("unlink", "old", None, f"{UP}/src/old")]),
    "a user's file at a wanted name is a conflict": Case(
        want("a"), folder(files=("a",)), [], conflicts=("a",), local=(),
        counts={"local": 1, "linked": 0}),
    "a real folder with other content is a conflict": Case(
        want("a"), folder(dirs={"a": "user"}), [], conflicts=("a",), src={"a": "src"}),
    "a real folder whose digest could not be read is a conflict": Case(
        want("a"), folder(dirs={"a": None}), [], conflicts=("a",), src={"a": "src"}),
    "a real folder without a source digest is a conflict": Case(
        want("a"), folder(dirs={"a": "user"}), [], conflicts=("a",)),
    "a foreign symlink is a conflict": Case(
        want("a"), folder({"a": "/opt/other/a"}), [], conflicts=("a",)),
    "a link to a sibling of the source with the same prefix is foreign": Case(
        want("a"), folder({"a": "/src-old/a"}), [], conflicts=("a",)),
    "a broken foreign symlink is a conflict": Case(
        want("a"), folder({"a": "/nowhere/a"}), [], conflicts=("a",)),
    "a relative foreign symlink is a conflict": Case(
        want("a"), folder({"a": "../a"}), [], conflicts=("a",)),
    "a symlink loop is a conflict": Case(
        want("a"), folder({"a": "a"}), [], conflicts=("a",)),
    "a real folder identical to the source is adopted": Case(
        want("a"), folder(dirs={"a": "d1"}), [Op("adopt", "a", "/src/a", "d1")],
        src={"a": "d1"}, counts={"linked": 1, "updated": 1, "local": 0}),
    "an unedited copy left by copy mode is adopted": Case(
        want("a"), folder(dirs={"a": "old"}, manifest={"a": ("old",)}),
        [Op("adopt", "a", "/src/a", "old")], src={"a": "new"}, records={}),
    "an edited copy left by copy mode is a conflict": Case(
        want("a"), folder(dirs={"a": "edited"}, manifest={"a": ("old",)}), [],
        conflicts=("a",), src={"a": "new"}),
    "an unedited copy of a removed skill left by copy mode is removed": Case(
        {}, folder(dirs={"old": "d"}, manifest={"old": ("d",)}),
        [Op("remove_copy", "old", None, "d")], records={}),
    "an edited copy of a removed skill left by copy mode is kept": Case(
        {}, folder(dirs={"old": "edited"}, manifest={"old": ("d",)}), [], records={}),
    "local entries are counted and untouched": Case(
        want("a"), folder({"a": "/src/a", "ext": "/opt/x", "loop": "loop"}, dirs={"mine": "m"},
                          files=("notes.md",)),
        [], local=("ext", "loop", "mine", "notes.md"), counts={"local": 4, "linked": 1}),
    "leftover temp entries are cleaned first": Case(
        want("a"), folder(temps=(".skillshare-tmp-lnk-1234-a",)),
        [Op("clean_temp", ".skillshare-tmp-lnk-1234-a"), Op("link", "a", "/src/a")]),
    # the mass-delete guard
    "five prunes are never guarded": Case(
        {}, folder(ours_n(5)), unlinks(ours_n(5)), counts={"pruned": 5}),
    "six prunes of six links are guarded": Case(
        {}, folder(ours_n(6)), [], guard="6 of 6", counts={"pruned": 0}),
    "six prunes of six links go with force": Case(
        {}, folder(ours_n(6)), unlinks(ours_n(6)), force=True, counts={"pruned": 6}),
    "six prunes of thirteen links are not guarded": Case(
        want(*ours_n(7, "keep")), folder({**ours_n(6), **ours_n(7, "keep")}),
        unlinks(ours_n(6)), counts={"pruned": 6, "linked": 7}),
    "seven prunes of thirteen links are guarded": Case(
        want(*ours_n(6, "keep")), folder({**ours_n(7), **ours_n(6, "keep")}), [],
        guard="would be pruned", counts={"pruned": 0, "linked": 6}),
    "eight renamed skills: eight prunes of sixteen entries after the pass are not guarded": Case(
        want(*ours_n(8, "new")), folder(ours_n(8)),
        [Op("link", f"new{i}", f"/src/new{i}") for i in range(8)] + unlinks(ours_n(8))),
    "guarded prunes do not hold back new links": Case(
        want("new"), folder(ours_n(6)), [Op("link", "new", "/src/new")], guard="6 of"),
    "guard counts unedited copies left by copy mode": Case(
        {}, folder(dirs={f"c{i}": "d" for i in range(6)},
                   manifest={f"c{i}": ("d",) for i in range(6)}), [], guard="6 of 6",
        records={f"c{i}": "d" for i in range(6)}),
    "a missing or empty source prunes nothing": Case(
        {}, folder({"a": "/src/a"}), [], source_ok=False, guard="missing or empty",
        counts={"pruned": 0}),
    "a missing or empty source prunes with force": Case(
        {}, folder({"a": "/src/a"}), [Op("unlink", "a", None, "/src/a")], source_ok=False,
        force=True),
    "a missing source never touches foreign entries": Case(
        {}, folder({"x": "/opt/x"}, files=("f",)), [], source_ok=False, local=("f", "x")),
    # the target path itself
    "a target path that is a file is an error": Case(
        want("a"), Observed(FILE, TGT), [], error="not a folder"),
    "a target path that is a foreign link to a file is an error": Case(
        want("a"), Observed(LINK, PARENT, link="/etc/hosts", link_dest="/etc/hosts"), [],
        error="symlink to /etc/hosts"),
    "a target path that is our link from symlink mode is replaced by a folder": Case(
        want("a"), Observed(LINK, PARENT, link="/src", link_dest="/src"),
        [Op("unlink_target", arg="/src"), Op("mkdir_target"), Op("link", "a", "/src/a")]),
}


@pytest.mark.parametrize("case", [pytest.param(c, id=k) for k, c in MERGE_CASES.items()])
def test_merge_plan(case: Case) -> None:
    run_case(case)


FOREIGN_AT_A = {
    "user file": folder(files=("a",)),
    "real folder, other content": folder(dirs={"a": "user"}),
    "foreign symlink": folder({"a": "/opt/other/a"}),
    "broken foreign symlink": folder({"a": "/nowhere/a"}),
    "symlink loop": folder({"a": "a"}),
}


@pytest.mark.parametrize("mode", ["merge", "copy"])
@pytest.mark.parametrize("obs", [pytest.param(o, id=k) for k, o in FOREIGN_AT_A.items()])
def test_foreign_entry_at_a_wanted_name_is_kept_unless_forced(obs: Observed, mode: str) -> None:
    src = {"a": "src", "b": "srcb"}
    arg = "/src/a" if mode == "merge" else "src"
    new_b = Op("link", "b", "/src/b") if mode == "merge" else Op("copy", "b", "srcb")
    plan = plan_target(spec(mode), want("a", "b"), obs, src_digests=src)
    assert plan.ops == (new_b,)
    assert [c.name for c in plan.conflicts] == ["a"]
    assert "not ours" in plan.conflicts[0].reason
    assert plan.counts["local"] == 1

    forced = plan_target(spec(mode), want("a", "b"), obs, force=True, src_digests=src)
    assert forced.ops == (Op("force_replace", "a", arg), new_b)
    assert forced.conflicts == ()
    assert forced.counts["updated"] == 1


# -- copy mode --------------------------------------------------------------------------------

COPY_CASES = {
    "new copy": Case(
        want("a"), folder(), [Op("copy", "a", "s1")], mode="copy", src={"a": "s1"},
        records={"a": "s1"}, counts={"new": 1, "up_to_date": 0}),
    "new copy into a missing folder": Case(
        want("a"), Observed(MISSING, TGT), [Op("mkdir_target"), Op("copy", "a", "s1")],
        mode="copy", src={"a": "s1"}, records={"a": "s1"}),
    "up-to-date copy: nothing to do, manifest unchanged": Case(
        want("a"), folder(dirs={"a": "s1"}, manifest={"a": ("s1",)}), [], mode="copy",
        src={"a": "s1"}, records=None, counts={"up_to_date": 1, "new": 0, "updated": 0}),
    "source changed: the copy is updated": Case(
        want("a"), folder(dirs={"a": "s0"}, manifest={"a": ("s0",)}),
        [Op("update_copy", "a", "s1", "s0")], mode="copy", src={"a": "s1"},
        records={"a": "s1"}, counts={"updated": 1}),
    "copy left by an interrupted update (previous digest) is ours": Case(
        want("a"), folder(dirs={"a": "s0"}, manifest={"a": ("s1", "s0")}),
        [Op("update_copy", "a", "s1", "s0")], mode="copy", src={"a": "s1"}),
    "copy edited in the target is a conflict and keeps its record": Case(
        want("a"), folder(dirs={"a": "edited"}, manifest={"a": ("s0",)}), [], mode="copy",
        src={"a": "s1"}, conflicts=("a",), records=None),
    "copy edited in the target is replaced with force": Case(
        want("a"), folder(dirs={"a": "edited"}, manifest={"a": ("s0",)}),
        [Op("force_replace", "a", "s1")], mode="copy", src={"a": "s1"}, force=True,
        records={"a": "s1"}),
    "unedited copy of a removed skill is removed": Case(
        {}, folder(dirs={"old": "s0"}, manifest={"old": ("s0",)}),
        [Op("remove_copy", "old", None, "s0")], mode="copy", records={},
        counts={"pruned": 1}),
    "edited copy of a removed skill is a conflict and keeps its record": Case(
        {}, folder(dirs={"old": "edited"}, manifest={"old": ("s0",)}), [], mode="copy",
        conflicts=("old",), records=None),
    "our link at a wanted name is replaced by a copy": Case(
        want("a"), folder({"a": "/src/a"}), [Op("copy", "a", "s1", "/src/a")], mode="copy",
        src={"a": "s1"}, records={"a": "s1"}),
    "our link at an unwanted name is pruned": Case(
        {}, folder({"old": "/src/old"}), [Op("unlink", "old", None, "/src/old")], mode="copy",
        records={}),  # copy mode starts a manifest
    "a real folder identical to the source is recorded as an up-to-date copy": Case(
        want("a"), folder(dirs={"a": "s1"}), [], mode="copy", src={"a": "s1"},
        records={"a": "s1"}, counts={"up_to_date": 1}),
    "manifest records: new, up to date, updated; stale records dropped": Case(
        want("a", "b", "c"),
        folder(dirs={"a": "s1", "c": "c0"}, files=("stale",),
               manifest={"a": ("s1",), "c": ("c0",), "stale": ("x",), "gone": ("y",)}),
        [Op("copy", "b", "s2"), Op("update_copy", "c", "s3", "c0")], mode="copy",
        src={"a": "s1", "b": "s2", "c": "s3"}, records={"a": "s1", "b": "s2", "c": "s3"},
        local=("stale",)),
    "six unedited copies of removed skills are guarded and stay recorded": Case(
        {}, folder(dirs={f"c{i}": "d" for i in range(6)},
                   manifest={f"c{i}": ("d",) for i in range(6)}),
        [], mode="copy", guard="6 of 6", records={f"c{i}": "d" for i in range(6)}),
    "a missing source keeps our links in a copy target without a manifest": Case(
        {}, folder({"a": "/src/a"}), [], mode="copy", source_ok=False, guard="missing or empty",
        records={}),
    "a missing source removes no copy": Case(
        {}, folder(dirs={"c": "d"}, manifest={"c": ("d",)}), [], mode="copy", source_ok=False,
        guard="missing or empty", records={"c": "d"}),
}


@pytest.mark.parametrize("case", [pytest.param(c, id=k) for k, c in COPY_CASES.items()])
def test_copy_plan(case: Case) -> None:
    run_case(case)


def test_copy_conflict_reasons_tell_an_edited_copy_from_a_foreign_entry() -> None:
    edited = plan_target(spec("copy"), want("a"),
                         folder(dirs={"a": "e"}, manifest={"a": ("s0",)}), src_digests={"a": "s"})
    foreign = plan_target(spec("copy"), want("a"), folder(dirs={"a": "e"}),
                          src_digests={"a": "s"})
    assert "edited" in edited.conflicts[0].reason
    assert "not ours" in foreign.conflicts[0].reason


# -- symlink mode -----------------------------------------------------------------------------

SYMLINK_CASES = {
    "missing: the target path becomes our link": Case(
        {}, Observed(MISSING, TGT), [Op("link_target", arg="/src")], mode="symlink"),
    "already linked: nothing to do": Case(
        {}, Observed(LINK, PARENT, link="/src", link_dest="/src"), [], mode="symlink"),
    "our link with other text is relinked": Case(
        {}, Observed(LINK, PARENT, link="../../../src", link_dest="/src"),
        [Op("relink_target", arg="/src", expect="../../../src")], mode="symlink"),
    "a foreign link is a conflict": Case(
        {}, Observed(LINK, PARENT, link="/dotfiles/skills", link_dest="/dotfiles/skills"), [],
        mode="symlink", conflicts=("",)),
    "a foreign link is replaced with force": Case(
        {}, Observed(LINK, PARENT, link="/dotfiles/skills", link_dest="/dotfiles/skills"),
        [Op("relink_target", arg="/src", expect="/dotfiles/skills")], mode="symlink",
        force=True),
    "a real folder with only our links is replaced by our link": Case(
        want("a"), folder({"a": "/src/a", "b": f"{UP}/src/b"}),
        [Op("unlink", "a", None, "/src/a"), Op("unlink", "b", None, f"{UP}/src/b"),
         Op("replace_dir_with_link", arg="/src")], mode="symlink", counts={"pruned": 2}),
    "a real folder with our unedited copies is replaced by our link": Case(
        {}, folder(dirs={"c": "d"}, manifest={"c": ("d",)}, temps=(".skillshare-tmp-x",)),
        [Op("clean_temp", ".skillshare-tmp-x"), Op("remove_copy", "c", None, "d"),
         Op("replace_dir_with_link", arg="/src")], mode="symlink"),
    "an empty real folder is replaced by our link": Case(
        {}, folder(), [Op("replace_dir_with_link", arg="/src")], mode="symlink"),
    "a missing source: a folder of our links and copies is kept (the guard)": Case(
        {}, folder({"a": "/src/a"}, dirs={"c": "d"}, manifest={"c": ("d",)}), [],
        mode="symlink", source_ok=False, guard="missing or empty"),
    "a missing source: with force the folder still becomes our link": Case(
        {}, folder({"a": "/src/a"}), [Op("unlink", "a", None, "/src/a"),
                                      Op("replace_dir_with_link", arg="/src")],
        mode="symlink", source_ok=False, force=True),
    "a missing source: an empty folder becomes our link": Case(
        {}, folder(), [Op("replace_dir_with_link", arg="/src")], mode="symlink",
        source_ok=False),
    "a real folder with foreign entries is a conflict": Case(
        {}, folder({"a": "/src/a", "ext": "/opt/ext"}, dirs={"mine": "m", "c": "e"},
                   files=("f",), manifest={"c": ("d",)}),
        [], mode="symlink", conflicts=("",), local=("c", "ext", "f", "mine"),
        counts={"local": 4}),
    "a real folder with foreign entries is replaced with force": Case(
        {}, folder({"a": "/src/a", "ext": "/opt/ext"}, files=("f",)),
        [Op("force_replace_target", arg="/src")], mode="symlink", force=True),
    "a target path that is a file is an error": Case(
        {}, Observed(FILE, TGT), [], mode="symlink", error="not a folder"),
}


@pytest.mark.parametrize("case", [pytest.param(c, id=k) for k, c in SYMLINK_CASES.items()])
def test_symlink_plan(case: Case) -> None:
    run_case(case)


# -- property tests against an in-memory model ------------------------------------------------

SKILLS = tuple("abcdefghijkl")
OTHER_NAMES = ("notes.md", "mine", "zz-local")
OURLINK = "ourlink"  # the target path is our link left by symlink mode

Entry = tuple[str, str]  # ("link", text) | ("dir", digest) | ("file", content)


def src_digest(name: str) -> str:
    return f"src-{name}"


@dataclass(frozen=True)
class Model:
    kind: str
    entries: Mapping[str, Entry]
    manifest: Mapping[str, tuple[str, ...]] | None

    def observe(self) -> Observed:
        if self.kind == MISSING:
            return Observed(MISSING, TGT)
        if self.kind == OURLINK:
            return Observed(LINK, PARENT, link=SRC, link_dest=SRC)
        by_kind: dict[str, dict[str, str]] = {"link": {}, "dir": {}, "file": {}}
        for name, (kind, value) in self.entries.items():
            by_kind[kind][name] = value
        return Observed(DIR, TGT, links=by_kind["link"], dirs=frozenset(by_kind["dir"]),
                        files=frozenset(by_kind["file"]), digests=by_kind["dir"],
                        manifest=self.manifest)


def is_ours(target: TargetSpec, name: str, entry: Entry,
            manifest: Mapping[str, tuple[str, ...]] | None) -> bool:
    """(README, "How sync works") A link into the source, or a recorded copy still matching
    its record."""
    kind, value = entry
    if kind == "link":
        return target.owns(os.path.normpath(os.path.join(TGT, value)))
    return kind == "dir" and manifest is not None and value in manifest.get(name, ())


def simulate(target: TargetSpec, model: Model, plan: TargetPlan) -> Model:
    """Apply ``plan`` to ``model`` the way apply.py would, checking every op's precondition."""
    assert plan.error is None
    kind, entries, manifest = model.kind, dict(model.entries), model.manifest
    for op in plan.ops:
        name, current = op.name, entries.get(op.name)
        if op.action == "mkdir_target":
            assert kind == MISSING
            kind = DIR
        elif op.action == "unlink_target":
            assert kind == OURLINK and op.arg == SRC
            kind, entries = MISSING, {}
        elif op.action == "link":
            assert current is None, op
            entries[name] = ("link", str(op.arg))
        elif op.action in ("relink", "unlink"):
            assert current == ("link", op.expect), op
            assert is_ours(target, name, current, manifest), op
            if op.action == "relink":
                entries[name] = ("link", str(op.arg))
            else:
                del entries[name]
        elif op.action == "adopt":
            assert current == ("dir", op.expect), op
            entries[name] = ("link", str(op.arg))
        elif op.action == "force_replace":
            assert current is not None, op
            entries[name] = ("link" if target.mode == "merge" else "dir", str(op.arg))
        elif op.action == "copy":
            assert current == (None if op.expect is None else ("link", op.expect)), op
            entries[name] = ("dir", str(op.arg))
        elif op.action in ("update_copy", "remove_copy"):
            assert current == ("dir", op.expect), op
            if op.action == "update_copy":
                entries[name] = ("dir", str(op.arg))
            else:
                del entries[name]
        else:
            raise AssertionError(f"unexpected op {op}")
    if plan.records is not None:
        # apply._write_manifest: an empty manifest outside copy mode is removed.
        if not plan.records and target.mode != "copy":
            manifest = None
        else:
            manifest = {n: (d,) for n, d in plan.records.items()}
    return Model(kind, entries, manifest)


ENTRY_KINDS = (
    "ours_ok", "ours_ok", "ours_other", "ours_broken", "ours_relative", "ours_root",
    "foreign", "foreign_broken", "foreign_relative", "loop", "file",
    "dir_same", "dir_other", "copy_clean", "copy_current", "copy_edited",
)


@dataclass(frozen=True)
class Scenario:
    mode: str
    model: Model
    wanted: Mapping[str, str]
    source_ok: bool
    force: bool

    @property
    def spec(self) -> TargetSpec:
        return spec(self.mode, self.source_ok)

    @property
    def src(self) -> dict[str, str]:
        return {n: src_digest(n) for n in self.wanted}


@st.composite
def scenarios(draw: st.DrawFn, modes: tuple[str, ...] = ("merge", "copy")) -> Scenario:
    mode = draw(st.sampled_from(modes))
    kind = draw(st.sampled_from((DIR, DIR, DIR, DIR, MISSING, OURLINK)))
    entries: dict[str, Entry] = {}
    manifest: dict[str, tuple[str, ...]] = {}
    if kind == DIR:
        names = draw(st.lists(st.sampled_from(SKILLS + OTHER_NAMES), unique=True, max_size=12))
        for name in names:
            what = draw(st.sampled_from(ENTRY_KINDS))
            other = draw(st.sampled_from(SKILLS))
            entries[name] = {
                "ours_ok": ("link", f"{SRC}/{name}"),
                "ours_other": ("link", f"{SRC}/{other}"),
                "ours_broken": ("link", f"{SRC}/gone-{name}"),
                "ours_relative": ("link", f"{UP}/src/{name}"),
                "ours_root": ("link", SRC),
                "foreign": ("link", f"/opt/other/{name}"),
                "foreign_broken": ("link", f"/nowhere/{name}"),
                "foreign_relative": ("link", f"../{name}"),
                "loop": ("link", name),
                "file": ("file", "text"),
                "dir_same": ("dir", src_digest(name)),
                "dir_other": ("dir", f"user-{name}"),
                "copy_clean": ("dir", f"old-{name}"),
                "copy_current": ("dir", src_digest(name)),
                "copy_edited": ("dir", f"edited-{name}"),
            }[what]
            if what.startswith("copy_"):
                manifest[name] = (f"old-{name}",) if what != "copy_current" else (
                    src_digest(name),)
        # stale manifest records (a name with no entry, or with an entry of another kind)
        for name in draw(st.lists(st.sampled_from(SKILLS), unique=True, max_size=2)):
            manifest.setdefault(name, ("stale",))
    with_manifest = bool(manifest) or (kind == DIR and draw(st.booleans()))
    source_ok = draw(st.sampled_from((True, True, True, False)))
    wanted = draw(st.frozensets(st.sampled_from(SKILLS))) if source_ok else frozenset()
    model = Model(kind, entries, manifest if with_manifest else None)
    return Scenario(mode, model, want(*sorted(wanted)), source_ok, draw(st.booleans()))


def plan_of(scenario: Scenario, model: Model, force: bool | None = None) -> TargetPlan:
    return plan_target(scenario.spec, scenario.wanted, model.observe(),
                       force=scenario.force if force is None else force,
                       src_digests=scenario.src)


def synced(scenario: Scenario, model: Model, name: str) -> bool:
    """Whether ``name`` holds what this mode wants there."""
    entry = model.entries.get(name)
    if scenario.mode == "merge":
        return entry == ("link", scenario.wanted[name])
    manifest = model.manifest or {}
    return entry == ("dir", src_digest(name)) and manifest.get(name) == (src_digest(name),)


def check_pass(scenario: Scenario) -> None:
    target, before = scenario.spec, scenario.model
    plan = plan_of(scenario, before)
    after = simulate(target, before, plan)
    foreign = {n: e for n, e in before.entries.items()
               if not is_ours(target, n, e, before.manifest)}
    conflicts = {c.name for c in plan.conflicts}

    # (a) foreign entries: unchanged, unless forced or an identical folder at a wanted name.
    for name, entry in foreign.items():
        if after.entries.get(name) == entry or after.kind != DIR:
            continue
        identical = entry == ("dir", src_digest(name)) and name in scenario.wanted
        assert identical or (scenario.force and name in scenario.wanted), (name, entry)
    assert after.kind == DIR or plan.error is not None

    # (b) every wanted skill is synced unless reported as a conflict (and only foreign
    # entries are ever conflicts).
    assert conflicts <= set(foreign)
    if scenario.force:
        assert conflicts <= set(foreign) - set(scenario.wanted)
    for name in scenario.wanted:
        assert synced(scenario, after, name) or name in conflicts, name

    # (d) prunes only remove our entries, and never when the guard holds.
    for op in plan.ops:
        if op.action in PRUNE_ACTIONS:
            assert op.name in before.entries and op.name not in scenario.wanted
            assert is_ours(target, op.name, before.entries[op.name], before.manifest), op
            assert plan.guard is None
        if op.action in TOUCHING_FOREIGN:
            assert op.name in scenario.wanted
    if plan.guard is not None:
        assert not scenario.force
        still = [n for n, e in after.entries.items()
                 if n not in scenario.wanted and is_ours(target, n, e, after.manifest)]
        assert still
    elif after.kind == DIR:
        # without the guard, nothing of ours is left at an unwanted name
        for name, entry in after.entries.items():
            if name not in scenario.wanted:
                assert not is_ours(target, name, entry, after.manifest), name
    if not scenario.source_ok and not scenario.force:
        assert not any(op.action in PRUNE_ACTIONS for op in plan.ops)

    # (c) a second pass plans nothing (the guard, if it held, holds again, the same way).
    again = plan_of(scenario, after)
    assert again.ops == (), again.ops
    assert again.guard == plan.guard
    assert {c.name for c in again.conflicts} == conflicts
    assert again.local == plan.local and again.counts["local"] == plan.counts["local"]
    if plan.guard is None:
        assert not again.changes
    third = simulate(target, after, again)
    assert third == after


@settings(max_examples=600)
@given(scenarios())
def test_property_merge_and_copy_passes(scenario: Scenario) -> None:
    check_pass(scenario)


@st.composite
def guard_scenarios(draw: st.DrawFn) -> Scenario:
    """Many of our links at names that are no longer wanted, plus some new skills."""
    mode = draw(st.sampled_from(("merge", "copy")))
    old = draw(st.integers(min_value=4, max_value=10))
    keep = draw(st.integers(min_value=0, max_value=4))
    new = draw(st.integers(min_value=0, max_value=8))
    entries: dict[str, Entry] = {f"old{i}": ("link", f"{SRC}/old{i}") for i in range(old)}
    entries.update({f"keep{i}": ("link", f"{SRC}/keep{i}") for i in range(keep)})
    manifest = None
    if mode == "copy":
        manifest = {f"keep{i}": (src_digest(f"keep{i}"),) for i in range(keep)}
        entries.update({f"keep{i}": ("dir", src_digest(f"keep{i}")) for i in range(keep)})
    wanted = [f"keep{i}" for i in range(keep)] + [f"new{i}" for i in range(new)]
    return Scenario(mode, Model(DIR, entries, manifest), want(*wanted), True, False)


@settings(max_examples=200)
@given(guard_scenarios())
def test_property_guard_is_stable_across_passes(scenario: Scenario) -> None:
    check_pass(scenario)


def test_guard_is_not_lifted_by_the_links_its_own_pass_created() -> None:
    """Eight skills renamed: pass 1 links the new names; pass 2 must not prune without force
    when pass 1 said `--force` is needed (the daemon's next reconcile is such a pass)."""
    scenario = Scenario("merge", Model(DIR, {f"old{i}": ("link", f"{SRC}/old{i}")
                                             for i in range(8)}, None),
                        want(*(f"new{i}" for i in range(8))), True, False)
    first = plan_of(scenario, scenario.model)
    second = plan_of(scenario, simulate(scenario.spec, scenario.model, first))
    pruned = [op for p in (first, second) for op in p.ops if op.action == "unlink"]
    if first.guard is not None:
        assert second.guard == first.guard and not pruned
    else:
        assert len([op for op in first.ops if op.action == "unlink"]) == 8


@settings(max_examples=300)
@given(scenarios(modes=("symlink",)))
def test_property_symlink_mode(scenario: Scenario) -> None:
    target, before = scenario.spec, scenario.model
    plan = plan_of(scenario, before)
    foreign = [n for n, e in before.entries.items()
               if not is_ours(target, n, e, before.manifest)]
    actions = [op.action for op in plan.ops]
    if before.kind == DIR and foreign and not scenario.force:
        assert plan.ops == () and plan.conflicts and set(plan.local) == set(foreign)
    elif before.kind == DIR and foreign:
        assert actions == ["force_replace_target"]
    elif before.kind == DIR and before.entries and not scenario.source_ok \
            and not scenario.force:
        assert plan.ops == () and plan.guard is not None  # nothing of ours is removed
    elif before.kind == DIR:
        assert actions[-1:] == ["replace_dir_with_link"] and not plan.conflicts
        removed = {op.name for op in plan.ops[:-1]}
        assert removed == set(before.entries)
    elif before.kind == MISSING:
        assert actions == ["link_target"]
    else:
        assert plan.ops == () and not plan.conflicts
    assert plan.guard is None or not (scenario.source_ok or scenario.force)


# -- the whole pass on real folders -----------------------------------------------------------

DISK_SKILLS = ("alpha", "beta", "grp/gamma", "grp/delta", "_team/eps", "bad name", "-lead",
               "x/y", "x__y")
DISK_EXTRAS = ("notes.md", "mine", "alpha2", "gone")
DISK_KINDS = ("ours_ok", "ours_other", "ours_broken", "ours_relative", "foreign",
              "foreign_broken", "loop", "file", "dir_same", "dir_other")


def flat(rel: str) -> str:
    return rel.replace("/", "__")


@dataclass(frozen=True)
class DiskScenario:
    mode: str
    skills: Mapping[str, str]  # rel path -> body
    entries: Mapping[str, tuple[str, str]]  # target name -> (kind, other skill rel)
    target_exists: bool


@st.composite
def disk_scenarios(draw: st.DrawFn) -> DiskScenario:
    rels = draw(st.lists(st.sampled_from(DISK_SKILLS), unique=True, max_size=6))
    skills = {rel: draw(st.sampled_from(("one\n", "two\n"))) for rel in rels}
    names = draw(st.lists(st.sampled_from(tuple(flat(r) for r in DISK_SKILLS) + DISK_EXTRAS),
                          unique=True, max_size=8))
    entries = {n: (draw(st.sampled_from(DISK_KINDS)), draw(st.sampled_from(DISK_SKILLS)))
               for n in names}
    exists = bool(entries) or draw(st.booleans())
    return DiskScenario(draw(st.sampled_from(("merge", "copy"))), skills, entries, exists)


def build_disk(root: Path, scenario: DiskScenario) -> tuple[Path, Path]:
    source, target, outside = root / "skills", root / "target", root / "outside"
    source.mkdir()
    (outside / "tool").mkdir(parents=True)
    (outside / "tool" / "README").write_text("theirs\n")
    for skill, body in scenario.skills.items():
        make_skill(source, skill, body=body, files={"ref/notes.txt": f"{skill}\n"})
    if scenario.target_exists:
        target.mkdir()
    for name, (kind, other) in scenario.entries.items():
        path = target / name
        rel = next((r for r in scenario.skills if flat(r) == name), None)
        if kind == "ours_ok":
            os.symlink(source / (rel or f"gone-{name}"), path)
        elif kind == "ours_other":
            os.symlink(source / other, path)
        elif kind == "ours_broken":
            os.symlink(source / f"gone-{name}", path)
        elif kind == "ours_relative":
            os.symlink(os.path.relpath(source / (rel or other), target), path)
        elif kind == "foreign":
            os.symlink(outside / "tool", path)
        elif kind == "foreign_broken":
            os.symlink(outside / f"missing-{name}", path)
        elif kind == "loop":
            os.symlink(name, path)
        elif kind == "file":
            path.write_text(f"user file {name}\n")
        elif kind == "dir_same" and rel is not None:
            shutil.copytree(source / rel, path, symlinks=True)
        else:
            path.mkdir()
            (path / "SKILL.md").write_text(f"user's own {name}\n")
    return source, target


def snapshot(path: Path) -> tuple[str, Any]:
    if path.is_symlink():
        return ("link", os.readlink(path))
    if path.is_dir():
        return ("dir", tree(path))
    return ("file", path.read_bytes())


def owned_on_disk(target: Path, source: Path, name: str) -> bool:
    path = target / name
    if not path.is_symlink():
        return False
    dest = os.path.normpath(os.path.join(target, os.readlink(path)))
    return dest == str(source) or dest.startswith(str(source) + os.sep)


@settings(max_examples=40)
@given(disk_scenarios())
def test_property_sync_on_disk(tmp_path: Path, scenario: DiskScenario) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as raw:
        root = Path(os.path.realpath(raw))
        source, target = build_disk(root, scenario)
        doc = {"source": str(source), "mode": scenario.mode,
               "targets": {"mytool": {"path": str(target)}}}
        config = from_document(Paths.from_env().global_scope(), doc)
        names = sorted(os.listdir(target)) if target.is_dir() else []
        foreign = {n: snapshot(target / n) for n in names
                   if not owned_on_disk(target, source, n)}
        ours_before = [n for n in names if owned_on_disk(target, source, n)]

        discovery = discover(config.source)
        report = sync(config, discovery)
        line = report["targets"][0]
        assert line["error"] is None, line
        conflicts = {c["name"] for c in line["conflicts"]}
        wanted = {s.flat_name: s for s in discovery.skills}
        clash = {"x/y", "x__y"} <= set(scenario.skills)
        assert set(wanted) == {flat(r) for r in scenario.skills if r not in (
            ("bad name", "-lead", "x/y", "x__y") if clash else ("bad name", "-lead"))}

        # every foreign entry is unchanged (a folder identical to a skill may become its link)
        for name, before in foreign.items():
            now = snapshot(target / name) if os.path.lexists(target / name) else None
            adopted = (scenario.mode == "merge" and name in wanted and name not in conflicts
                       and now == ("link", str(wanted[name].path)))
            assert now == before or adopted, (name, before, now)

        # every valid skill is synced or reported as a conflict
        rules = config.copy_ignore()
        for name, skill in wanted.items():
            path = target / name
            if name in conflicts:
                assert name in foreign
                continue
            if scenario.mode == "merge":
                assert path.is_symlink() and os.readlink(path) == str(skill.path), name
            else:
                assert path.is_dir() and not path.is_symlink(), name
                assert trees.digest(str(path), rules) == trees.digest(str(skill.path), rules)

        # our entries at unwanted names: all pruned, or all held back by the guard
        left = [n for n in ours_before if n not in wanted and os.path.lexists(target / n)]
        if line["guard"] is None:
            assert left == []
        else:
            assert sorted(left) == sorted(n for n in ours_before if n not in wanted)
            assert not discovery.skills or len(left) > 5

        again = sync(config, discover(config.source))["targets"][0]
        assert again["changes"] == [], again["changes"]
        assert again["guard"] == line["guard"]
        assert {c["name"] for c in again["conflicts"]} == conflicts
