"""patterns.py: globs on flat names, NameFilter, gitignore-style IgnoreRules."""

from __future__ import annotations

import pytest

from skillshared.core.patterns import (
    IgnoreRules,
    NameFilter,
    PatternError,
    check_ignore_pattern,
    compile_glob,
)

# -- compile_glob -------------------------------------------------------------------------------


@pytest.mark.parametrize(("pattern", "name", "expected"), [
    ("team-*", "team-a", True),
    ("team-*", "team-", True),
    ("team-*", "xteam-a", False),
    ("team-*", "team", False),
    ("*", "frontend__react", True),          # '*' crosses the '__' of a flat name
    ("frontend__*", "frontend__react", True),
    ("*-draft", "a-draft", True),
    ("*-draft", "a-draft-2", False),         # anchored at the end
    ("a?c", "abc", True),
    ("a?c", "ac", False),
    ("a?c", "abbc", False),
    ("a.c", "abc", False),                   # '.' is literal
    ("a.c", "a.c", True),
    ("[abc]x", "bx", True),
    ("[abc]x", "dx", False),
    ("[!abc]x", "dx", True),
    ("[!abc]x", "ax", False),
    ("[^abc]x", "ax", False),
    ("[a-c]1", "b1", True),
    ("[a-c]1", "d1", False),
    ("[]a]", "]", True),                     # ']' first is literal
    ("[a-]", "-", True),                     # '-' last is literal
    ("[-a]", "-", True),
    ("[a&&b]", "&", True),                   # no regex set operators
    ("[a||b]", "|", True),
    ("[~~]", "~", True),
    ("[\\]]", "]", True),
    ("[a\\-c]", "b", False),                 # an escaped '-' is no range
    ("[a\\-c]", "-", True),
    ("\\*", "*", True),
    ("\\*", "x", False),
    ("a\\?", "a?", True),
    ("(x)+", "(x)+", True),                  # regex syntax is literal
    ("(x)+", "xx", False),
    ("*", "", True),
])
def test_glob_matching(pattern: str, name: str, expected: bool) -> None:
    assert bool(compile_glob(pattern).match(name)) is expected


@pytest.mark.parametrize(("pattern", "message"), [
    ("", "empty pattern"),
    ("   ", "empty pattern"),
    ("team-[ab", "unclosed '[' in pattern 'team-[ab'"),
    ("[", "unclosed '[' in pattern '['"),
    ("[]", "unclosed '[' in pattern '[]'"),
    ("[abc\\", "unclosed '[' in pattern '[abc\\'"),
    ("abc\\", "pattern 'abc\\' ends with an escape character '\\'"),
    ("[z-a]", "reversed range 'z-a' in pattern '[z-a]'"),
    ("[a--b]", "reversed range 'a--' in pattern '[a--b]'"),
])
def test_bad_globs_say_why(pattern: str, message: str) -> None:
    with pytest.raises(PatternError) as info:
        compile_glob(pattern)
    assert str(info.value) == message


# -- NameFilter ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("include", "exclude", "allowed"), [
    ((), (), {"team-a", "team-a-draft", "solo", "_repo__x"}),
    (("team-*",), (), {"team-a", "team-a-draft"}),
    ((), ("*-draft",), {"team-a", "solo", "_repo__x"}),
    (("team-*", "solo"), ("*-draft",), {"team-a", "solo"}),
    (("team-*",), ("team-*",), set()),
    (("", "  "), ("",), {"team-a", "team-a-draft", "solo", "_repo__x"}),  # blanks skipped
    (("_repo__*",), (), {"_repo__x"}),
])
def test_name_filter(include: tuple[str, ...], exclude: tuple[str, ...],
                     allowed: set[str]) -> None:
    names = ["team-a", "team-a-draft", "solo", "_repo__x"]
    name_filter = NameFilter.build(include, exclude)
    assert {n for n in names if name_filter.allows(n)} == allowed


def test_name_filter_rejects_bad_patterns() -> None:
    with pytest.raises(PatternError, match="unclosed"):
        NameFilter.build(["ok", "[x"], [])


# -- IgnoreRules --------------------------------------------------------------------------------


