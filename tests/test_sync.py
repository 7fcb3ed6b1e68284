"""`skillshare sync` on real folders: the three modes, ownership, force, guard, idempotence."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner, make_skill, tree, write_config


@pytest.fixture
def setup(home: Path, source: Path) -> dict[str, Path]:
    """Three skills and one target (claude, merge mode)."""
    for rel in ("alpha", "beta", "group/gamma"):
        make_skill(source, rel, files={"notes/ref.md": f"about {rel}\n"})
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    return {"source": source, "target": home / ".claude/skills"}


def sync(cli: CliRunner, *args: str) -> dict[str, Any]:
    result = cli("sync", "--json", *args)
    assert result.code in (0, 1), result.err
    data: dict[str, Any] = result.json()
    data["_code"] = result.code
    return data


def only_target(report: Mapping[str, Any]) -> dict[str, Any]:
    rows = report["results"] if "results" in report else report["targets"]  # CLI, engine
    assert len(rows) == 1
    target: dict[str, Any] = rows[0]
    return target


def test_merge_links_every_skill_with_absolute_links(cli: CliRunner,
                                                     setup: dict[str, Path]) -> None:
    report = sync(cli)
    target = setup["target"]
    assert sorted(os.listdir(target)) == ["alpha", "beta", "group__gamma"]
    assert os.readlink(target / "group__gamma") == str(setup["source"] / "group/gamma")
    assert (target / "alpha" / "notes/ref.md").read_text() == "about alpha\n"
    line = only_target(report)
    assert (line["linked"], line["local"], line["updated"], line["pruned"]) == (3, 0, 0, 0)
    assert line["created_dir"] is True
    assert line["changed"] == len(line["changes"]) == 3


def test_max_changes_caps_the_list_but_changed_counts_all(setup: dict[str, Path]) -> None:
    from skillshared.catalog import skills
    from skillshared.core import config_file
    from skillshared.core.paths import Paths
    from skillshared.engine import reconcile

    config = config_file.load(Paths.from_env().global_scope())
    report = reconcile.sync(config, skills.discover(config.source), max_changes=2)
    line = only_target(report)
    assert line["changed"] == 3 and line["linked"] == 3
    assert len(line["changes"]) == 2
    assert sorted(os.listdir(setup["target"])) == ["alpha", "beta", "group__gamma"]


def test_second_sync_changes_nothing(cli: CliRunner, setup: dict[str, Path]) -> None:
    sync(cli)
    before = tree(setup["target"])
    again = only_target(sync(cli))
    assert again["changes"] == []
    assert tree(setup["target"]) == before


def test_text_output_has_one_line_per_target(cli: CliRunner, setup: dict[str, Path]) -> None:
    (setup["target"] / "mine").mkdir(parents=True)
    result = cli("sync")
    assert result.code == 0
    assert "✓ claude: 3 linked (merge: 3 skills, 1 local)" in result.out
    assert "Sync complete: 1 target" in result.out


def test_pruning_removes_our_links_to_removed_skills(cli: CliRunner,
                                                     setup: dict[str, Path]) -> None:
    sync(cli)
    for rel in ("beta",):
        for path in sorted((setup["source"] / rel).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        (setup["source"] / rel).rmdir()
    line = only_target(sync(cli))
    assert line["pruned"] == 1
    assert not os.path.lexists(setup["target"] / "beta")
    assert os.path.islink(setup["target"] / "alpha")


def plant(target: Path, kind: str, elsewhere: Path) -> None:
    """Put a user's entry of ``kind`` at the skill name ``alpha`` in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    entry = target / "alpha"
    if kind == "file":
        entry.write_text("my notes")
    elif kind == "folder":
        make_skill(target, "alpha", body="my own version\n")
    elif kind == "foreign-link":
        elsewhere.mkdir(exist_ok=True)
        entry.symlink_to(elsewhere)
    elif kind == "broken-link":
        entry.symlink_to(elsewhere / "gone")
    else:
        entry.symlink_to("alpha")


@pytest.mark.parametrize("kind", ["file", "folder", "foreign-link", "broken-link", "loop"])
def test_user_entry_at_a_skill_name_is_never_changed(cli: CliRunner, setup: dict[str, Path],
                                                     tmp_path: Path, kind: str) -> None:
    target = setup["target"]
    plant(target, kind, tmp_path / "elsewhere")
    before = tree(target)
    report = sync(cli)
    line = only_target(report)
    assert [c["name"] for c in line["conflicts"]] == ["alpha"]
    assert line["status"] == "warning"
    after = tree(target)
    assert {k: v for k, v in after.items() if k.startswith("alpha")} == before
    assert os.path.islink(target / "beta")
    # and a second sync still leaves it alone and changes nothing else
    assert only_target(sync(cli))["changes"] == []
    assert tree(target) == after


