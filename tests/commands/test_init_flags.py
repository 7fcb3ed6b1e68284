"""``init``'s flags: --copy-from/--no-copy, --git/--no-git/--git-root, --skill/--no-skill,
--subdir, --discover/--select, --remote on an existing setup, --no-tui; bad values change
nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import CliRunner, make_skill, tree, write_config

CONFIG = Path(".config/skillshare/config.yaml")


def _config(home: Path) -> dict[str, object]:
    return yaml.safe_load((home / CONFIG).read_text())  # type: ignore[no-any-return]


def _user_files(home: Path) -> dict[str, tuple[str, str]]:
    """Everything under ``home`` but the tool's own state (the lock of a command)."""
    return {k: v for k, v in tree(home).items() if not k.startswith(".local/state")
            and k not in (".local", ".local/state")}


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True,
                          check=True).stdout


def test_copy_from_a_builtin_target_copies_its_skills(cli: CliRunner, home: Path,
                                                      source: Path) -> None:
    claude = home / ".claude/skills"
    make_skill(claude, "pdf", files={"ref.md": "r\n"})
    make_skill(claude, "review")
    (claude / ".hidden").mkdir()
    (claude / "linked").symlink_to(home)  # a link is not copied (or followed)
    before = tree(claude)
    result = cli("init", "--copy-from", "claude", "--no-targets", "--json")
    assert result.code == 0, result.err
    doc = result.json()
    assert doc["copied"] == ["pdf", "review"] and doc["copied_from"] == str(claude)
    assert (source / "pdf/ref.md").read_text() == "r\n"
    assert not (source / "linked").exists() and not (source / ".hidden").exists()
    assert tree(claude) == before  # the origin is only read


def test_copy_from_a_path_skips_names_the_source_has(cli: CliRunner, home: Path,
                                                     source: Path, work: Path) -> None:
    make_skill(work / "mine", "a", body="new\n")
    make_skill(work / "mine", "b")
    make_skill(source, "a", body="kept\n")
    result = cli("init", "-c", str(work / "mine"), "--no-targets", "--json").json()
    assert result["copied"] == ["b"] and result["copy_skipped"] == ["a"]
    assert "kept" in (source / "a/SKILL.md").read_text()


def test_copy_from_dry_run_copies_nothing(cli: CliRunner, home: Path, source: Path) -> None:
    make_skill(home / ".claude/skills", "pdf")
    result = cli("init", "--copy-from", "claude", "-n", "--json").json()
    assert result["copied"] == ["pdf"] and result["dry_run"] is True
    assert not (home / ".config").exists()


@pytest.mark.parametrize("argv,message", [
    (["--copy-from", "nowhere"], "--copy-from nowhere"),
    (["--copy-from", "claude", "--no-copy"], "use only one of --copy-from, --no-copy"),
    (["--git", "--no-git"], "use only one of --git, --no-git"),
    (["--skill", "--no-skill"], "use only one of --skill, --no-skill"),
    (["--git-root", "everything"], "invalid --git-root 'everything'"),
    (["--git-root", "skills", "--no-git"], "--git-root cannot be combined with --no-git"),
    (["--select", "cursor"], "--select requires --discover"),
    (["--discover", "--select", ","], "--select needs at least one name"),
    (["--subdir", "../up"], "invalid --subdir"),
    (["--subdir", "a/b"], "invalid --subdir"),
    (["--mode", "fast"], "invalid mode 'fast'"),
    (["--remote", "file:///x.git", "--no-git"], "--remote needs git"),
    (["--targets", "claude", "--all-targets"], "use only one of --targets"),
])
def test_bad_values_change_nothing(cli: CliRunner, home: Path, argv: list[str],
                                   message: str) -> None:
    make_skill(home / ".claude/skills", "pdf")
    before = _user_files(home)
    result = cli("init", *argv)
    assert result.code in (1, 2) and message in result.err, result.err
    assert _user_files(home) == before


@pytest.mark.parametrize("flag", ["--remote=file:///x.git", "--git", "--copy-from=claude",
                                  "--skill", "--subdir=skills", "--git-root=skills"])
def test_project_mode_refuses_the_global_flags(cli: CliRunner, work: Path, flag: str) -> None:
    result = cli("init", "-p", flag)
    assert result.code == 2 and "is for the global setup" in result.err
    assert not (work / ".skillshare").exists()


