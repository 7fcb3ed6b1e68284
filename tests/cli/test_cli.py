"""The CLI: usage, exit codes, errors, JSON, and each command's output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner, make_skill, run_cli_process, tree, write_config


@pytest.fixture
def ready(cli: CliRunner, home: Path, source: Path) -> Path:
    (home / ".claude").mkdir()
    assert cli("init").code == 0
    make_skill(source, "alpha", frontmatter="name: alpha\ndescription: first skill\n")
    make_skill(source, "_team/tools/beta")
    return home / ".claude/skills"


# -- usage -------------------------------------------------------------------------------------


def test_help_lists_commands_with_examples(cli: CliRunner) -> None:
    result = cli("--help")
    assert result.code == 0
    for command in ("init", "sync", "status", "diff", "list", "doctor", "log", "target"):
        assert command in result.out
    assert "examples:" in result.out
    sync_help = cli("sync", "--help")
    assert sync_help.code == 0 and "skillshare sync --dry-run" in sync_help.out


@pytest.mark.parametrize("argv", [[], ["nosuch"], ["sync", "--nosuch"], ["status", "-p", "-g"],
                                  ["log", "--tail", "x"]])
def test_usage_errors_exit_2(cli: CliRunner, argv: list[str]) -> None:
    result = cli(*argv)
    assert result.code == 2


def test_missing_config_exit_1_with_hint(cli: CliRunner) -> None:
    result = cli("status")
    assert result.code == 1
    assert result.err.startswith("error: config not found:")
    assert "(hint: run `skillshare init`)" in result.err


def test_json_error_document(cli: CliRunner) -> None:
    result = cli("sync", "--json")
    assert result.code == 1
    document = json.loads(result.out)
    assert document["ok"] is False and document["error"]["code"] == "config"


@pytest.mark.parametrize(("text", "expected"), [
    ("targets: [unclosed\n", ", line "),
    ("mode: sideways\n", "mode: must be one of merge, symlink, copy"),
    ("targets:\n  my-tool: {}\n", "targets.my-tool.path: required"),
    ("targets:\n  claude:\n    include: ['[abc']\n", "targets.claude.include[0]: unclosed '['"),
    ("targets:\n  claude:\n    mode: fast\n", "targets.claude.mode: must be one of"),
    ("daemon:\n  rescan_interval: soon\n", "daemon.rescan_interval"),
])
def test_bad_config_is_reported_and_nothing_changes(cli: CliRunner, home: Path, source: Path,
                                                    text: str, expected: str) -> None:
    make_skill(source, "alpha")
    config = write_config(home, text)
    before = tree(home)
    result = cli("sync")
    assert result.code == 1
    assert expected in result.err
    assert f"~/{config.relative_to(home)}" in result.err  # (text: paths under home as ~/…)
    # the one thing a run may leave: the tool's own lock, in its state folder (the lock is
    # taken before the config is read, which it guards)
    state = ".local/state/skillshare"
    after = {k: v for k, v in tree(home).items()
             if k not in (".local", ".local/state", state, f"{state}/ops.lock")}
    assert after == before


def test_every_config_problem_is_listed_at_once(cli: CliRunner, home: Path) -> None:
    write_config(home, "mode: x\ntargets:\n  a-custom: {}\n  claude:\n    mode: y\n")
    result = cli("status")
    assert result.code == 1
    assert "(3 problems)" in result.err
    for key in ("  - mode:", "  - targets.a-custom.path:", "  - targets.claude.mode:"):
        assert key in result.err


# -- the CLI stays light ---------------------------------------------------------------------


def test_cli_imports_no_daemon_or_git_libraries(ready: Path, work: Path) -> None:
    script = (
        "import sys\n"
        "from skillshare.main import main\n"
        "for argv in (['sync'], ['status'], ['diff'], ['list'], ['doctor'], ['log'],\n"
        "             ['target', 'list'], ['target', 'claude']):\n"
        "    main(argv)\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in\n"
        "         ('watchdog', 'apscheduler', 'git', 'structlog')]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=work, check=False, timeout=60)
    assert "HEAVY []" in proc.stderr, proc.stderr


def test_subprocess_run_matches_in_process(cli: CliRunner, ready: Path) -> None:
    cli("sync")
    inside = cli("status")
    outside = run_cli_process("status")
    assert (outside.code, outside.out) == (inside.code, inside.out)


# -- init -------------------------------------------------------------------------------------


def test_init_detects_installed_clis(cli: CliRunner, home: Path) -> None:
    (home / ".claude").mkdir()
    (home / ".cursor").mkdir()
    result = cli("init", "--json")
    assert result.code == 0
    names = [t["name"] for t in result.json()["targets"]]
    assert names == ["claude", "cursor"]
    text = (home / ".config/skillshare/config.yaml").read_text()
    assert "path: ~/.claude/skills" in text
    assert (home / ".config/skillshare/skills").is_dir()


def test_init_twice_is_refused(cli: CliRunner, home: Path) -> None:
    assert cli("init").code == 0
    config = (home / ".config/skillshare/config.yaml").read_text()
    result = cli("init", "--mode", "copy")
    assert result.code == 1 and "already initialized" in result.err
    assert (home / ".config/skillshare/config.yaml").read_text() == config


@pytest.mark.parametrize(("argv", "code", "message"), [
    (["--targets", "claude,nosuch"], 1, "not a built-in target: nosuch"),
    (["--mode", "fast"], 2, "invalid mode 'fast'"),
    (["--targets", "claude", "--no-targets"], 2, "only one of"),
    (["--remote=--upload-pack=evil"], 2, "invalid repository address"),
])
def test_init_bad_input_changes_nothing(cli: CliRunner, home: Path, argv: list[str], code: int,
                                        message: str) -> None:
    result = cli("init", *argv)
    assert result.code == code
    assert message in result.err
    assert not (home / ".config").exists()


def test_init_dry_run_writes_nothing(cli: CliRunner, home: Path) -> None:
    result = cli("init", "--dry-run", "--targets", "claude")
    assert result.code == 0 and "Would create" in result.out
    assert not (home / ".config").exists()


def test_init_with_options(cli: CliRunner, home: Path, tmp_path: Path) -> None:
    result = cli("init", "--source", str(tmp_path / "my-skills"), "--targets", "claude-code,codex",
                 "--mode", "copy", "--json")
    assert result.code == 0
    data = result.json()
    assert [t["name"] for t in data["targets"]] == ["claude", "codex"]
    status = cli("status", "--json").json()
    assert status["source"]["path"] == str(tmp_path / "my-skills")
    assert {t["mode"] for t in status["targets"]} == {"copy"}


def test_init_remote_sets_up_git(cli: CliRunner, home: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--bare", "-q", str(remote)], check=True)
    result = cli("init", "--no-targets", "--remote", f"file://{remote}")
    assert result.code == 0, result.err
    origin = subprocess.run(["git", "-C", str(home / ".config/skillshare/skills"), "remote",
                             "get-url", "origin"], capture_output=True, text=True, check=True)
    assert origin.stdout.strip() == f"file://{remote}"
    assert "(remote: origin)" in cli("status").out


# -- status, diff, list, doctor, log ----------------------------------------------------------


def test_status_text_and_json(cli: CliRunner, ready: Path) -> None:
    before = cli("status")
    assert "claude    merge     0/2 synced" in before.out
    assert "not in sync" in before.out
    cli("sync")
    data = cli("status", "--json").json()
    target = data["targets"][0]
    assert (target["name"], target["state"], target["synced"], target["expected"]) == (
        "claude", "synced", 2, 2)
    assert data["source"]["skills"] == 2
    assert [{k: r[k] for k in ("name", "skills", "git")} for r in data["tracked_repos"]] == [
        {"name": "_team", "skills": 1, "git": None}]
    assert data["tracked_repos"][0]["message"] == "not a git repository"
    assert data["daemon"]["running"] is False
    assert "claude    merge     2/2 synced" in cli("status").out


def test_diff_shows_every_kind_of_difference(cli: CliRunner, ready: Path, source: Path) -> None:
    cli("sync")
    make_skill(source, "gamma")
    make_skill(ready, "mine")
    (source / "alpha/SKILL.md").unlink()
    (source / "alpha").rmdir()
    make_skill(source, "delta")
    (ready / "delta").mkdir()
    result = cli("diff")
    assert result.code == 0
    assert "Diff: source ↔ claude" in result.out
    lines = {line.split()[1]: line.split()[0] for line in result.out.splitlines()
             if line.startswith("  ")}
    assert lines == {"gamma": "+", "alpha": "-", "delta": "!", "mine": "←"}
    data = cli("diff", "claude", "--json").json()
    assert {i["name"] for i in data["targets"][0]["items"]} == {"gamma", "alpha", "delta",
                                                                "mine"}
    assert cli("diff", "nosuch").code == 1


def test_list_shows_names_paths_and_origins(cli: CliRunner, ready: Path) -> None:
    data = cli("list", "--json").json()
    listed = {s["name"]: (s["relPath"], s["origin"]) for s in data}
    assert listed == {"alpha": ("alpha", "local"), "_team__tools__beta": ("_team/tools/beta",
                                                                          "tracked")}
    text = cli("list").out
    assert "alpha" in text and "first skill" in text and "tracked: _team" in text


def test_doctor_passes_then_fails_on_a_problem(cli: CliRunner, ready: Path, home: Path) -> None:
    cli("sync")
    healthy = cli("doctor")
    assert healthy.code == 0, healthy.out
    assert "0 errors" in healthy.out
    write_config(home, "targets:\n  claude: {}\n  broken:\n    path: ~/blocker/skills\n")
    (home / "blocker").mkdir()
    (home / "blocker/skills").write_text("a file")
    sick = cli("doctor", "--json")
    assert sick.code == 1
    errors = [c for c in sick.json()["checks"] if c["status"] == "error"]
    assert errors and errors[0]["name"] == "target broken"


def test_doctor_reports_a_broken_config_with_exit_1(cli: CliRunner, home: Path) -> None:
    write_config(home, "mode: [\n")
    result = cli("doctor")
    assert result.code == 1
    assert "cannot parse config" in result.out


def test_log_records_commands(cli: CliRunner, ready: Path) -> None:
    cli("sync")
    cli("sync", "--dry-run")
    cli("status")
    entries = [json.loads(line) for line in cli("log", "--json").out.splitlines()]  # JSON lines
    commands = [e["cmd"] for e in entries]
    assert commands == ["init", "sync"]
    entry = entries[-1]
    assert entry["status"] == "ok" and isinstance(entry["ms"], float) and "ts" in entry
    assert "sync" in cli("log", "--tail", "1").out


# -- target -----------------------------------------------------------------------------------


def test_target_add_list_info_and_edit(cli: CliRunner, ready: Path, home: Path,
                                       tmp_path: Path) -> None:
    added = cli("target", "add", "my-tool", str(tmp_path / "tool-skills"), "--mode", "copy")
    assert added.code == 0, added.err
    assert "Added target my-tool" in added.out
    listing = cli("target", "list", "--json").json()["targets"]
    assert [(t["name"], t["mode"]) for t in listing] == [("claude", "merge"), ("my-tool", "copy")]
    edited = cli("target", "claude", "--mode", "symlink", "--add-include", "a*")
    assert edited.code == 0
    assert "mode: merge -> symlink" in edited.out and "added include: a*" in edited.out
    info = cli("target", "claude", "--json").json()
    assert (info["mode"], info["include"]) == ("symlink", ["a*"])
    cli("target", "claude", "--remove-include", "a*", "--mode", "merge")
    info = cli("target", "claude", "--json").json()
    assert (info["mode"], info["include"]) == ("merge", [])
    text = cli("target", "claude").out
    assert "Target: claude" in text and "Mode:    merge" in text


@pytest.mark.parametrize(("argv", "code", "message"), [
    (["add", "my-tool"], 2, "needs a path"),
    (["add", "Bad Name", "/x"], 2, "invalid target name"),
    (["add", "add", "/x"], 2, "reserved word"),
    (["add", "claude"], 1, "already exists"),
    (["add", "agents2", "~/.claude/skills"], 1, "already the folder of target 'claude'"),
    (["add", "inside", "~/.config/skillshare/skills/x"], 1, "overlaps the source"),
    (["add", "x", "/y", "--mode", "fast"], 2, "invalid mode"),
    (["nosuch"], 1, "target 'nosuch' not found"),
    (["claude", "--add-include", "[x"], 2, "invalid include pattern"),
    (["claude", "--mode", "fast"], 2, "invalid mode"),
    (["remove", "nosuch"], 1, "not found"),
    (["claude", "extra"], 2, "unexpected arguments"),
])
def test_target_bad_input_changes_nothing(cli: CliRunner, ready: Path, home: Path, argv: list[str],
                                          code: int, message: str) -> None:
    config = home / ".config/skillshare/config.yaml"
    before = config.read_text()
    result = cli("target", *[os.path.expanduser(a) if a.startswith("~") else a for a in argv])
    assert result.code == code, result.err
    assert message in result.err
    assert config.read_text() == before


def test_target_add_file_path_is_refused(cli: CliRunner, ready: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    result = cli("target", "add", "filer", str(tmp_path / "afile"))
    assert result.code == 2 and "is a file" in result.err


def test_target_remove_turns_links_into_copies(cli: CliRunner, ready: Path, home: Path,
                                               source: Path) -> None:
    cli("sync")
    make_skill(ready, "mine")
    result = cli("target", "remove", "claude", "--json")
    assert result.code == 0, result.err
    removed = result.json()["removed"][0]
    assert removed["converted"] == 2
    assert removed["backup"] and Path(removed["backup"]).parent.exists()
    for name in ("alpha", "_team__tools__beta"):
        path = ready / name
        assert path.is_dir() and not path.is_symlink()
    assert (ready / "alpha/SKILL.md").read_text() == (source / "alpha/SKILL.md").read_text()
    assert (ready / "mine/SKILL.md").exists()
    assert cli("target", "list", "--json").json()["targets"] == []
    assert (source / "alpha/SKILL.md").exists()


def test_target_remove_symlink_mode_leaves_a_real_folder(cli: CliRunner, ready: Path,
                                                         source: Path) -> None:
    cli("target", "claude", "--mode", "symlink")
    cli("sync")
    assert ready.is_symlink()
    assert cli("target", "remove", "claude").code == 0
    assert ready.is_dir() and not ready.is_symlink()
    assert (ready / "alpha/SKILL.md").exists()
    assert (source / "alpha/SKILL.md").exists()


def test_target_remove_dry_run_changes_nothing(cli: CliRunner, ready: Path, home: Path) -> None:
    cli("sync")
    before = tree(home)
    result = cli("target", "remove", "claude", "--dry-run")
    assert result.code == 0 and "(dry run)" in result.out
    assert tree(home) == before


def test_daemon_entry_point_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    from skillshared.daemon.main import main

    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    assert "SIGHUP reloads the config" in capsys.readouterr().out


def test_an_internal_error_is_reported_without_a_traceback(cli: CliRunner, ready: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from skillshare import transport

    def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(transport, "call", broken)
    result = cli("status")
    assert result.code == 1
    assert "internal error: RuntimeError: boom" in result.err
    assert "Traceback" not in result.err


def test_target_remove_keeps_a_folder_another_target_uses(cli: CliRunner, home: Path,
                                                          source: Path) -> None:
    make_skill(source, "alpha")
    write_config(home, "targets:\n  universal: {}\n  warp: {}\n")
    cli("sync")
    result = cli("target", "remove", "warp", "--json")
    assert result.code == 0, result.err
    assert result.json()["removed"][0]["shared"] is True
    assert os.path.islink(home / ".agents/skills/alpha")
    assert [t["name"] for t in cli("target", "list", "--json").json()["targets"]] == [
        "universal"]


def test_log_rejects_a_negative_tail(cli: CliRunner, ready: Path) -> None:
    result = cli("log", "--tail", "-1")
    assert result.code == 2 and "--tail must be 0 or more" in result.err


def test_log_retention_follows_the_config(cli: CliRunner, ready: Path, home: Path) -> None:
    config = home / ".config/skillshare/config.yaml"
    config.write_text(config.read_text() + "log:\n  max_entries: 2\n")
    for _ in range(5):
        assert cli("sync").code == 0
    assert len(cli("log", "--json", "--tail", "0").out.splitlines()) <= 3