@pytest.mark.parametrize(("lines", "path", "is_dir", "expected"), [
    (["draft"], "draft", True, True),
    (["draft"], "a/b/draft", True, True),            # unanchored: any depth
    (["draft"], "drafts", True, False),
    (["#draft"], "#draft", True, False),             # a comment
    (["  # not a comment"], "  # not a comment", True, True),
    (["\\#draft"], "#draft", True, True),            # escaped '#'
    (["\\!keep"], "!keep", True, True),              # escaped '!'
    (["\\!keep"], "keep", True, False),
    (["!keep"], "keep", True, False),                # negation alone ignores nothing
    (["draft-*", "!draft-keep"], "draft-x", True, True),
    (["draft-*", "!draft-keep"], "draft-keep", True, False),
    (["x", "!x", "x"], "x", True, True),             # the last match wins
    (["build/"], "build", True, True),               # trailing '/': folders only
    (["build/"], "build", False, False),
    (["build/"], "a/build", True, True),
    (["/tmp"], "tmp", True, True),                   # leading '/': anchored
    (["/tmp"], "a/tmp", True, False),
    (["a/tmp"], "a/tmp", True, True),                # an inner '/' anchors too
    (["a/tmp"], "x/a/tmp", True, False),
    (["a/*"], "a/b", True, True),
    (["a/*"], "a/b/c", True, False),                 # '*' stays within one segment
    (["a?b"], "a/b", True, False),                   # so does '?'
    (["a?b"], "axb", True, True),
    (["**/tmp"], "tmp", True, True),
    (["**/tmp"], "x/y/tmp", True, True),
    (["a/**/b"], "a/b", True, True),
    (["a/**/b"], "a/x/y/b", True, True),
    (["a/**/b"], "c/a/b", True, False),
    (["a/**"], "a/x/y", True, True),
    (["a/**"], "a", True, False),
    (["*.md"], "docs/x.md", False, True),
    (["[ab]x"], "bx", True, True),
    (["[!a]x"], "bx", True, True),
    (["foo   "], "foo", True, True),                 # trailing spaces dropped
    (["foo\\ "], "foo ", True, True),                # unless escaped
    (["foo\\ "], "foo", True, False),
    (["foo\r"], "foo", True, True),                  # CRLF files
    (["", "   ", "!", "/"], "anything", True, False),
])
def test_ignore_rules(lines: list[str], path: str, is_dir: bool, expected: bool) -> None:
    assert IgnoreRules.parse(lines).ignored(path, is_dir) is expected


def test_empty_rules_are_falsy_and_ignore_nothing() -> None:
    rules = IgnoreRules.parse(["# only a comment", ""])
    assert not rules
    assert not rules.ignored("x", True)
    assert IgnoreRules.parse(["x"])


def test_added_rules_come_after_so_a_later_negation_re_includes() -> None:
    base = IgnoreRules.parse(["internal-*"])
    local = IgnoreRules.parse(["!internal-keep"])
    assert (base + local).ignored("internal-x", True)
    assert not (base + local).ignored("internal-keep", True)
    assert (local + base).ignored("internal-keep", True)


@pytest.mark.parametrize(("line", "message"), [
    ("bad[", "unclosed '['"),
    ("bad\\", "ends with an escape character"),
    ("[z-a]", "reversed range 'z-a'"),
])
def test_bad_ignore_line_names_origin_and_line(line: str, message: str) -> None:
    with pytest.raises(PatternError) as info:
        IgnoreRules.parse(["ok", "# comment", line], origin="src/.skillignore")
    assert str(info.value).startswith("src/.skillignore:3: ")
    assert message in str(info.value)
    with pytest.raises(PatternError, match=message.replace("[", r"\[")):
        check_ignore_pattern(line)


def test_collected_problems_skip_only_the_bad_lines() -> None:
    problems: list[str] = []
    rules = IgnoreRules.parse(["a", "b[", "c", "d\\"], "f", problems)
    assert problems == ["f:2: unclosed '[' in pattern 'b['",
                        "f:4: pattern 'd\\' ends with an escape character '\\'"]
    assert rules.ignored("a", True) and rules.ignored("c", True)
    assert not rules.ignored("b", True)


def test_check_ignore_pattern_accepts_good_lines() -> None:
    for line in ("x", "!x", "# c", "", "a/**/b/", "\\#x"):
        check_ignore_pattern(line)
