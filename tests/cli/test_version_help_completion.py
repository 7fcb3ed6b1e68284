"""``skillshare version``, ``--version``, ``help [command]`` and ``completion <shell>``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib.metadata import version as dist_version
from pathlib import Path

import pytest

from skillshare import completion
from skillshare.commands import COMMANDS
from tests.conftest import CliRunner, run_cli_process

VERSION = dist_version("skillshared")


@pytest.mark.parametrize("argv", [["version"], ["--version"], ["-v"]])
def test_version_prints_the_originals_line(cli: CliRunner, argv: list[str]) -> None:
    result = cli(*argv)
    assert (result.code, result.out, result.err) == (0, f"skillshare v{VERSION}\n", "")


def test_version_json_is_an_object(cli: CliRunner) -> None:
    result = cli("version", "--json")
    assert result.code == 0
    assert result.json() == {"name": "skillshare", "version": VERSION}


def test_version_imports_no_engine(work: Path) -> None:
    script = ("import sys\nfrom skillshare.main import main\n"
              "for argv in (['version'], ['--version'], ['version', '--json']):\n"
              "    main(argv)\n"
              "heavy = sorted(m for m in sys.modules if m.startswith(('skillshared.engine', "
              "'skillshared.git', 'skillshared.commands', 'yaml', 'git', 'argparse')))\n"
              "print('HEAVY', heavy, file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=work, check=False, timeout=60)
    assert "HEAVY []" in proc.stderr, proc.stderr


def test_help_lists_every_command(cli: CliRunner) -> None:
    result = cli("help")
    assert result.code == 0
    for name in COMMANDS:
        assert name in result.out


def test_help_of_a_command_is_its_dash_dash_help(cli: CliRunner) -> None:
    shown = cli("help", "sync")
    direct = cli("sync", "--help")
    assert shown.code == direct.code == 0
    assert shown.out.rstrip("\n") == direct.out.rstrip("\n")
    assert "--dry-run" in shown.out


def test_help_of_an_unknown_command_is_a_usage_error(cli: CliRunner) -> None:
    result = cli("help", "nosuch")
    assert result.code == 2 and "invalid choice: 'nosuch'" in result.err


def test_help_json(cli: CliRunner) -> None:
    document = cli("help", "init", "--json").json()
    assert document["command"] == "init" and "--copy-from" in document["text"]


# -- completion --------------------------------------------------------------------------------


@pytest.mark.parametrize("shell", completion.SHELLS)
def test_every_script_names_every_command_and_option(cli: CliRunner, shell: str) -> None:
    result = cli("completion", shell)
    assert result.code == 0, result.err
    for command in COMMANDS.values():
        assert command.name in result.out
        for arg in command.args:
            for option in arg.flags:
                assert option.lstrip("-") in result.out, (shell, option)


def test_subcommand_words_come_from_the_table() -> None:
    specs = {s.name: s for s in completion.specs()}
    assert {"add", "remove", "list"} <= set(specs["target"].words)
    assert {"list", "restore", "delete", "empty", "agents"} <= set(specs["trash"].words)
    assert specs["daemon"].words == ["start", "stop", "restart", "status", "logs"]
    assert set(specs["completion"].words) == set(completion.SHELLS)
    assert set(specs["help"].words) == set(COMMANDS)
    assert "--dry-run" in specs["sync"].options and "-p" in specs["sync"].options
    assert "--mode" in specs["init"].valued and "--dry-run" not in specs["init"].valued
    assert "name" not in specs["uninstall"].words  # a placeholder, not a word


def _bash_complete(script: str, line: str) -> list[str]:
    """The words bash's completion of ``line`` offers (the cursor at its end)."""
    words = line.split(" ")
    program = (f"{script}\ncomplete -p skillshare\n"
               f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
               f"COMP_CWORD={len(words) - 1}\nCOMP_LINE={line!r}\nCOMP_POINT={len(line)}\n"
               "_skillshare\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", program],
                          capture_output=True, text=True, check=False, timeout=30)
    assert proc.returncode == 0, proc.stderr
    first, *rest = proc.stdout.splitlines()
    assert first == "complete -F _skillshare skillshare"
    return [word for word in rest if word]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_bash_script_parses_and_completes(work: Path) -> None:
    script = completion.bash()
    syntax = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True,
                            check=False, timeout=30)
    assert syntax.returncode == 0, syntax.stderr
    assert _bash_complete(script, "skillshare sy") == ["sync"]
    assert _bash_complete(script, "skillshare sync --dry") == ["--dry-run"]
    assert set(_bash_complete(script, "skillshare target ")) >= {"add", "remove", "list"}
    assert _bash_complete(script, "skillshare -p daemon st") == ["start", "stop", "status"]
    assert _bash_complete(script, "skillshare completion f") == ["fish"]
    (work / "notes.txt").write_text("")
    assert _bash_complete(script, "skillshare init --source no") == ["notes.txt"]  # a value
    assert _bash_complete(script, "skillshare sync no") == []  # not a word of sync


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_bash_script_serves_the_aliases_of_skillshare(tmp_path: Path) -> None:
    script = tmp_path / "skillshare.bash"
    script.write_text(completion.bash())
    program = ("shopt -s expand_aliases; alias ss=skillshare; alias ll='ls -l'\n"
               f"source {script}\ncomplete -p ss\ncomplete -p ll || echo 'll: none'\n")
    proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", program],
                          capture_output=True, text=True, check=False, timeout=30)
    assert proc.stdout.splitlines() == ["complete -F _skillshare ss", "ll: none"], proc.stderr


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_the_zsh_script_parses() -> None:
    proc = subprocess.run(["zsh", "-n"], input=completion.zsh(), capture_output=True,
                          text=True, check=False, timeout=30)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_the_fish_script_loads(tmp_path: Path) -> None:
    script = tmp_path / "skillshare.fish"
    script.write_text(completion.fish())
    proc = subprocess.run(["fish", "--no-config", "-c", f"source {script}; "
                           "complete -C 'skillshare sy'"],
                          capture_output=True, text=True, check=False, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("sync")


def test_install_writes_where_bash_reads_and_says_how_to_use_it(cli: CliRunner,
                                                                home: Path) -> None:
    result = cli("completion", "bash", "--install")
    assert result.code == 0, result.err
    path = home / ".local/share/bash-completion/completions/skillshare"
    assert path.read_text() == completion.bash()
    assert f"source ~/{path.relative_to(home)}" in result.out  # (text: ~-shortened)
    again = cli("completion", "bash", "--install", "--json").json()  # ours: replaced
    assert again["installed"] is True and again["path"] == str(path)


@pytest.mark.parametrize("shell,rel", [
    ("zsh", ".zsh/completions/_skillshare"),
    ("fish", ".config/fish/completions/skillshare.fish"),
    ("powershell", ".config/powershell/completions/skillshare.ps1"),
    ("nushell", ".config/nushell/completions/skillshare.nu")])
def test_install_paths(cli: CliRunner, home: Path, shell: str, rel: str) -> None:
    assert cli("completion", shell, "--install").code == 0
    assert (home / rel).read_text() == completion.SCRIPTS[shell]()


def test_install_replaces_the_originals_script_but_never_a_users_file(cli: CliRunner,
                                                                       home: Path) -> None:
    path = home / ".zsh/completions/_skillshare"
    path.parent.mkdir(parents=True)
    path.write_text("#compdef skillshare\n# the original's script\n")
    assert cli("completion", "zsh", "--install").code == 0
    assert path.read_text() == completion.zsh()
    path.write_text("my own notes\n")
    refused = cli("completion", "zsh", "--install")
    assert refused.code == 1 and "not a skillshare completion script" in refused.err
    assert path.read_text() == "my own notes\n"


def test_completion_alone_shows_its_usage(cli: CliRunner) -> None:
    result = cli("completion")
    assert result.code == 0 and "usage: skillshare completion" in result.out
    assert "bash" in result.out and "--install" in result.out


@pytest.mark.parametrize("shell,marker", [
    ("bash", "complete -F _skillshare skillshare"), ("zsh", "#compdef skillshare"),
    ("fish", "complete -c skillshare"), ("powershell", "Register-ArgumentCompleter"),
    ("nushell", 'export extern "skillshare"')])
def test_each_script_has_its_shells_hook(cli: CliRunner, shell: str, marker: str) -> None:
    assert marker in cli("completion", shell).out


def test_nushell_flags_pair_long_and_short_names() -> None:
    script = completion.nushell()
    sync = script.split('export extern "skillshare sync" [')[1].split("]")[0]
    assert "    --dry-run(-n)" in sync and "    --project(-p)" in sync
    assert "    --mode: string" in script and "...args: string@" in script


def test_an_unknown_shell_is_a_usage_error(cli: CliRunner, home: Path) -> None:
    result = cli("completion", "tcsh", "--install")
    assert result.code == 2 and "invalid choice: 'tcsh'" in result.err
    assert not (home / ".local").exists() and not (home / ".zsh").exists()


def test_completion_in_a_child_process_matches(work: Path) -> None:
    result = run_cli_process("completion", "bash", cwd=work)
    assert result.code == 0 and result.out == completion.bash()
