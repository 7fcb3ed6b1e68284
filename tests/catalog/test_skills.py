"""skills.py: discovery, flat names, .skillignore layers, validity, frontmatter."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from skillshared.catalog import walker
from skillshared.catalog.frontmatter import Frontmatter, parse_frontmatter, simple_frontmatter
from skillshared.catalog.skills import Discovery, discover
from tests.conftest import make_skill


def names(found: Discovery) -> list[str]:
    return [s.flat_name for s in found.skills]


def rejected(found: Discovery) -> dict[str, str]:
    return {r.rel_path: r.reason for r in found.rejected}


# -- what is a skill ----------------------------------------------------------------------------


def test_skills_at_any_depth_get_flat_names(source: Path) -> None:
    for rel in ("hello", "frontend/react", "a/b/c/d", "_team/frontend/ui"):
        make_skill(source, rel)
    found = discover(source)
    assert found.exists
    assert names(found) == ["_team__frontend__ui", "a__b__c__d", "frontend__react", "hello"]
    react = found.by_name["frontend__react"]
    assert (react.rel_path, react.path) == ("frontend/react", str(source / "frontend/react"))
    assert found.rejected == () and found.ignored == ()


def test_skills_nested_inside_skills_are_found(source: Path) -> None:
    make_skill(source, "_repo")
    make_skill(source, "_repo/sub")
    make_skill(source, "_repo/sub/deeper")
    assert names(discover(source)) == ["_repo", "_repo__sub", "_repo__sub__deeper"]


def test_the_source_root_is_never_a_skill(source: Path) -> None:
    source.mkdir(parents=True)
    (source / "SKILL.md").write_text("---\nname: root\n---\n")
    make_skill(source, "child")
    assert names(discover(source)) == ["child"]


def test_a_folder_named_skill_md_does_not_make_a_skill(source: Path) -> None:
    (source / "odd/SKILL.md").mkdir(parents=True)
    assert names(discover(source)) == []


def test_git_folders_are_never_entered(source: Path) -> None:
    make_skill(source, "_repo/.git/hooks/x")
    make_skill(source, "team/.git")
    make_skill(source, "team/ok")
    assert names(discover(source)) == ["team__ok"]


def test_other_hidden_folders_are_walked(source: Path) -> None:
    make_skill(source, "_openai/.curated/pdf")
    assert names(discover(source)) == ["_openai__.curated__pdf"]


def test_symlinked_folders_inside_the_source_are_not_followed(source: Path,
                                                              isolated: Path) -> None:
    outside = make_skill(isolated / "outside", "ext")
    real = make_skill(source, "real")
    source.joinpath("linked-out").symlink_to(outside)
    source.joinpath("linked-in").symlink_to(real)
    (source / "group").mkdir()
    (source / "group/via").symlink_to(outside.parent)
    found = discover(source)
    assert names(found) == ["real"]
    assert found.rejected == ()


def test_a_symlinked_source_is_walked_with_the_logical_prefix(source: Path,
                                                              isolated: Path) -> None:
    real_source = isolated / "dotfiles/skills"
    make_skill(real_source, "x/y")
    source.parent.mkdir(parents=True)
    source.symlink_to(real_source)
    skill = discover(source).by_name["x__y"]
    assert skill.path == str(source / "x/y")


@pytest.mark.parametrize("make", ["missing", "file"])
def test_missing_source(source: Path, make: str) -> None:
    if make == "file":
        source.parent.mkdir(parents=True)
        source.write_text("not a folder")
    found = discover(source)
    assert not found.exists
    assert found.skills == () and found.rejected == ()


@pytest.mark.parametrize(("rel", "repo"), [
    ("_team", "_team"),
    ("_team/frontend/ui", "_team"),
    ("team/_inner", None),
    ("plain", None),
])
def test_tracked_repo_is_the_underscore_top_folder(source: Path, rel: str,
                                                   repo: str | None) -> None:
    make_skill(source, rel)
    (skill,) = discover(source).skills
    assert skill.tracked_repo == repo


# -- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rel", "reason"), [
    ("my skill", "folder name 'my skill' may hold only letters, digits, '.', '_' and '-'"),
    ("-lead", "folder name '-lead' must not start with '-'"),
    ("group/-lead", "folder name '-lead' must not start with '-'"),
    ("café", "folder name 'café' may hold only"),
    ("bad name/inner", "folder name 'bad name' may hold only"),
    ("trailing\n", "folder name 'trailing\n' may hold only"),
    ("a:b", "folder name 'a:b' may hold only"),
    ("x" * 200 + "/" + "y" * 54, "flat name is longer than 255 bytes"),
])
def test_invalid_names_are_skipped_and_reported(source: Path, rel: str, reason: str) -> None:
    make_skill(source, rel)
    make_skill(source, "fine")
    found = discover(source)
    assert names(found) == ["fine"]
    assert list(rejected(found)) == [rel]
    assert rejected(found)[rel].startswith(reason)


def test_a_flat_name_of_exactly_255_bytes_is_fine(source: Path) -> None:
    rel = "x" * 200 + "/" + "y" * 53
    make_skill(source, rel)
    assert names(discover(source)) == ["x" * 200 + "__" + "y" * 53]


def test_two_paths_with_one_flat_name_are_both_rejected(source: Path) -> None:
    make_skill(source, "a__b")
    make_skill(source, "a/b")
    make_skill(source, "a/c")
    found = discover(source)
    assert names(found) == ["a__c"]
    reasons = rejected(found)
    assert set(reasons) == {"a__b", "a/b"}
    for reason in reasons.values():
        assert reason == "flat name 'a__b' is also produced by a/b, a__b"
    assert "a__b" not in found.by_name


# -- symlinks inside skills ---------------------------------------------------------------------


def test_a_symlink_pointing_outside_the_skill_rejects_it(source: Path, isolated: Path) -> None:
    secret = isolated / "secret.txt"
    secret.write_text("token")
    skill = make_skill(source, "leaky", files={"docs/readme.md": "x"})
    (skill / "docs/secret").symlink_to(secret)
    make_skill(source, "fine")
    found = discover(source)
    assert names(found) == ["fine"]
    reason = rejected(found)["leaky"]
    assert "docs/secret" in reason and str(secret) in reason
    assert "points outside the skill" in reason


@pytest.mark.parametrize("target", ["../other", "/nonexistent/file", "../../.."])
def test_links_out_of_the_skill_reject_it_even_into_the_source(source: Path,
                                                               target: str) -> None:
    make_skill(source, "other")
    skill = make_skill(source, "linker")
    (skill / "link").symlink_to(target)
    found = discover(source)
    assert names(found) == ["other"]
    assert "points outside the skill" in rejected(found)["linker"]


def test_symlinks_pointing_inside_the_skill_are_fine(source: Path) -> None:
    skill = make_skill(source, "self", files={"data/a.txt": "a"})
    (skill / "rel").symlink_to("data/a.txt")
    (skill / "abs").symlink_to(skill / "data")
    (skill / "data/up").symlink_to("../SKILL.md")
    (skill / "dangling").symlink_to("data/missing")
    found = discover(source)
    assert names(found) == ["self"]
    assert found.rejected == ()


def test_a_link_escaping_an_inner_skill_rejects_only_that_skill(source: Path) -> None:
    outer = make_skill(source, "outer", files={"shared.txt": "s"})
    inner = make_skill(source, "outer/inner")
    (inner / "shared").symlink_to("../shared.txt")
    found = discover(source)
    assert names(found) == ["outer"]
    assert set(rejected(found)) == {"outer/inner"}
    assert outer.is_dir()


def test_symlinks_outside_any_skill_are_harmless(source: Path, isolated: Path) -> None:
    make_skill(source, "group/x")
    (source / "group/stray").symlink_to(isolated)
    assert names(discover(source)) == ["group__x"]


# -- .skillignore -------------------------------------------------------------------------------


def test_skillignore_hides_skills_and_lists_them(source: Path) -> None:
    for rel in ("keep", "draft-a", "team/draft-b", "internal/tool", "internal/deep/x"):
        make_skill(source, rel)
    (source / ".skillignore").write_text("# hidden\ndraft-*\n/internal/\n")
    found = discover(source)
    assert names(found) == ["keep"]
    assert found.ignored == ("draft-a", "team/draft-b")
    assert found.rejected == ()


def test_skillignore_local_adds_patterns_and_can_re_include(source: Path) -> None:
    for rel in ("draft-a", "draft-keep", "mine"):
        make_skill(source, rel)
    (source / ".skillignore").write_text("draft-*\n")
    (source / ".skillignore.local").write_text("!draft-keep\nmine\n")
    assert names(discover(source)) == ["draft-keep"]


def test_skillignore_local_works_alone(source: Path) -> None:
    make_skill(source, "a")
    make_skill(source, "b")
    (source / ".skillignore.local").write_text("a\n")
    assert names(discover(source)) == ["b"]


def test_a_bad_skillignore_line_is_reported_and_the_rest_still_applies(source: Path) -> None:
    make_skill(source, "secret")
    make_skill(source, "public")
    (source / ".skillignore").write_text("secret\nbroken[\n")
    found = discover(source)
    assert names(found) == ["public"]
    (problem,) = found.rejected
    assert problem.rel_path == ".skillignore"
    assert problem.reason == f"{source / '.skillignore'}:2: unclosed '[' in pattern 'broken['"


def test_a_skillignore_too_large_to_read_is_reported_and_read_no_further(
        source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(walker, "IGNORE_MAX_BYTES", 32)
    make_skill(source, "secret")
    (source / ".skillignore").write_text("secret\n" + "# padding\n" * 8)
    found = discover(source)
    assert names(found) == ["secret"]
    (problem,) = found.rejected
    assert problem.reason == f"{source / '.skillignore'}: larger than 32 bytes; not read, so it " \
        "hides nothing"


@pytest.mark.parametrize("has_git", [True, False])
def test_a_tracked_repo_skillignore_needs_git(source: Path, has_git: bool) -> None:
    for rel in ("_repo/public", "_repo/internal/tool", "_repo/sub/internal", "plain/internal"):
        make_skill(source, rel)
    if has_git:
        (source / "_repo/.git").mkdir()
    (source / "_repo/.skillignore").write_text("internal\n")
    (source / "_repo/.skillignore.local").write_text("!sub/internal\n")
    expected = ["_repo__public", "_repo__sub__internal", "plain__internal"]
    if not has_git:
        expected = ["_repo__internal__tool", *expected]
    assert names(discover(source)) == expected


def test_tracked_repo_patterns_are_relative_to_the_repo(source: Path) -> None:
    make_skill(source, "_repo/x")
    make_skill(source, "_repo/deep/x")
    (source / "_repo/.git").mkdir()
    (source / "_repo/.skillignore").write_text("/x\n")
    assert names(discover(source)) == ["_repo__deep__x"]


def test_a_repo_skillignore_outside_a_tracked_repo_is_not_read(source: Path) -> None:
    make_skill(source, "team/x")
    (source / "team/.git").mkdir()
    (source / "team/.skillignore").write_text("x\n")
    assert names(discover(source)) == ["team__x"]


# -- frontmatter --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("# no frontmatter\n", Frontmatter()),
    ("---\n---\nbody\n", Frontmatter()),
    ("---\nname: pdf\ndescription: Reads PDFs\n---\n",
     Frontmatter("pdf", "Reads PDFs")),
    ("---\r\nname: pdf\r\n---\r\nbody\r\n", Frontmatter("pdf")),
    ("\ufeff---\nname: pdf\ntargets: [claude]\n---\n", Frontmatter("pdf", None, ("claude",))),
    ("---\nname: x\ntargets: [claude, codex]\n---\n", Frontmatter("x", None, ("claude", "codex"))),
    ("---\ntargets:\n  - claude\n  - cursor\n---\n", Frontmatter(None, None, ("claude", "cursor"))),
    ("---\ntargets: claude\n---\n", Frontmatter(None, None, ("claude",))),
    ("---\ntargets: claude, codex\n---\n", Frontmatter(None, None, ("claude", "codex"))),
    ("---\ntargets: [claude]\nmetadata:\n  targets: [codex]\n---\n",
     Frontmatter(None, None, ("codex",))),
    ("---\ntargets: [claude]\nmetadata: {author: me}\n---\n", Frontmatter(None, None, ("claude",))),
    ("---\nname: x\nlicense: MIT\ntags: [a]\n---\n", Frontmatter("x")),
    ("--- \nname: x\n---\n", Frontmatter("x")),
    ("----\nname: x\n----\n", Frontmatter()),
])
def test_frontmatter_fields(text: str, expected: Frontmatter) -> None:
    assert parse_frontmatter(text.encode()) == expected


@pytest.mark.parametrize(("data", "problem"), [
    (b"---\nname: x\ndescription: [oops\n---\n", "frontmatter is not valid YAML (line 4)"),
    (b"---\nname: x\n  bad: indent\n---\n", "frontmatter is not valid YAML (line 3)"),
    (b"---\nx: !!python/object:os.system ls\n---\n", "frontmatter is not valid YAML (line 2)"),
    (b"---\n- a\n- b\n---\n", "frontmatter must be a mapping of keys to values"),
    (b"---\njust text\n---\n", "frontmatter must be a mapping of keys to values"),
    (b"---\nname: x\nbody without end\n", "frontmatter has no closing '---' line"),
    (b"---\nname: x\n" + b"# pad\n" * 12000, "frontmatter is longer than 65536 bytes"),
    (b"---\ntargets: []\n---\n", "'targets' must be a non-empty list"),
    (b"---\ntargets: [claude, 5]\n---\n", "'targets' must be a non-empty list"),
    (b"---\nmetadata:\n  targets: {claude: 1}\n---\n", "'targets' must be a non-empty list"),
    (b"---\nname: [a]\ndescription: 5\n---\n",
     "'name' must be text; 'description' must be text"),
])
def test_frontmatter_problems_are_reported_not_raised(data: bytes, problem: str) -> None:
    meta = parse_frontmatter(data)
    assert meta.problem is not None
    assert meta.problem.startswith(problem), meta.problem
    assert meta.targets is None


@pytest.mark.parametrize("closed", [True, False])
def test_deeply_nested_frontmatter_never_raises(closed: bool) -> None:
    nested = b"[" * 20000 + (b"]" * 20000 if closed else b"")
    meta = parse_frontmatter(b"---\nname: x\ndeep: " + nested + b"\n---\n")
    if meta.problem is None:
        assert meta.name == "x"
    else:
        assert "not valid YAML" in meta.problem
    assert closed or meta.problem is not None


def test_non_utf8_frontmatter_is_still_read() -> None:
    meta = parse_frontmatter(b"---\nname: caf\xe9\ndescription: ok\n---\n")
    assert (meta.name, meta.description, meta.problem) == ("caf\ufffd", "ok", None)


def test_bad_frontmatter_keeps_the_skill_listed(source: Path) -> None:
    make_skill(source, "broken", frontmatter="name: [unclosed\n")
    make_skill(source, "listy", frontmatter="- a\n")
    make_skill(source, "good", frontmatter="name: good\ntargets: [claude]\n")
    (source / "bare").mkdir()
    (source / "bare/SKILL.md").write_text("# just a title\n")
    found = discover(source)
    assert names(found) == ["bare", "broken", "good", "listy"]
    assert found.rejected == ()
    problems = {p.rel_path: p.reason for p in found.problems}
    assert set(problems) == {"broken", "listy"}
    assert problems["broken"].startswith("frontmatter is not valid YAML (line 3)")
    assert found.by_name["good"].meta.targets == ("claude",)
    assert found.by_name["bare"].meta == Frontmatter()


def test_frontmatter_reading_can_be_skipped(source: Path) -> None:
    make_skill(source, "broken", frontmatter="name: [unclosed\n")
    (skill,) = discover(source, frontmatter=False).skills
    assert skill.meta == Frontmatter()


def test_symlinked_skill_md_inside_the_skill_counts(source: Path) -> None:
    skill = make_skill(source, "linked", files={"real.md": "---\nname: real\n---\n"})
    (skill / "SKILL.md").unlink()
    (skill / "SKILL.md").symlink_to("real.md")
    found = discover(source)
    assert found.by_name["linked"].meta.name == "real"
    assert os.path.islink(skill / "SKILL.md")


def test_our_temp_folders_in_the_source_are_not_walked(source: Path) -> None:
    """A copy that collect is building (or that a crash left) is never taken for a skill."""
    make_skill(source, ".skillshare-tmp-new-0a1b2c3d-mine")
    make_skill(source, "group/.skillshare-tmp-new-0a1b2c3d-x/inner")
    make_skill(source, "kept")
    found = discover(source)
    assert [s.flat_name for s in found.skills] == ["kept"]
    assert found.rejected == ()


@pytest.mark.parametrize("rel", [".skillshare-manifest.json", ".skillshare-x"])
def test_names_of_skillshares_own_files_are_rejected(source: Path, rel: str) -> None:
    make_skill(source, rel)
    make_skill(source, "a/.skillshare-x")  # flat name a__.skillshare-x: an ordinary skill
    found = discover(source)
    assert [s.flat_name for s in found.skills] == ["a__.skillshare-x"]
    assert [r.rel_path for r in found.rejected] == [rel]
    assert "reserved" in found.rejected[0].reason


_KEYS = st.sampled_from(["name", "description", "targets", "metadata", "license", "x_y", "a-b"])
_VALUES = st.one_of(
    st.text(alphabet="aonyNsefltruOY01 ._/(),'+=;?-", max_size=10),
    st.text(alphabet="abcXYZ019 ._/(),'+=;?-:#[]{}\"&*!|>%@`\t", max_size=14),
    st.sampled_from(["yes", "No", "ON", "off", "null", "true", "~", "1.5", "2024-01-01",
                     "[a, b]", "[claude,codex]", "[]", "[a, yes]", "[a b]", "x: y", "a #c"]),
)


@given(st.lists(st.tuples(_KEYS, _VALUES), max_size=5))
def test_simple_frontmatter_agrees_with_yaml(lines: list[tuple[str, str]]) -> None:
    body = "".join(f"{key}: {value}\n" for key, value in lines)
    fast = simple_frontmatter(body)
    try:
        parsed = yaml.safe_load(body) or {}
    except yaml.YAMLError:
        assert fast is None
        return
    if fast is not None:
        assert fast == parsed