@pytest.mark.parametrize("kind", ["file", "folder", "foreign-link", "broken-link"])
def test_force_backs_up_then_replaces(cli: CliRunner, setup: dict[str, Path], tmp_path: Path,
                                      kind: str) -> None:
    target = setup["target"]
    entry = target / "alpha"
    plant(target, kind, tmp_path / "elsewhere")
    before = tree(target)
    report = sync(cli, "--force")
    line = only_target(report)
    assert os.readlink(entry) == str(setup["source"] / "alpha")
    assert [f["name"] for f in line["forced"]] == ["alpha"]
    saved = Path(line["forced"][0]["backup"])
    if kind == "file":
        assert saved.read_bytes().hex() == before["alpha"][1]
    elif kind == "folder":
        backed_up = {str(Path("alpha") / k): v for k, v in tree(saved).items()}
        assert backed_up == {k: v for k, v in before.items() if k != "alpha"}
    else:  # links are recorded in the backup's manifest
        assert saved.name == "claude.json"
        entries = json.loads(saved.read_text())["entries"]
        assert {"path": "alpha", "type": "link", "link": before["alpha"][1]} in entries


def test_identical_real_folder_is_relinked(cli: CliRunner, setup: dict[str, Path]) -> None:
    target = setup["target"]
    target.mkdir(parents=True)
    make_skill(target, "alpha", files={"notes/ref.md": "about alpha\n"})
    line = only_target(sync(cli))
    assert os.path.islink(target / "alpha")
    assert line["conflicts"] == []
    assert {"action": "adopt", "name": "alpha"} in line["changes"]


def test_mass_delete_guard_holds_back_pruning(cli: CliRunner, home: Path, source: Path) -> None:
    for index in range(10):
        make_skill(source, f"s{index}")
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    sync(cli)
    target = home / ".claude/skills"
    for index in range(8):
        for path in (source / f"s{index}").iterdir():
            path.unlink()
        (source / f"s{index}").rmdir()
    report = sync(cli)
    line = only_target(report)
    assert line["guard"] and "8 of 10" in line["guard"]
    assert report["_code"] == 1
    assert len(os.listdir(target)) == 10
    forced = only_target(sync(cli, "--force"))
    assert forced["pruned"] == 8
    assert sorted(os.listdir(target)) == ["s8", "s9"]


def test_emptied_source_prunes_nothing(cli: CliRunner, setup: dict[str, Path]) -> None:
    sync(cli)
    for path in sorted(setup["source"].rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    report = sync(cli)
    line = only_target(report)
    assert "source is missing or empty" in line["guard"]
    assert len(os.listdir(setup["target"])) == 3


def test_missing_source_is_an_error_and_changes_nothing(cli: CliRunner, home: Path) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    result = cli("sync")
    assert result.code == 1
    assert "source folder does not exist" in result.err
    assert not (home / ".claude").exists()


def test_target_path_that_is_a_file_fails_alone(cli: CliRunner, setup: dict[str, Path],
                                                home: Path) -> None:
    """(README, "How sync works") A target that fails does not stop the others; the exit
    code is 1."""
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n"
                       "  other:\n    path: ~/other-skills\n")
    (home / "other-skills").write_text("not a folder")
    result = cli("sync")
    assert result.code == 1
    assert "other" in result.out and "is a file, not a folder" in result.out
    assert "~/other-skills" in result.out  # (text: paths under home ~-shortened)
    assert sorted(os.listdir(setup["target"])) == ["alpha", "beta", "group__gamma"]
    assert (home / "other-skills").read_text() == "not a folder"


def test_unknown_target_name_is_refused(cli: CliRunner, setup: dict[str, Path]) -> None:
    result = cli("sync", "nosuch")
    assert result.code == 1
    assert "unknown target: nosuch" in result.err and "claude" in result.err
    assert not setup["target"].exists()


def test_dry_run_changes_nothing_and_lists_changes(cli: CliRunner, setup: dict[str, Path],
                                                   home: Path) -> None:
    result = cli("sync", "--dry-run")
    assert result.code == 0
    assert "link alpha" in result.out
    assert not setup["target"].exists()
    assert not (home / ".local/share/skillshare/backups").exists()


