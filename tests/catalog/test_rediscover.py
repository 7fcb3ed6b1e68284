"""rediscover: incremental discovery after file-system changes in the source."""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillshared.catalog import rediscover as incremental
from skillshared.catalog import skills, walker
from skillshared.catalog.rediscover import rediscover
from skillshared.catalog.skills import Discovery, discover, flat_name
from skillshared.catalog.walker import Rejected
from tests.conftest import make_skill


def names(found: Discovery) -> list[str]:
    return [s.flat_name for s in found.skills]


def touched_skills(paths: Iterable[str], *discoveries: Discovery) -> set[str]:
    """Skills holding one of ``paths`` or held by one of them (git's own files excepted)."""
    result = set()
    for path in paths:
        if ".git" in path.split("/")[:-1]:
            continue
        for found in discoveries:
            for skill in found.skills:
                rel = skill.rel_path
                if not path or path in (rel, ".") or path.startswith(rel + "/") or (
                        rel.startswith(path + "/")):
                    result.add(skill.flat_name)
    return result


def check(source: Path, previous: Discovery, *changed: str) -> tuple[Discovery, frozenset[str]]:
    """rediscover, checked against a full discover: same result, same index, and every skill
    that differs or was touched is in ``affected``."""
    result, affected = rediscover(previous, changed)
    expected = discover(source)
    assert result == expected
    assert result.by_name == expected.by_name
    if expected.index is not None:
        assert result.index is not None
        assert replace(result.index, owner=()) == replace(expected.index, owner=())
    differ = {name for name in previous.by_name.keys() | expected.by_name.keys()
              if previous.by_name.get(name) != expected.by_name.get(name)}
    missing = (differ | touched_skills(changed, previous, expected)) - affected
    assert not missing, f"not in affected: {missing}"
    return result, affected


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every full discover() made by rediscover (a fallback)."""
    calls: list[Path] = []
    real = skills.discover

    def counted(source: Path, frontmatter: bool = True) -> Discovery:
        calls.append(source)
        return real(source, frontmatter)

    monkeypatch.setattr(incremental, "discover", counted)
    return calls


@pytest.fixture
def base(source: Path) -> Discovery:
    for rel in ("alpha", "beta", "group/one", "group/two", "_team/ui"):
        make_skill(source, rel, files={"notes/readme.md": "hello"})
    return discover(source)


# -- edits, additions, deletions --------------------------------------------------------------


def test_editing_the_frontmatter(source: Path, base: Discovery, walks: list[Path]) -> None:
    make_skill(source, "alpha", frontmatter="name: alpha\ndescription: changed\n")
    found, affected = check(source, base, "alpha/SKILL.md")
    assert affected == {"alpha"}
    assert found.by_name["alpha"].meta.description == "changed"
    assert found.by_name["beta"] is base.by_name["beta"]
    assert walks == []


def test_editing_another_file_of_a_skill(source: Path, base: Discovery,
                                         walks: list[Path]) -> None:
    (source / "group/one/notes/readme.md").write_text("edited")
    found, affected = check(source, base, "group/one/notes/readme.md")
    assert affected == {"group__one"}
    assert found.skills == base.skills and walks == []


def test_a_new_skill(source: Path, base: Discovery, walks: list[Path]) -> None:
    make_skill(source, "group/three")
    found, affected = check(source, base, "group/three", "group/three/SKILL.md")
    assert affected == {"group__three"}
    assert "group__three" in found.by_name and walks == []


def test_a_new_skill_md_in_an_existing_folder(source: Path, base: Discovery) -> None:
    (source / "plain/deep").mkdir(parents=True)
    found, _ = check(source, base, "plain", "plain/deep")
    (source / "plain/SKILL.md").write_text("---\nname: plain\n---\n")
    _, affected = check(source, found, "plain/SKILL.md")
    assert affected == {"plain"}


def test_a_deleted_skill(source: Path, base: Discovery, walks: list[Path]) -> None:
    shutil.rmtree(source / "beta")
    found, affected = check(source, base, "beta/notes/readme.md", "beta/SKILL.md", "beta/notes",
                            "beta")
    assert affected == {"beta"}
    assert "beta" not in found.by_name and walks == []


def test_deleting_skill_md_turns_the_folder_into_a_plain_one(source: Path,
                                                            base: Discovery) -> None:
    (source / "alpha/SKILL.md").unlink()
    found, affected = check(source, base, "alpha/SKILL.md")
    assert affected == {"alpha"}
    assert "alpha" not in found.by_name


def test_a_renamed_skill_folder(source: Path, base: Discovery, walks: list[Path]) -> None:
    (source / "alpha").rename(source / "group/alpha")
    found, affected = check(source, base, "alpha", "group/alpha")
    assert affected == {"alpha", "group__alpha"}
    assert found.by_name["group__alpha"].meta == base.by_name["alpha"].meta
    assert walks == []


def test_a_nested_skill_added_inside_a_skill(source: Path, base: Discovery) -> None:
    make_skill(source, "alpha/inner")
    found, affected = check(source, base, "alpha/inner", "alpha/inner/SKILL.md")
    assert affected == {"alpha", "alpha__inner"}
    assert names(found) == ["_team__ui", "alpha", "alpha__inner", "beta", "group__one",
                            "group__two"]


def test_a_category_folder_deleted_at_once(source: Path, base: Discovery) -> None:
    shutil.rmtree(source / "group")
    found, affected = check(source, base, "group")
    assert affected == {"group__one", "group__two"}
    assert names(found) == ["_team__ui", "alpha", "beta"]


def test_a_category_folder_moved_in(source: Path, base: Discovery, isolated: Path) -> None:
    outside = isolated / "outside"
    for rel in ("x", "y/z"):
        make_skill(outside / "pack", rel)
    (outside / "pack").rename(source / "pack")
    _, affected = check(source, base, "pack")
    assert affected == {"pack__x", "pack__y__z"}


def test_nothing_changed_returns_the_same_discovery(base: Discovery) -> None:
    assert rediscover(base, []) == (base, frozenset())


# -- names --------------------------------------------------------------------------------------


def test_a_flat_name_clash_created_and_resolved(source: Path, base: Discovery) -> None:
    make_skill(source, "group__one")
    clashed, affected = check(source, base, "group__one")
    assert affected == {"group__one"}
    assert "group__one" not in clashed.by_name
    assert {r.rel_path for r in clashed.rejected} == {"group/one", "group__one"}
    shutil.rmtree(source / "group/one")
    resolved, affected = check(source, clashed, "group/one")
    assert affected == {"group__one"}
    assert resolved.by_name["group__one"].rel_path == "group__one"
    assert resolved.rejected == ()


def test_a_clash_resolved_by_renaming_re_reads_the_frontmatter(source: Path,
                                                               base: Discovery) -> None:
    make_skill(source, "group__one", frontmatter="name: other\n")
    clashed, _ = check(source, base, "group__one")
    (source / "group/one").rename(source / "group/uno")
    resolved, affected = check(source, clashed, "group/one", "group/uno")
    assert affected == {"group__one", "group__uno"}
    assert resolved.by_name["group__one"].meta.name == "other"


def test_an_invalid_name(source: Path, base: Discovery) -> None:
    make_skill(source, "bad name")
    found, affected = check(source, base, "bad name")
    assert affected == set()
    assert [r.rel_path for r in found.rejected] == ["bad name"]
    (source / "bad name").rename(source / "good-name")
    found, affected = check(source, found, "bad name", "good-name")
    assert affected == {"good-name"}
    assert found.rejected == ()


# -- symlinks -----------------------------------------------------------------------------------


def test_an_escaping_symlink_added_and_removed(source: Path, base: Discovery,
                                               isolated: Path) -> None:
    (isolated / "secret").write_text("token")
    (source / "group/one/notes/leak").symlink_to(isolated / "secret")
    leaky, affected = check(source, base, "group/one/notes/leak")
    assert affected == {"group__one"}
    assert "group__one" not in leaky.by_name
    (source / "group/one/notes/leak").unlink()
    fixed, affected = check(source, leaky, "group/one/notes/leak")
    assert affected == {"group__one"}
    assert fixed == base


def test_a_link_escaping_an_inner_skill(source: Path, base: Discovery) -> None:
    make_skill(source, "alpha/inner")
    found, _ = check(source, base, "alpha/inner")
    (source / "alpha/inner/up").symlink_to("../notes")
    found, affected = check(source, found, "alpha/inner/up")
    assert "alpha__inner" not in found.by_name and "alpha" in found.by_name
    assert affected >= {"alpha__inner"}


def test_a_link_into_another_folder_follows_that_folder(source: Path, base: Discovery) -> None:
    (source / "shared").mkdir()
    (source / "alpha/data").symlink_to("../shared")
    found, _ = check(source, base, "alpha/data")
    assert "alpha" not in found.by_name
    # The target becomes a link back into the skill: the skill no longer escapes.
    (source / "shared").rmdir()
    (source / "shared").symlink_to("alpha/notes")
    found, affected = check(source, found, "shared")
    assert "alpha" in found.by_name and "alpha" in affected
    (source / "shared").unlink()
    (source / "shared").mkdir()
    found, affected = check(source, found, "shared")
    assert "alpha" not in found.by_name and "alpha" in affected


def test_a_skill_md_link_waits_for_its_target(source: Path, base: Discovery) -> None:
    (source / "linked").mkdir()
    (source / "linked/SKILL.md").symlink_to("real.md")
    found, _ = check(source, base, "linked", "linked/SKILL.md")
    assert "linked" not in found.by_name
    (source / "linked/real.md").write_text("---\nname: real\n---\n")
    found, affected = check(source, found, "linked/real.md")
    assert found.by_name["linked"].meta.name == "real" and affected == {"linked"}


def test_a_link_through_another_link_is_resolved_again(source: Path, base: Discovery) -> None:
    (source / "hop").symlink_to("group")
    (source / "alpha/via").symlink_to("../hop/one")
    found, _ = check(source, base, "hop", "alpha/via")
    assert "alpha" not in found.by_name
    (source / "hop").unlink()
    (source / "hop").symlink_to("alpha")
    (source / "alpha/one").mkdir()
    found, affected = check(source, found, "hop", "alpha/one")
    assert "alpha" in found.by_name and "alpha" in affected


def test_a_symlinked_folder_is_not_walked(source: Path, base: Discovery) -> None:
    (source / "mirror").symlink_to("group")
    found, _ = check(source, base, "mirror")
    again, affected = check(source, found, "mirror/one", "mirror/one/SKILL.md")
    assert again == found and "mirror__one" not in again.by_name and affected == set()


# -- ignore rules and tracked repos -------------------------------------------------------------


def test_skillignore_changes_rediscover_everything(source: Path, base: Discovery,
                                                  walks: list[Path]) -> None:
    (source / ".skillignore").write_text("beta\n")
    found, affected = check(source, base, ".skillignore")
    assert affected == {"beta"} and len(walks) == 1
    (source / ".skillignore.local").write_text("!beta\n")
    found, affected = check(source, found, ".skillignore.local")
    assert affected == {"beta"} and len(walks) == 2


def test_changes_under_ignored_folders(source: Path, base: Discovery,
                                       walks: list[Path]) -> None:
    (source / ".skillignore").write_text("draft-*\n")
    found = discover(source)
    make_skill(source, "draft-x")
    found, affected = check(source, found, "draft-x")
    assert found.ignored == ("draft-x",) and affected == set()
    make_skill(source, "draft-x/inner")
    found, _ = check(source, found, "draft-x/inner")
    (source / "draft-x/SKILL.md").unlink()
    found, _ = check(source, found, "draft-x/SKILL.md")
    assert found.ignored == () and walks == []


@pytest.mark.parametrize("git", [True, False])
def test_changes_inside_a_tracked_repo(source: Path, git: bool, walks: list[Path]) -> None:
    make_skill(source, "_team/ui")
    if git:
        (source / "_team/.git").mkdir()
    (source / "_team/.skillignore").write_text("internal\n")
    found = discover(source)
    make_skill(source, "_team/internal")
    make_skill(source, "_team/api")
    found, affected = check(source, found, "_team/internal", "_team/api")
    assert affected == ({"_team__api"} if git else {"_team__api", "_team__internal"})
    assert found.ignored == (("_team/internal",) if git else ())
    (source / "_team/.skillignore").write_text("api\n")
    found, affected = check(source, found, "_team/.skillignore")
    assert len(walks) == (1 if git else 0)
    assert found.ignored == (("_team/api",) if git else ())


def test_a_git_folder_appearing_in_a_repo_rediscovers_everything(source: Path,
                                                                  walks: list[Path]) -> None:
    make_skill(source, "_team/internal")
    (source / "_team/.skillignore").write_text("internal\n")
    found = discover(source)
    (source / "_team/.git").mkdir()
    found, affected = check(source, found, "_team/.git")
    assert affected == {"_team__internal"} and len(walks) == 1
    (source / "_team/.git/HEAD").write_text("ref: x\n")
    check(source, found, "_team/.git/HEAD", "_team/.git")
    assert len(walks) == 1
    shutil.rmtree(source / "_team/.git")
    found, affected = check(source, found, "_team/.git")
    assert affected == {"_team__internal"} and len(walks) == 2


def test_a_tracked_repo_moved_in_or_out(source: Path, isolated: Path,
                                        walks: list[Path]) -> None:
    repo = make_skill(isolated / "elsewhere", "_repo/x").parent
    (repo / ".git").mkdir()
    (repo / ".skillignore").write_text("x\n")
    source.mkdir(parents=True)
    found = discover(source)
    repo.rename(source / "_repo")
    found, _ = check(source, found, "_repo")
    assert found.ignored == ("_repo/x",)
    (source / "_repo").rename(isolated / "_repo")
    check(source, found, "_repo")
    assert len(walks) == 2


def test_rules_behind_symlinks_are_checked_again(source: Path, isolated: Path,
                                                 walks: list[Path]) -> None:
    make_skill(source, "_team/internal")
    (source / "_team/.skillignore").write_text("internal\n")
    (source / "_team/.git").symlink_to("../shared-git")
    (isolated / "ignore").write_text("")
    (source / ".skillignore").symlink_to(isolated / "ignore")
    found = discover(source)
    assert names(found) == ["_team__internal"]
    (source / "shared-git").mkdir()  # the repo's .git link now leads to a folder
    found, affected = check(source, found, "shared-git")
    assert names(found) == [] and affected == {"_team__internal"} and len(walks) == 1
    (isolated / "ignore").write_text("_team\n")  # a change the source never sees
    found, _ = check(source, found, "elsewhere")
    assert found.ignored == () and len(walks) == 2


def test_a_skill_md_symlink_loop_is_not_a_skill(source: Path, base: Discovery) -> None:
    (source / "loop").mkdir()
    (source / "loop/SKILL.md").symlink_to("SKILL.md")
    found, affected = check(source, base, "loop", "loop/SKILL.md")
    assert found == base and affected == set()


def test_git_writes_change_nothing_and_walk_nothing(source: Path, base: Discovery,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (source / "_team/.git/objects").mkdir(parents=True)
    (source / ".git").mkdir()
    found, _ = check(source, base, "_team/.git", ".git")
    make_skill(source, "_team/.git/objects/x")

    def no_walk(*args: object) -> None:
        raise AssertionError("walked")

    monkeypatch.setattr(walker.Walker, "visit", no_walk)
    again, affected = rediscover(found, ["_team/.git/objects/x/SKILL.md",
                                         ".git/index", "alpha/.git/config"])
    assert again is found and affected == set()


def test_a_git_folder_inside_a_skill(source: Path, base: Discovery, isolated: Path) -> None:
    (source / "alpha/.git").mkdir()
    found, _ = check(source, base, "alpha/.git")
    shutil.rmtree(source / "alpha/.git")
    (source / "alpha/.git").symlink_to(isolated)
    found, affected = check(source, found, "alpha/.git")
    assert "alpha" not in found.by_name and affected == {"alpha"}


# -- paths that are gone, and the source itself ------------------------------------------------


def test_a_changed_path_that_no_longer_exists(source: Path, base: Discovery) -> None:
    found, affected = check(source, base, "never/was/here", "alpha/gone.txt")
    assert found == base and affected == {"alpha"}


def test_the_source_deleted(source: Path, base: Discovery) -> None:
    shutil.rmtree(source)
    found, affected = check(source, base, "")
    assert not found.exists
    assert affected == {"_team__ui", "alpha", "beta", "group__one", "group__two"}
    make_skill(source, "alpha")
    found, affected = check(source, found, ".")
    assert found.exists and affected == {"alpha"}


def test_the_source_replaced_without_a_root_event(source: Path, base: Discovery,
                                                  walks: list[Path]) -> None:
    source.rename(source.with_name("old"))
    make_skill(source, "alpha")
    found, _ = check(source, base, "alpha")
    assert names(found) == ["alpha"] and len(walks) == 1


def test_a_discovery_without_its_index_falls_back(source: Path, base: Discovery,
                                                  walks: list[Path]) -> None:
    make_skill(source, "new")
    edited = replace(base, rejected=(Rejected("x", "edited"),))
    check(source, edited, "new")
    assert len(walks) == 1


def test_without_frontmatter(source: Path, walks: list[Path]) -> None:
    make_skill(source, "a")
    found = discover(source, frontmatter=False)
    make_skill(source, "b")
    again, _ = rediscover(found, ["b"])
    assert again == discover(source, frontmatter=False) and walks == []


# -- random changes -----------------------------------------------------------------------------

_SEGMENTS = ["a", "b", "a__b", "_r", "c d", ".git"]
_FRONTMATTER = ["name: one\n", "name: two\ndescription: d\n", "name: [broken\n",
                "targets: [claude]\n"]
_LINK_TEXTS = ["..", "SKILL.md", "notes.md", "/", "a/.."]

Action = Callable[[Path], list[str]]


def _plain_parents(source: Path, rel: str) -> bool:
    """Whether every folder above ``rel`` is a real folder or missing (no write lands
    elsewhere through a symlink, which inotify would report at the link's target)."""
    parts = rel.split("/")
    for depth in range(1, len(parts)):
        path = source / "/".join(parts[:depth])
        if os.path.lexists(path) and (path.is_symlink() or not path.is_dir()):
            return False
    return True


def _made_dirs(source: Path, rel: str) -> list[str] | None:
    """mkdir -p ``rel``: the topmost folder it created (what inotify reports); None when
    ``rel`` cannot be a real folder."""
    if not _plain_parents(source, rel + "/x"):
        return None
    parts = rel.split("/")
    for depth in range(1, len(parts) + 1):
        if not os.path.lexists(source / "/".join(parts[:depth])):
            (source / rel).mkdir(parents=True)
            return ["/".join(parts[:depth])]
    return []


def _parent_made(source: Path, rel: str) -> list[str] | None:
    parent = rel.rpartition("/")[0]
    return _made_dirs(source, parent) if parent else []


def _write(source: Path, rel: str, text: str) -> list[str]:
    made = _parent_made(source, rel)
    if made is None:
        return []
    path = source / rel
    if path.is_dir() and not path.is_symlink():
        return made
    if os.path.lexists(path):
        path.unlink()
    path.write_text(text)
    return [*made, rel]


def _delete(source: Path, rel: str) -> list[str]:
    path = source / rel
    if not _plain_parents(source, rel) or not os.path.lexists(path):
        return []
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
    return [rel]


def _rename(source: Path, old: str, new: str) -> list[str]:
    if not _plain_parents(source, old) or not os.path.lexists(source / old) or (
            os.path.lexists(source / new) or (new + "/").startswith(old + "/")):
        return []
    made = _parent_made(source, new)
    if made is None:
        return []
    (source / old).rename(source / new)
    return [*made, old, new]


def _link(source: Path, rel: str, target: str) -> list[str]:
    """A symlink at ``rel``; ``target`` is its text, or after ``@`` a path in the source."""
    rel = posixpath.normpath(rel)
    made = _parent_made(source, rel)
    if made is None or os.path.lexists(source / rel):
        return made or []
    parent = rel.rpartition("/")[0]
    text = os.path.relpath(source / target[1:], source / parent) if target[:1] == "@" else target
    (source / rel).symlink_to(text)
    return [*made, rel]


_NEAR = st.sampled_from(["a", "b", "a/b", "b/a"])  # a few paths, so that changes meet
_REL = _NEAR | st.lists(st.sampled_from(_SEGMENTS), min_size=1, max_size=3).map("/".join)


def _skill_md(frontmatter: str) -> str:
    return f"---\n{frontmatter}---\nbody\n"


_ACTIONS: st.SearchStrategy[Action] = st.one_of(
    st.builds(lambda rel: lambda s: _made_dirs(s, rel) or [], _REL),
    st.builds(lambda rel, fm: lambda s: _write(s, f"{rel}/SKILL.md", _skill_md(fm)),
              _REL, st.sampled_from(_FRONTMATTER)),
    st.builds(lambda rel: lambda s: _write(s, f"{rel}/notes.md", "text"), _REL),
    st.builds(lambda rel: lambda s: _delete(s, rel), _REL),
    st.builds(lambda rel: lambda s: _delete(s, f"{rel}/SKILL.md"), _REL),
    st.builds(lambda old, new: lambda s: _rename(s, old, new), _REL, _REL),
    st.builds(lambda rel, name, target: lambda s: _link(s, f"{rel}/{name}", target),
              _REL | st.just("."),
              st.sampled_from(["ln", "SKILL.md", ".git", ".skillignore"]),
              st.sampled_from(_LINK_TEXTS) | _NEAR.map(lambda r: f"@{r}")
              | _NEAR.map(lambda r: f"@{r}/SKILL.md")),
    st.builds(lambda where, text: lambda s: _write(s, f"{where}.skillignore", text),
              st.sampled_from(["", "_r/"]), st.sampled_from(["b\n", "a__b\n", "!x\n", "/a\n"])),
)


@settings(max_examples=100)
@given(start=st.lists(st.tuples(_REL, st.sampled_from(_FRONTMATTER)), max_size=6),
       actions=st.lists(_ACTIONS, min_size=1, max_size=8))
def test_random_changes_match_a_full_discover(isolated: Path,
                                              start: list[tuple[str, str]],
                                              actions: list[Action]) -> None:
    source = Path(tempfile.mkdtemp(dir=isolated)) / "skills"
    source.mkdir()
    for rel, frontmatter in start:
        _write(source, f"{rel}/SKILL.md", _skill_md(frontmatter))
    found = discover(source)
    for action in actions:
        changed = action(source)
        found, _ = check(source, found, *changed)
    assert all(flat_name(s.rel_path) == s.flat_name for s in found.skills)
