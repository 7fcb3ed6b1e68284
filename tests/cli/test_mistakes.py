"""Helpful mistakes: "did you mean" for a mistyped command, option or command word; each
usage error names what is wrong, with a hint and the command's own usage; the common
options also before the command; under --json a usage error is a JSON document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner, Run, make_skill

TOP_USAGE = "usage: skillshare [-h] [-v] <command> ..."


def _one_error(run: Run) -> str:
    """The hint of a usage error: exit 2, one error line with its hint, the usage, no
    stdout."""
    assert run.code == 2, run.err
    assert run.out == ""
    errors = [line for line in run.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, run.err
    assert " (hint: " in errors[0] and "usage: skillshare" in run.err
    return errors[0].split(" (hint: ", 1)[1]


@pytest.mark.parametrize(("argv", "usage", "hint"), [
    (["snyc"], TOP_USAGE, "did you mean `skillshare sync`?"),
    (["statsu", "-g"], TOP_USAGE, "did you mean `skillshare status -g`?"),
    (["sync", "--dryrun"], "usage: skillshare sync ", "did you mean `skillshare sync --dry-run`?"),
    (["sync", "claude", "--forse"], "usage: skillshare sync ",
     "did you mean `skillshare sync claude --force`?"),
    (["log", "--tial=3"], "usage: skillshare log ", "did you mean `skillshare log --tail=3`?"),
    (["daemon", "sttus"], "usage: skillshare daemon ",
     "did you mean `skillshare daemon status`?"),
    (["help", "snyc"], "usage: skillshare help ", "did you mean `skillshare help sync`?"),
    (["trash", "lsit"], "usage: skillshare trash ", "did you mean `skillshare trash list`?"),
    (["trash", "agents", "emtpy"], "usage: skillshare trash ",
     "did you mean `skillshare trash agents empty`?"),
    (["target", "ad", "my-tool", "/opt/x"], "usage: skillshare target ",
     "did you mean `skillshare target add my-tool /opt/x`?"),
])
def test_a_near_miss_is_named(cli: CliRunner, home: Path, argv: list[str], usage: str,
                              hint: str) -> None:
    run = cli(*argv)
    assert _one_error(run).startswith(hint), run.err
    assert usage in run.err
    if usage != TOP_USAGE:
        assert TOP_USAGE not in run.err  # the command's own usage, not the top-level one
    assert "choose from 'init'" not in run.err  # no list of every command


def test_an_originals_command_not_here_keeps_its_answer(cli: CliRunner, home: Path) -> None:
    from skillshare.helpcmd import NOT_HERE

    hint = _one_error(cli("serach", "react"))
    assert hint.startswith("did you mean `skillshare search react`?")
    assert NOT_HERE["search"][1] in hint  # what to do instead, as `skillshare search` says


def test_nothing_near_gets_the_help_hint(cli: CliRunner, home: Path) -> None:
    assert _one_error(cli("zzzzzz")) == "run `skillshare --help` for the commands)"
    assert _one_error(cli("sync", "--zzzzzz")) == "run `skillshare sync --help`)"
    assert _one_error(cli("status", "a", "b")) == "run `skillshare status --help`)"


def test_few_choices_are_listed(cli: CliRunner, home: Path) -> None:
    run = cli("daemon", "begin")
    assert "invalid choice: 'begin' (choose from start, stop, restart, status, logs)" in run.err
    assert _one_error(run) == "run `skillshare daemon --help`)"


@pytest.mark.parametrize(("argv", "hint"), [
    (["target", "lsit"], "did you mean `skillshare target list`? Otherwise: configured targets"),
    (["backup", "lsit"], "did you mean `skillshare backup --list`?"),
    (["backup", "list"], "did you mean `skillshare backup --list`?"),
    (["audit", "rulez"], "did you mean `skillshare audit rules`?"),
    (["sync", "agnets"], "did you mean `skillshare sync agents`?"),
])
def test_a_mistyped_word_of_a_command(cli: CliRunner, configured: Path, argv: list[str],
                                      hint: str) -> None:
    """The command says the word names nothing; the hint names the word likely meant."""
    (configured.parent.parent.parent / ".claude/skills").mkdir(parents=True)
    (configured.parent / "config.yaml").write_text(
        "source: ~/.config/skillshare/skills\ntargets:\n  claude: {}\n")
    make_skill(configured, "alpha")
    run = cli(*argv)
    assert run.code != 0
    assert f"(hint: {hint}" in run.err, run.err


def test_a_real_name_is_not_second_guessed(cli: CliRunner, configured: Path) -> None:
    run = cli("target", "claud")  # not near any of target's words
    assert run.code == 1 and "did you mean" not in run.err


@pytest.mark.parametrize("argv", [
    ["-g", "list"], ["-p", "status"], ["--json", "status"], ["-j", "list", "skills"],
    ["--no-daemon", "sync", "-n"], ["-gj", "list"], ["--color", "never", "list"],
    ["--colour=always", "-j", "target", "list"], ["--no-tui", "log", "--tail", "3"],
])
def test_common_options_before_the_command_read_as_after_it(argv: list[str]) -> None:
    from skillshare.leading import split
    from skillshare.main import parse

    before, rest = split(argv)
    assert before and rest
    assert vars(parse(argv)) == vars(parse([rest[0], *before, *rest[1:]])), argv


def test_options_first_run_the_same(cli: CliRunner, configured: Path) -> None:
    make_skill(configured, "alpha")
    first, after = cli("-g", "--json", "list"), cli("list", "-g", "--json")
    assert first.code == after.code == 0
    assert first.out == after.out and "alpha" in first.out


def test_options_with_no_command(cli: CliRunner, home: Path) -> None:
    hint = _one_error(cli("-g", "--no-daemon"))
    assert "`skillshare -g --no-daemon list`" in hint


def test_options_first_stay_on_the_quick_path(work: Path) -> None:
    """`skillshare -g status`, as `status -g`, is read without argparse (the daemon's fast
    path)."""
    root = Path(__file__).resolve().parents[2]
    script = ("import sys\nfrom skillshare.main import parse\n"
              "ns = parse(['-g', '--json', 'status'])\n"
              "print(ns.command, ns.project, ns.json, 'argparse' in sys.modules)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(root / "cli")])}
    proc = subprocess.run([sys.executable, "-S", "-c", script], capture_output=True, text=True,
                          cwd=work, env=env, check=False, timeout=60)
    assert proc.stdout.split() == ["status", "False", "True", "False"], proc.stderr


def _document(run: Run) -> dict[str, Any]:
    assert run.code == 2
    error: dict[str, Any] = json.loads(run.out)["error"]
    assert error["code"] == "usage" and error["message"] in run.err
    return error


@pytest.mark.parametrize("argv", [["--json", "snyc"], ["-j", "snyc"], ["snyc", "--json"]])
def test_json_usage_errors_carry_the_suggestion(cli: CliRunner, home: Path,
                                                argv: list[str]) -> None:
    error = _document(cli(*argv))
    assert error["did_you_mean"] == "sync"
    assert error["hint"].startswith("did you mean `skillshare ") and " sync" in error["hint"]
    assert error["usage"] == TOP_USAGE


def test_json_option_error_has_the_commands_usage(cli: CliRunner, home: Path) -> None:
    error = _document(cli("-j", "sync", "--dryrun"))
    assert error["did_you_mean"] == "--dry-run"
    assert error["usage"].startswith("usage: skillshare sync ")


def test_json_error_of_a_commands_word(cli: CliRunner, home: Path) -> None:
    error = _document(cli("--json", "trash", "lsit"))
    assert error["did_you_mean"] == "list" and "unknown trash action 'lsit'" in error["message"]


@pytest.mark.parametrize("argv", [
    ["daemon", "logs", "--tail", "-1"], ["target", "add"], ["trash", "restore"],
    ["status", "-p", "-g"], ["log", "--tail", "x"], ["daemon"], ["-g"],
    ["init", "--git", "--no-git"],
])
def test_every_usage_error_has_a_hint(cli: CliRunner, home: Path, argv: list[str]) -> None:
    assert _one_error(cli(*argv)).strip(")")


def test_a_correct_line_is_unaffected(cli: CliRunner, configured: Path) -> None:
    run = cli("list", "--json")
    assert run.code == 0 and run.err == "" and json.loads(run.out) == []
    assert cli("-j", "list").out == run.out


@pytest.mark.parametrize(("argv", "hint"), [
    (["-n", "sync"], "did you mean `skillshare sync -n`?"),
    (["-g", "--dry-run", "sync", "claude"], "did you mean `skillshare sync -g --dry-run claude`?"),
])
def test_a_commands_own_option_before_it(cli: CliRunner, home: Path, argv: list[str],
                                         hint: str) -> None:
    run = cli(*argv)
    assert _one_error(run) == f"{hint})"
    assert "is an option of `sync`: it goes after the command" in run.err
    assert "usage: skillshare sync " in run.err


def test_json_in_a_cluster_of_common_flags(cli: CliRunner, home: Path) -> None:
    assert _document(cli("-gj", "snyc"))["did_you_mean"] == "sync"


def test_an_error_without_a_hint_gets_one(cli: CliRunner, home: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from skillshare import transport
    from skillshared.core.errors import NotFoundError, SkillshareError

    def failing(error: SkillshareError) -> Any:
        def call(*_: Any, **__: Any) -> Any:
            raise error
        return call

    monkeypatch.setattr(transport, "call", failing(NotFoundError("no such thing")))
    assert "(hint: `skillshare list` and `skillshare target list`" in cli("status").err
    monkeypatch.setattr(transport, "call", failing(SkillshareError("it broke")))
    document = json.loads(cli("status", "--json").out)
    assert document["error"]["hint"] == "`skillshare doctor` checks the setup"


def test_a_mistyped_option_before_the_command(cli: CliRunner, home: Path) -> None:
    run = cli("-j", "--forse", "sync", "claude")
    error = _document(run)
    assert error["hint"] == "did you mean `skillshare sync -j --force claude`?"
    assert error["did_you_mean"] == "--force"
    assert error["usage"].startswith("usage: skillshare sync")


@pytest.mark.parametrize(("argv", "hint"), [
    (["list", "--sort=newst"], "did you mean `skillshare list --sort=newest`?"),
    (["list", "--kind", "agnet"], "did you mean `skillshare list --kind agent`?"),
    (["audit", "-T", "hgh"], "did you mean `skillshare audit -T high`?"),
    (["--color", "alwyas", "list"], "did you mean `skillshare --color always list`?"),
])
def test_a_mistyped_value(cli: CliRunner, configured: Path, argv: list[str],
                          hint: str) -> None:
    """A value outside the ones an option allows (checked by argparse or by the command)."""
    assert _one_error(cli(*argv)) == f"{hint})"


def test_value_guess_reads_the_commands_messages() -> None:
    from skillshare.mistakes import value_guess

    assert value_guess("invalid mode 'coppy': must be one of merge, symlink, copy") == (
        "coppy", "copy")
    assert value_guess("invalid --sort 'x': must be name, newest or oldest") is None
    assert value_guess("target 'x' not found") is None


def test_a_missing_word_lists_its_choices(cli: CliRunner, home: Path) -> None:
    run = cli("daemon")
    assert "required: action (one of start, stop, restart, status, logs)" in run.err
    assert _one_error(run) == "run `skillshare daemon --help`)"