def test_filters_and_per_skill_targets(cli: CliRunner, home: Path, source: Path) -> None:
    make_skill(source, "team-a")
    make_skill(source, "team-b-draft")
    make_skill(source, "solo")
    make_skill(source, "codex-only", frontmatter="name: codex-only\ntargets: [codex]\n")
    write_config(home, "targets:\n"
                       "  claude:\n    path: ~/.claude/skills\n"
                       "    include: ['team-*', codex-only]\n    exclude: ['*-draft']\n"
                       "  codex:\n    path: ~/.codex/skills\n")
    sync(cli)
    assert sorted(os.listdir(home / ".claude/skills")) == ["team-a"]
    assert sorted(os.listdir(home / ".codex/skills")) == ["codex-only", "solo", "team-a",
                                                          "team-b-draft"]
    # narrowing a filter prunes what it no longer lets through
    write_config(home, "targets:\n"
                       "  claude:\n    path: ~/.claude/skills\n    include: ['x-*']\n"
                       "  codex:\n    path: ~/.codex/skills\n")
    line = sync(cli)["results"][0]
    assert line["pruned"] == 1
    assert os.listdir(home / ".claude/skills") == []


def test_symlink_mode_links_the_whole_folder(cli: CliRunner, home: Path, setup: dict[str, Path]
                                             ) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n    mode: symlink\n")
    report = sync(cli)
    assert os.readlink(setup["target"]) == str(setup["source"])
    assert only_target(report)["changes"] == [{"action": "link_target", "name": ""}]
    assert "✓ claude: nothing to do (symlink)" in cli("sync").out


def test_switching_symlink_to_merge_and_back(cli: CliRunner, home: Path, setup: dict[str, Path]
                                             ) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n    mode: symlink\n")
    sync(cli)
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    sync(cli)
    assert setup["target"].is_dir() and not setup["target"].is_symlink()
    assert os.path.islink(setup["target"] / "alpha")
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n    mode: symlink\n")
    sync(cli)
    assert os.readlink(setup["target"]) == str(setup["source"])


def test_symlink_mode_keeps_a_folder_with_local_skills(cli: CliRunner, home: Path,
                                                       setup: dict[str, Path]) -> None:
    make_skill(setup["target"], "local-only")
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n    mode: symlink\n")
    before = tree(setup["target"])
    line = only_target(sync(cli))
    assert line["status"] == "warning" and "not ours" in line["conflicts"][0]["reason"]
    assert tree(setup["target"]) == before


def test_copy_mode_copies_and_tracks_edits(cli: CliRunner, home: Path,
                                           setup: dict[str, Path]) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n    mode: copy\n")
    line = only_target(sync(cli))
    target = setup["target"]
    assert line["new"] == 3
    assert (target / "alpha").is_dir() and not (target / "alpha").is_symlink()
    manifest = json.loads((target / ".skillshare-manifest.json").read_text())
    assert sorted(manifest["managed"]) == ["alpha", "beta", "group__gamma"]
    assert only_target(sync(cli))["up_to_date"] == 3
    # an edit in the source reaches the copy
    (setup["source"] / "alpha/SKILL.md").write_text("---\nname: alpha\n---\nnew text\n")
    line = only_target(sync(cli))
    assert line["updated"] == 1
    assert "new text" in (target / "alpha/SKILL.md").read_text()
    # an edit in the target is a conflict: never overwritten
    (target / "beta/SKILL.md").write_text("edited by hand\n")
    (setup["source"] / "beta/SKILL.md").write_text("---\nname: beta\n---\nsource edit\n")
    line = only_target(sync(cli))
    assert [c["name"] for c in line["conflicts"]] == ["beta"]
    assert (target / "beta/SKILL.md").read_text() == "edited by hand\n"
    # a user's own folder in a copy target is left alone
    make_skill(target, "mine")
    only_target(sync(cli))
    assert (target / "mine/SKILL.md").exists()


def test_copy_mode_prunes_unedited_copies_only(cli: CliRunner, home: Path, setup: dict[str, Path]
                                               ) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n    mode: copy\n")
    sync(cli)
    target = setup["target"]
    (target / "beta/notes/ref.md").write_text("my edit\n")
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n    mode: copy\n"
                       "    exclude: [alpha, beta]\n")
    line = only_target(sync(cli))
    assert not (target / "alpha").exists()
    assert (target / "beta/notes/ref.md").read_text() == "my edit\n"
    assert [c["name"] for c in line["conflicts"]] == ["beta"]