def test_git_makes_a_repository_with_a_first_commit(cli: CliRunner, home: Path,
                                                    source: Path) -> None:
    make_skill(home / ".claude/skills", "pdf")
    result = cli("init", "--git", "--copy-from", "claude", "--json").json()
    assert result["git_init"] is True and result["warnings"] == []
    assert _git(source, "log", "--format=%s").strip() == "Initial skills"
    assert _git(source, "ls-files").split() == ["pdf/SKILL.md"]


def test_git_without_an_identity_still_commits(cli: CliRunner, home: Path, source: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var)
    monkeypatch.setenv("EMAIL", "")
    result = cli("init", "--git", "--skill", "--no-targets", "--json").json()
    assert result["warnings"] == []
    assert _git(source, "log", "--format=%s %an").strip() == "Initial skills skillshare"
    assert "user.email" not in _git(source, "config", "--local", "--list")


def test_no_git_is_the_default_and_git_root_skills_means_git(cli: CliRunner, home: Path,
                                                              source: Path) -> None:
    assert cli("init", "--no-git", "--no-targets").code == 0
    assert not (source / ".git").exists()
    (home / CONFIG).unlink()
    assert cli("init", "--git-root", "skills", "--no-targets").code == 0
    assert (source / ".git").is_dir()


def test_git_root_root_versions_the_config_folder_without_the_config(
        cli: CliRunner, home: Path, source: Path) -> None:
    base = home / ".config/skillshare"
    result = cli("init", "--git-root", "root", "--skill", "--no-targets", "--json")
    assert result.code == 0, result.err
    assert result.json()["git_root"] == "root" and result.json()["git_init"] is True
    assert result.json()["repo"] == str(base)
    assert _config(home)["git_root"] == "root"
    assert (base / ".git").is_dir() and not (source / ".git").exists()
    tracked = _git(base, "ls-files").split()
    assert "skills/skillshare/SKILL.md" in tracked and "config.yaml" not in tracked
    assert "config.yaml" in (base / ".gitignore").read_text()


def test_git_root_agents_on_an_existing_setup(cli: CliRunner, home: Path,
                                              configured: Path) -> None:
    agents = home / ".config/skillshare/agents"
    preview = cli("init", "--git-root", "agents", "-n", "--json").json()
    assert preview["git_init"] is True and "git_root" not in _config(home)
    assert not agents.exists()
    result = cli("init", "--git-root", "agents", "--remote", "file:///srv/agents.git",
                 "--json")
    assert result.code == 0, result.err
    doc = result.json()
    assert doc["action"] == "git-root" and doc["repo"] == str(agents)
    assert _config(home)["git_root"] == "agents"
    assert _git(agents, "remote", "get-url", "origin").strip() == "file:///srv/agents.git"
    assert not (configured / ".git").exists()
    assert cli("init", "--git-root", "skills").code == 0  # back: the key goes, no move
    assert "git_root" not in _config(home) and (agents / ".git").is_dir()
    assert (configured / ".git").is_dir()


def test_skill_adds_the_builtin_skill(cli: CliRunner, home: Path, source: Path) -> None:
    result = cli("init", "--skill", "--no-targets", "--json").json()
    assert result["skill_installed"] is True
    text = (source / "skillshare/SKILL.md").read_text()
    assert text.startswith("---\nname: skillshare\n") and "skillshare sync" in text
    listed = cli("list", "--json")
    assert "skillshare" in listed.out


def test_skill_leaves_an_existing_skillshare_folder(cli: CliRunner, source: Path) -> None:
    make_skill(source, "skillshare", body="mine\n")
    result = cli("init", "--skill", "--no-targets", "--json").json()
    assert result["skill_installed"] is False
    assert "mine" in (source / "skillshare/SKILL.md").read_text()


def test_no_skill_and_no_tui_are_harmless(cli: CliRunner, source: Path) -> None:
    assert cli("init", "--no-skill", "--no-tui", "--no-copy", "--no-targets").code == 0
    assert not (source / "skillshare").exists()


def test_subdir_keeps_the_skills_in_a_subfolder(cli: CliRunner, home: Path,
                                                source: Path) -> None:
    result = cli("init", "--subdir", "skills", "--git", "--skill", "--no-targets", "--json")
    assert result.code == 0, result.err
    assert result.json()["source"] == str(source / "skills")
    assert _config(home)["source"] == "~/.config/skillshare/skills/skills"
    assert (source / ".git").is_dir() and (source / "skills/skillshare/SKILL.md").is_file()
    assert cli("init", "--remote", "file:///srv/skills.git").code == 0
    assert _git(source, "remote", "get-url", "origin").strip() == "file:///srv/skills.git"
    assert not (source / "skills/.git").exists()  # the repository above is used


