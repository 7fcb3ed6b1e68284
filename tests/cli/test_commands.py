"""The quick command-line parse reads every line it accepts exactly as argparse does."""

from __future__ import annotations

import contextlib
import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillshare.cmdspec import COMMON
from skillshare.commands import COMMANDS, quick_parse
from skillshare.parser import build_parser, parse_line

PARSER = build_parser()


def argparse_reads(argv: list[str]) -> dict[str, Any] | None:
    """What argparse makes of ``argv``; None if it refuses it (or prints help)."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            return vars(parse_line(PARSER, argv))
        except SystemExit:
            return None


def _vocabulary(name: str) -> list[str]:
    args = (*COMMON, *COMMANDS[name].args)
    words = [flag for arg in args for flag in arg.flags]
    words += [w for arg in args for w in (arg.choices or ())]
    words += [flag[:5] for flag in words if flag.startswith("--") and len(flag) > 5]
    words += ["-h", "--help", "--", "-", "", "-nf", "-pg", "claude", "my tool", "5", "-5",
              "0", "x=y", "--mode=copy", "--tail=3", "--tail=x", "--json=1", "--nope", "-z",
              "add", "remove", "list", "team-*"]
    return words


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    name = draw(st.sampled_from(sorted(COMMANDS)))
    words = draw(st.lists(st.sampled_from(_vocabulary(name)), max_size=7))
    return [name, *words]


@settings(max_examples=1500, deadline=None)
@given(command_lines())
def test_whatever_the_quick_parse_accepts_argparse_reads_the_same(argv: list[str]) -> None:
    quick = quick_parse(argv)
    if quick is not None:
        assert argparse_reads(argv) == vars(quick), argv


@pytest.mark.parametrize("argv", [
    ["status"], ["status", "--json"], ["status", "-p"], ["status", "-g", "--no-daemon"],
    ["sync"], ["sync", "-n"], ["sync", "claude", "cursor", "--force"], ["sync", "-n", "a"],
    ["diff"], ["diff", "claude"], ["list", "--json"], ["doctor"], ["log", "--tail", "5"],
    ["log", "--tail=0"], ["target"], ["target", "list"], ["target", "claude", "--mode", "copy"],
    ["target", "add", "my-tool", "/opt/skills", "--mode=copy"],
    ["target", "claude", "--add-include", "a*", "--add-include", "b*"],
    ["target", "remove", "a", "b", "-n"], ["init", "--targets", "claude,cursor", "-n"],
    ["init", "-p", "--source", "s", "--mode", "merge"], ["daemon", "status"],
    ["daemon", "logs", "-f", "--tail", "10"], ["service", "install", "--no-start"],
])
def test_everyday_command_lines_take_the_quick_path(argv: list[str]) -> None:
    quick = quick_parse(argv)
    assert quick is not None, argv
    assert vars(quick) == argparse_reads(argv)


@pytest.mark.parametrize("argv", [
    [], ["--help"], ["--version"], ["bogus"], ["status", "--help"], ["status", "-h"],
    ["sync", "--dry"], ["sync", "-nf"], ["sync", "a", "-n", "b"], ["status", "a", "b"],
    ["status", "-p", "-g"], ["log", "--tail", "x"], ["log", "--tail"], ["log", "--tail", "-1"],
    ["diff", "a", "--stat", "b"], ["daemon"], ["daemon", "begin"], ["sync", "--", "-x"],
    ["status", "--json=yes"], ["sync", "--json", "--json"],
])
def test_the_rest_is_left_to_argparse(argv: list[str]) -> None:
    assert quick_parse(argv) is None


@pytest.mark.parametrize(("argv", "expected"), [
    (["restore", "agents", "--all", "claude"], {"all": True, "target": ["agents", "claude"]}),
    (["sync", "a", "-n", "b"], {"dry_run": True, "targets": ["a", "b"]}),
    (["trash", "agents", "--dry-run", "restore", "x"],
     {"dry_run": True, "words": ["agents", "restore", "x"]}),
    (["uninstall", "a", "--force", "b"], {"force": True}),
])
def test_options_between_a_commands_words(argv: list[str], expected: dict[str, Any]) -> None:
    """As the original reads them: a command's options may stand between its words."""
    read = argparse_reads(argv)
    assert read is not None, argv
    assert read["command"] == argv[0]
    assert {k: read[k] for k in expected} == expected


@st.composite
def lines_with_options_first(draw: st.DrawFn) -> list[str]:
    """A command line with common options (and some near them) before the command."""
    leading = [f for arg in COMMON for f in arg.flags]
    leading += ["-gj", "-pj", "-jz", "--json=1", "--color=never", "never", "always", "--"]
    before = draw(st.lists(st.sampled_from(leading), min_size=1, max_size=3))
    return [*before, *draw(command_lines())]


@settings(max_examples=600, deadline=None)
@given(lines_with_options_first())
def test_options_before_the_command_read_as_after_it(argv: list[str]) -> None:
    """The quick parse of a line with the common options first (moved after the command, as
    the command line does) agrees with argparse, which reads them there too."""
    from skillshare.leading import hoist, split

    quick = quick_parse(hoist(argv))
    read = argparse_reads(argv)
    if quick is not None:
        assert read == vars(quick), argv
    before, rest = split(argv)
    if before and rest and not rest[0].startswith("-"):
        assert read == argparse_reads([rest[0], *before, *rest[1:]]), argv