def test_merge_to_copy_and_back(cli: CliRunner, home: Path, setup: dict[str, Path]) -> None:
    sync(cli)
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n    mode: copy\n")
    line = only_target(sync(cli))
    target = setup["target"]
    assert line["new"] == 3 and not (target / "alpha").is_symlink()
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    line = only_target(sync(cli))
    assert os.path.islink(target / "alpha")
    assert not (target / ".skillshare-manifest.json").exists()
    assert line["conflicts"] == []


def test_invalid_and_escaping_skills_are_reported_not_linked(cli: CliRunner, setup: dict[str, Path],
                                                             tmp_path: Path) -> None:
    make_skill(setup["source"], "bad name")
    leaky = make_skill(setup["source"], "leaky")
    (leaky / "secrets").symlink_to(tmp_path)
    report = sync(cli)
    reasons = {item["path"]: item["reason"] for item in report["invalid"]}
    assert "bad name" in reasons and "leaky" in reasons
    assert "outside the skill" in reasons["leaky"]
    assert not os.path.lexists(setup["target"] / "leaky")
    assert not os.path.lexists(setup["target"] / "bad name")


def test_bad_frontmatter_is_synced_and_reported(cli: CliRunner, setup: dict[str, Path]) -> None:
    (setup["source"] / "alpha/SKILL.md").write_text("---\nname: [unclosed\n---\nbody\n")
    report = sync(cli)
    assert [p["path"] for p in report["frontmatter"]] == ["alpha"]
    assert os.path.islink(setup["target"] / "alpha")


def test_collision_messages(cli: CliRunner, home: Path, source: Path) -> None:
    make_skill(source, "_team-a/frontend/ui", name="ui")
    make_skill(source, "_team-b/components/ui", name="ui")
    make_skill(source, "x/api", name="api")
    make_skill(source, "y/api", name="api")
    write_config(home, "targets:\n"
                       "  claude:\n    path: ~/.claude/skills\n    exclude: ['y__*']\n"
                       "  codex:\n    path: ~/.codex/skills\n    exclude: ['x__*', 'y__*']\n")
    out = cli("sync").out
    assert "⚠ Target 'claude': skill name 'ui' is defined in multiple places:" in out
    assert "    - _team-a/frontend/ui\n    - _team-b/components/ui" in out
    assert "Rename one in SKILL.md or adjust include/exclude filters" in out
    assert "ℹ Duplicate skill names exist but are isolated by target filters:" in out
    assert "'api' (2 definitions)" in out


def test_a_failing_target_does_not_stop_the_others(cli: CliRunner, home: Path,
                                                   setup: dict[str, Path]) -> None:
    write_config(home, "targets:\n  blocked:\n    path: ~/blocker/skills\n"
                       "  claude:\n    path: ~/.claude/skills\n")
    (home / "blocker").write_text("a file where a folder should be")
    report = sync(cli)
    by_name = {t["name"]: t for t in report["results"]}
    assert by_name["blocked"]["status"] == "error"
    assert "Not a directory" in by_name["blocked"]["error"]
    assert by_name["claude"]["status"] == "ok" and by_name["claude"]["linked"] == 3
    assert report["_code"] == 1
    assert (home / "blocker").read_text() == "a file where a folder should be"


def test_a_read_only_target_fails_alone(cli: CliRunner, home: Path, setup: dict[str, Path]) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n"
                       "  locked:\n    path: ~/locked/skills\n")
    locked = home / "locked/skills"
    locked.mkdir(parents=True)
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write to read-only folders")
        report = sync(cli)
    finally:
        locked.chmod(0o700)
    by_name = {t["name"]: t for t in report["results"]}
    assert by_name["locked"]["status"] == "error"
    assert "Permission denied" in by_name["locked"]["error"]
    assert by_name["claude"]["status"] == "ok"
    assert report["_code"] == 1


def test_targets_sharing_a_folder_are_synced_together(cli: CliRunner, home: Path,
                                                      source: Path) -> None:
    make_skill(source, "a-one")
    make_skill(source, "b-two")
    write_config(home, "targets:\n"
                       "  universal:\n    include: ['a-*']\n"
                       "  warp:\n    include: ['b-*']\n")
    report = sync(cli)
    assert [t["name"] for t in report["results"]] == ["universal"]
    assert report["results"][0]["also"] == ["warp"]
    assert sorted(os.listdir(home / ".agents/skills")) == ["a-one", "b-two"]
    assert only_target(sync(cli))["changes"] == []