def test_init_makes_the_agents_folder(cli: CliRunner, home: Path) -> None:
    result = cli("init", "--no-targets", "--json").json()
    assert Path(result["agents_source"]).is_dir()
    assert result["agents_source"] == str(home / ".config/skillshare/agents")


# -- an existing setup -------------------------------------------------------------------------


def test_init_again_is_refused_with_the_discover_hint(cli: CliRunner, home: Path,
                                                      configured: Path) -> None:
    for argv in (["init"], ["init", "--git"], ["init", "--copy-from", "claude"]):
        result = cli(*argv)
        assert result.code == 1 and "init --discover" in result.err


def test_discover_adds_the_tools_found_since(cli: CliRunner, home: Path) -> None:
    (home / ".claude").mkdir()
    assert cli("init").code == 0
    (home / ".cursor").mkdir()
    (home / ".codex").mkdir()
    before = (home / CONFIG).read_text()
    preview = cli("init", "--discover", "-n", "--json").json()
    assert {t["name"] for t in preview["added"]} >= {"cursor", "codex"}
    assert (home / CONFIG).read_text() == before
    result = cli("init", "-d", "--json")
    assert result.code == 0, result.err
    targets = _config(home)["targets"]
    assert isinstance(targets, dict) and {"claude", "cursor", "codex"} <= set(targets)
    again = cli("init", "--discover", "--json").json()
    assert again["found"] == [] and again["added"] == []
    assert "No new AI CLI found" in cli("init", "--discover").out


def test_discover_select_and_mode_only_on_the_new_targets(cli: CliRunner, home: Path) -> None:
    (home / ".claude").mkdir()
    assert cli("init").code == 0
    (home / ".cursor").mkdir()
    (home / ".codex").mkdir()
    result = cli("init", "--discover", "--select", "cursor,claude,nosuch,windsurf",
                 "--mode", "copy", "--json").json()
    assert [t["name"] for t in result["added"]] == ["cursor"]
    assert {s["name"]: s["reason"] for s in result["skipped"]} == {
        "claude": "already a target", "nosuch": "not a built-in target",
        "windsurf": "not found on this machine"}
    targets = _config(home)["targets"]
    assert isinstance(targets, dict)
    assert targets["cursor"]["mode"] == "copy"
    assert "codex" not in targets and not (targets["claude"] or {}).get("mode")


def test_discover_in_a_project(cli: CliRunner, work: Path) -> None:
    assert cli("init", "-p", "--no-targets").code == 0
    (work / ".claude").mkdir()
    result = cli("init", "-p", "--discover", "--json").json()
    assert [t["name"] for t in result["added"]] == ["claude"]
    assert result["added"][0]["path"] == str(work / ".claude/skills")
    assert yaml.safe_load((work / ".skillshare/config.yaml").read_text())["targets"] == [
        "claude"]


def test_remote_on_an_existing_setup(cli: CliRunner, home: Path, configured: Path) -> None:
    make_skill(configured, "pdf")
    result = cli("init", "--remote", "file:///srv/skills.git", "--json")
    assert result.code == 0, result.err
    doc = result.json()
    assert doc["action"] == "remote" and doc["git_init"] and doc["remote_added"]
    assert _git(configured, "remote", "get-url", "origin").strip() == "file:///srv/skills.git"
    assert _git(configured, "log", "--format=%s").strip() == "Initial skills"
    same = cli("init", "--remote", "file:///srv/skills.git", "--json").json()
    assert same["remote_added"] is False and same["git_init"] is False
    other = cli("init", "--remote", "file:///srv/other.git")
    assert other.code == 1 and "already has the remote origin" in other.err
    assert _git(configured, "remote", "get-url", "origin").strip() == "file:///srv/skills.git"


def test_remote_dry_run_on_an_existing_setup(cli: CliRunner, configured: Path) -> None:
    result = cli("init", "--remote", "file:///srv/skills.git", "-n", "--json").json()
    assert result["git_init"] is True and result["dry_run"] is True
    assert not (configured / ".git").exists()


def test_remote_on_an_existing_repository_makes_no_commit(cli: CliRunner, home: Path,
                                                          configured: Path) -> None:
    _git(configured, "init", "--quiet")
    make_skill(configured, "wip")
    assert cli("init", "--remote", "file:///srv/skills.git").code == 0
    assert "wip/" in _git(configured, "status", "--porcelain")  # the user's change is left