def test_target_folder_behind_a_foreign_symlink_is_followed(cli: CliRunner, home: Path,
                                                            source: Path,
                                                            tmp_path: Path) -> None:
    make_skill(source, "alpha")
    real = tmp_path / "dotfiles/claude-skills"
    real.mkdir(parents=True)
    (home / ".claude").mkdir()
    (home / ".claude/skills").symlink_to(real)
    write_config(home, "targets:\n  claude: {}\n")
    sync(cli)
    assert os.readlink(home / ".claude/skills") == str(real)
    assert os.path.islink(real / "alpha")


def test_sync_backs_up_a_target_before_changing_it(cli: CliRunner, home: Path,
                                                   setup: dict[str, Path]) -> None:
    sync(cli)  # first sync: the target was empty, nothing to back up
    backups = home / ".local/share/skillshare/backups"
    assert not backups.exists() or not os.listdir(backups)
    make_skill(setup["source"], "delta")
    added = sync(cli)  # only adds: a backup could give back nothing it takes away
    assert added["backup"] is None and (home / ".claude/skills/delta").is_symlink()
    shutil.rmtree(setup["source"] / "beta")
    report = sync(cli)  # prunes beta's link: backed up first
    assert report["backup"]["path"]
    manifest = json.loads((Path(report["backup"]["path"]) / "claude.json").read_text())
    links = {e["path"]: e["link"] for e in manifest["entries"] if e["type"] == "link"}
    assert links == {n: str(setup["source"] / p) for n, p in
                     (("alpha", "alpha"), ("beta", "beta"), ("delta", "delta"),
                      ("group__gamma", "group/gamma"))}
    # nothing changed since: no new backup, even though the sync adds nothing either
    again = sync(cli)
    assert again["backup"] is None
    assert len([n for n in os.listdir(backups) if not n.startswith(".")]) == 1


def test_json_output_fields(cli: CliRunner, setup: dict[str, Path]) -> None:
    report = sync(cli)
    for key in ("scope", "source", "skills", "dry_run", "force", "targets", "results", "backup",
                "invalid", "frontmatter", "ignored", "collisions", "summary", "duration_ms"):
        assert key in report
    for key in ("name", "path", "mode", "status", "linked", "local", "updated", "pruned", "new",
                "up_to_date", "changes", "conflicts", "guard", "error", "backup", "forced"):
        assert key in report["results"][0]


def test_a_target_whose_manifest_cannot_be_written_fails_alone(cli: CliRunner, home: Path,
                                                              setup: dict[str, Path]) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n"
                       "  copies:\n    path: ~/copies\n    mode: copy\n")
    (home / "copies/.skillshare-manifest.json").mkdir(parents=True)
    report = sync(cli)
    by_name = {t["name"]: t for t in report["results"]}
    assert by_name["copies"]["status"] == "error"
    assert "write manifest" in by_name["copies"]["error"]
    assert by_name["claude"]["status"] == "ok" and by_name["claude"]["linked"] == 3
    assert report["_code"] == 1


def test_a_damaged_manifest_is_reported_and_copies_are_kept(cli: CliRunner, home: Path,
                                                           setup: dict[str, Path]) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n    mode: copy\n")
    sync(cli)
    target = setup["target"]
    (target / "alpha/SKILL.md").write_text("edited by hand\n")
    (target / ".skillshare-manifest.json").write_text("{not json")
    line = only_target(sync(cli))
    reasons = {c["name"]: c["reason"] for c in line["conflicts"]}
    assert "damaged" in reasons[".skillshare-manifest.json"]
    assert "alpha" in reasons  # no longer known to be ours: kept
    assert (target / "alpha/SKILL.md").read_text() == "edited by hand\n"
    assert line["up_to_date"] == 2  # identical copies are taken back


def test_a_target_that_cannot_be_backed_up_is_left_unchanged(cli: CliRunner, home: Path,
                                                            setup: dict[str, Path]) -> None:
    sync(cli)
    shutil.rmtree(setup["source"] / "beta")  # a prune: backed up first
    data = home / ".local/share/skillshare"
    data.mkdir(parents=True, exist_ok=True)
    (data / "backups").write_text("not a folder")
    before = tree(setup["target"])
    report = sync(cli)
    line = only_target(report)
    assert line["status"] == "error" and "backup failed" in line["error"]
    assert tree(setup["target"]) == before
    assert report["_code"] == 1