def test_the_default_mode_is_written_for_a_discovered_target_only_when_it_differs(
        cli: CliRunner, home: Path) -> None:
    write_config(home, "mode: copy\ntargets: {}\n")
    (home / ".config/skillshare/skills").mkdir(parents=True)
    (home / ".cursor").mkdir()
    assert cli("init", "--discover", "--mode", "copy").code == 0
    targets = _config(home)["targets"]
    assert isinstance(targets, dict) and "mode" not in (targets["cursor"] or {})


def test_a_new_config_starts_with_the_schema_comment(cli: CliRunner, home: Path,
                                                     work: Path) -> None:
    assert cli("init", "--no-targets").code == 0
    first = (home / CONFIG).read_text().splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=") and "/config.schema" in first
    assert cli("init", "-p", "--no-targets").code == 0
    first = (work / ".skillshare/config.yaml").read_text().splitlines()[0]
    assert first.endswith("/project-config.schema.json")


def test_force_puts_the_schema_comment_first_and_keeps_the_rest(cli: CliRunner, home: Path,
                                                                configured: Path) -> None:
    text = "# my notes\nsource: ~/.config/skillshare/skills   # here\ntargets: {}\n"
    (home / CONFIG).write_text(text)
    preview = cli("init", "--force", "-n", "--json").json()
    assert preview["schema_added"] is True and (home / CONFIG).read_text() == text
    result = cli("init", "--force", "--json")
    assert result.code == 0, result.err
    assert result.json()["action"] == "schema" and result.json()["schema_added"] is True
    first, rest = (home / CONFIG).read_text().split("\n", 1)
    assert first.startswith("# yaml-language-server: $schema=") and rest == text
    again = cli("init", "-f")
    assert again.code == 0 and "already starts with the schema comment" in again.out
    assert (home / CONFIG).read_text() == first + "\n" + text


def test_config_local_keeps_the_project_config_out_of_git(cli: CliRunner, work: Path) -> None:
    assert cli("init", "-p", "--config", "local", "--no-targets").code == 0
    ignore = (work / ".skillshare/.gitignore").read_text()
    assert "config.yaml" in ignore and "logs/" in ignore
    _git(work, "init", "--quiet")
    assert _git(work, "check-ignore", ".skillshare/config.yaml").strip()


@pytest.mark.parametrize("argv,message", [
    (["-p", "--config", "shared"], "invalid --config 'shared'"),
    (["--config", "local"], "--config local is for a project")])
def test_config_bad_values(cli: CliRunner, work: Path, home: Path, argv: list[str],
                           message: str) -> None:
    result = cli("init", *argv)
    assert result.code == 2 and message in result.err
    assert not (work / ".skillshare").exists() and not (home / ".config").exists()


def test_a_global_flag_inside_a_project_means_the_global_setup(cli: CliRunner, home: Path,
                                                               work: Path) -> None:
    assert cli("init", "-p", "--no-targets").code == 0
    result = cli("init", "--git", "--no-targets", "--json")  # no -p/-g: global, as asked
    assert result.code == 0, result.err
    assert result.json()["scope"] == "global" and (home / CONFIG).is_file()
    assert (home / ".config/skillshare/skills/.git").is_dir()
    assert not (work / ".skillshare/skills/.git").exists()
    again = cli("init", "--discover", "--json").json()  # no global flag: the project
    assert again["scope"] == "project"


def test_a_source_repository_with_another_origin_is_refused_before_anything(
        cli: CliRunner, home: Path, source: Path) -> None:
    source.mkdir(parents=True)
    _git(source, "init", "--quiet")
    _git(source, "remote", "add", "origin", "file:///srv/mine.git")
    before = _user_files(home)
    result = cli("init", "--remote", "file:///srv/other.git", "--skill")
    assert result.code == 1 and "already has the remote origin" in result.err
    assert _user_files(home) == before and not (home / CONFIG).exists()


def test_copy_from_dry_run_lists_what_would_be_skipped(cli: CliRunner, home: Path,
                                                       source: Path) -> None:
    make_skill(home / ".claude/skills", "pdf")
    make_skill(home / ".claude/skills", "mine")
    make_skill(source, "mine")
    result = cli("init", "-c", "claude", "-n", "--json").json()
    assert result["copied"] == ["pdf"] and result["copy_skipped"] == ["mine"]


def test_the_text_names_the_repository_made(cli: CliRunner, home: Path) -> None:
    result = cli("init", "--git-root", "agents", "--no-targets")
    assert result.code == 0, result.err
    assert "Git:     a repository made in ~/.config/skillshare/agents" in result.out
    (home / CONFIG).unlink()
    plain = cli("init", "--git", "--no-targets")
    assert "Git:     a repository made in the source" in plain.out
