"""Sync never writes where it must not, one bad target never stops the others, copies
converge whatever a skill holds, "unchanged" is judged by more than size and time, and a
config kept in a dotfiles repository stays there."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner, make_skill, run_cli_process, tree, wait_for, write_config
from tests.invariants import Snapshot
from tests.test_sync import sync


def line(report: Mapping[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in report["results"] if t["name"] == name)


# -- a target path that is not a folder fails alone (README: "How sync works") ----------------


@pytest.mark.parametrize("kind", ["file", "dangling link", "link loop", "link to a file"])
def test_an_unusable_target_path_fails_alone(cli: CliRunner, home: Path, source: Path,
                                             kind: str) -> None:
    make_skill(source, "alpha")
    write_config(home, "targets:\n  bad:\n    path: ~/bad\n  good:\n    path: ~/good\n")
    bad = home / "bad"
    if kind == "file":
        bad.write_text("mine")
    elif kind == "dangling link":
        bad.symlink_to(home / "nowhere")
    elif kind == "link loop":
        bad.symlink_to(home / "bad2")
        (home / "bad2").symlink_to(bad)
    else:
        (home / "afile").write_text("mine")
        bad.symlink_to(home / "afile")
    before = tree(home / "bad") if kind == "file" else os.readlink(bad)
    report = sync(cli)
    assert report["_code"] == 1
    assert os.path.islink(home / "good/alpha")
    failed = line(report, "bad")
    assert failed["status"] == "error" and str(bad) in failed["error"]
    assert report["summary"]["failed"] == 1
    after = tree(home / "bad") if kind == "file" else os.readlink(bad)
    assert after == before
    text = cli("sync")
    assert text.code == 1 and "bad" in text.out and "good" in text.out


def test_the_daemon_and_the_cli_agree_on_an_unusable_target(cli: CliRunner, home: Path,
                                                            source: Path) -> None:
    """The CLI's in-process pass and a partial pass (the daemon's) treat it alike."""
    from skillshared.catalog import skills
    from skillshared.core import config_file
    from skillshared.core.paths import Paths
    from skillshared.engine import reconcile

    make_skill(source, "alpha")
    write_config(home, "targets:\n  bad:\n    path: ~/bad\n  good:\n    path: ~/good\n")
    (home / "bad").write_text("mine")
    config = config_file.load(Paths.from_env().global_scope())
    report = reconcile.sync(config, skills.discover(config.source), names=["alpha"])
    assert next(t for t in report["targets"] if t["name"] == "bad")["status"] == "error"
    assert os.path.islink(home / "good/alpha")


# -- where a target may land -------------------------------------------------------------------


@pytest.mark.parametrize(("path", "why"), [
    ("/", "it is the root folder /"), ("~", "it is the home folder"),
    ("/etc/skills", "it is in the system folder /etc"),
    ("/usr/share/skills", "it is in the system folder /usr"),
    ("/dev", "it is in the system folder /dev"), ("/proc/self", "it is in the system folder /proc"),
    ("HOME_PARENT", "it holds the home folder"), ("~/../home", "it is the home folder")])
def test_a_target_at_the_root_home_or_a_system_folder_is_refused(
        cli: CliRunner, home: Path, tmp_path: Path, path: str, why: str) -> None:
    source = tmp_path / "elsewhere/skills"  # outside the home folder
    make_skill(source, "alpha")
    if path == "HOME_PARENT":
        path = str(home.parent)
    config = write_config(home, f"source: {source}\ntargets:\n  t:\n    path: '{path}'\n")
    before = config.read_text()
    result = cli("sync", "-n")
    assert result.code == 1
    assert "targets.t.path" in result.err and f"cannot be a target: {why}" in result.err
    assert config.read_text() == before
    write_config(home, f"source: {source}\n")
    before = config.read_text()
    result = cli("target", "add", "u", path)
    assert result.code != 0 and "cannot be a target" in result.err
    assert config.read_text() == before


def test_a_target_that_becomes_a_link_to_the_root_is_refused_at_sync(cli: CliRunner, home: Path,
                                                                    source: Path) -> None:
    make_skill(source, "alpha")
    write_config(home, "targets:\n  t:\n    path: ~/t\n  good:\n    path: ~/good\n")
    (home / "t").symlink_to("/")
    report = sync(cli, "-n")
    refused = line(report, "t")
    assert refused["status"] == "error" and "root folder" in refused["error"]
    assert refused["changes"] == []
    assert line(report, "good")["changes"] == [{"action": "link", "name": "alpha"}]
    report = sync(cli)
    assert report["_code"] == 1 and not os.path.lexists("/alpha")


def test_a_target_nested_in_another_targets_skill_never_writes_into_the_source(
        cli: CliRunner, home: Path, source: Path) -> None:
    for name in ("alpha", "beta"):
        make_skill(source, name)
    write_config(home, "targets:\n  t1:\n    path: ~/tools/x\n"
                       "  t2:\n    path: ~/tools/x/alpha\n")
    before = tree(source)
    for _ in range(2):
        report = sync(cli)
        assert report["_code"] == 1
        nested = line(report, "t2")
        assert nested["status"] == "error"
        assert "t1's entry alpha" in nested["error"], nested["error"]
        assert tree(source) == before  # nothing created in the source
        assert line(report, "t1")["status"] == "ok"
        assert sorted(os.listdir(home / "tools/x")) == ["alpha", "beta"]
        assert report["invalid"] == []
    status = {t["name"]: t for t in cli("status", "--json").json()["targets"]}
    assert status["t2"]["state"] == "error", status["t2"]


@pytest.mark.parametrize("first", ["t1", "t2"])
def test_a_nested_target_is_refused_whichever_is_synced_alone(cli: CliRunner, home: Path,
                                                               source: Path,
                                                               first: str) -> None:
    make_skill(source, "alpha")
    write_config(home, "targets:\n  t1:\n    path: ~/tools/x\n"
                       "  t2:\n    path: ~/tools/x/alpha\n")
    before = tree(source)
    sync(cli, first)
    sync(cli)
    sync(cli, "t2")
    assert tree(source) == before
    assert os.path.islink(home / "tools/x/alpha")


def test_a_target_inside_a_symlink_mode_target_is_refused(cli: CliRunner, home: Path,
                                                          source: Path) -> None:
    make_skill(source, "alpha")
    write_config(home, "targets:\n  t1:\n    path: ~/tools/x\n    mode: symlink\n"
                       "  t2:\n    path: ~/tools/x/other\n")
    before = tree(source)
    report = sync(cli)
    assert line(report, "t2")["status"] == "error"
    assert os.readlink(home / "tools/x") == str(source)
    assert tree(source) == before


def test_a_target_path_that_leads_into_the_source_is_refused(cli: CliRunner, home: Path,
                                                              source: Path) -> None:
    """Through a link of the user's (to a link into the source): never written into."""
    make_skill(source, "alpha")
    make_skill(source, "group/beta")
    write_config(home, "targets:\n  t:\n    path: ~/t\n")
    (home / "u").symlink_to(source / "group")
    (home / "t").symlink_to(home / "u")
    before = tree(source)
    for _ in range(2):
        report = sync(cli)
        assert line(report, "t")["status"] == "error"
        assert "leads into the source folder" in line(report, "t")["error"]
        assert tree(source) == before
    assert os.readlink(home / "t") == str(home / "u")


def test_a_target_path_that_is_our_link_into_the_source_becomes_a_folder(
        cli: CliRunner, home: Path, source: Path) -> None:
    """A link straight into the source at the target path is ours (symlink mode makes such
    links): the pass replaces it with a folder and writes nothing into the source."""
    make_skill(source, "alpha")
    make_skill(source, "group/beta")
    write_config(home, "targets:\n  t:\n    path: ~/t\n")
    (home / "t").symlink_to(source / "group")
    before = tree(source)
    report = sync(cli)
    assert line(report, "t")["status"] == "ok"
    assert (home / "t").is_dir() and not (home / "t").is_symlink()
    assert tree(source) == before


def test_a_leftover_link_of_symlink_mode_is_still_replaced(cli: CliRunner, home: Path,
                                                           source: Path) -> None:
    """A target switched from symlink to merge mode: its path is our link into the source,
    which the pass replaces by a folder (it does not land in the source)."""
    make_skill(source, "alpha")
    write_config(home, "targets:\n  t:\n    path: ~/t\n    mode: symlink\n")
    sync(cli)
    write_config(home, "targets:\n  t:\n    path: ~/t\n")
    report = sync(cli)
    assert line(report, "t")["status"] == "ok", line(report, "t")
    assert (home / "t").is_dir() and not (home / "t").is_symlink()
    assert os.path.islink(home / "t/alpha")


# -- special files in a skill (copy mode) -------------------------------------------------------


def _specials(folder: Path) -> None:
    os.mkfifo(folder / "pipe")
    sock = socket.socket(socket.AF_UNIX)
    here = os.getcwd()
    os.chdir(folder)  # a socket's path is limited to about 100 bytes: bind a relative one
    try:
        sock.bind("sock")
    finally:
        os.chdir(here)
        sock.close()


def test_copies_leave_special_files_out_and_converge(cli: CliRunner, home: Path,
                                                     source: Path) -> None:
    skill = make_skill(source, "alpha", files={"scripts/run.sh": "echo hi\n"})
    _specials(skill / "scripts")
    write_config(home, "targets:\n  c:\n    path: ~/c\n    mode: copy\n")
    report = sync(cli)
    target = line(report, "c")
    assert target["status"] == "ok" and target["new"] == 1
    assert sorted(e["path"] for e in target["left_out"]) == ["scripts/pipe", "scripts/sock"]
    assert all(e["name"] == "alpha" for e in target["left_out"])
    copy = home / "c/alpha"
    assert sorted(os.listdir(copy / "scripts")) == ["run.sh"]
    again = line(sync(cli), "c")
    assert again["changes"] == [] and again["conflicts"] == [] and again["up_to_date"] == 1
    (skill / "SKILL.md").write_text("---\nname: alpha\n---\nnew text\n")
    updated = line(sync(cli), "c")
    assert updated["conflicts"] == [] and updated["updated"] == 1
    assert (copy / "SKILL.md").read_text().endswith("new text\n")
    assert line(sync(cli), "c")["changes"] == []
    assert stat.S_ISFIFO(os.lstat(skill / "scripts/pipe").st_mode)  # the source keeps it


def test_a_merge_target_links_a_skill_with_special_files(cli: CliRunner, home: Path,
                                                         source: Path) -> None:
    skill = make_skill(source, "alpha")
    _specials(skill)
    write_config(home, "targets:\n  m:\n    path: ~/m\n")
    assert line(sync(cli), "m")["linked"] == 1
    assert line(sync(cli), "m")["changes"] == []


def test_a_users_folder_with_a_fifo_is_never_adopted(cli: CliRunner, home: Path,
                                                     source: Path) -> None:
    """Equal to the source but for a FIFO: not identical, so it is kept (not ours)."""
    make_skill(source, "alpha")
    write_config(home, "targets:\n  m:\n    path: ~/m\n")
    mine = make_skill(home / "m", "alpha")
    os.mkfifo(mine / "pipe")
    snap = Snapshot.take()
    report = sync(cli)
    assert [c["name"] for c in line(report, "m")["conflicts"]] == ["alpha"]
    assert stat.S_ISFIFO(os.lstat(mine / "pipe").st_mode)
    snap.check(report)


def test_collect_takes_a_skill_holding_a_fifo_and_keeps_the_fifo(cli: CliRunner, home: Path,
                                                                 source: Path) -> None:
    write_config(home, "targets:\n  m:\n    path: ~/m\n")
    source.mkdir(parents=True)
    mine = make_skill(home / "m", "made-here", files={"notes.md": "mine\n"})
    os.mkfifo(mine / "pipe")
    result = cli("collect", "m", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert [c["name"] for c in data["collected"]] == ["made-here"]
    assert data["collected"][0]["left_out"] == [{"path": "pipe", "why": "a FIFO"}]
    assert (source / "made-here/notes.md").read_text() == "mine\n"
    assert not os.path.lexists(source / "made-here/pipe")
    assert stat.S_ISFIFO(os.lstat(home / "m/made-here/pipe").st_mode)  # never lost
    again = cli("collect", "m", "--json").json()
    assert again["collected"] == [] and again["failed_items"] == []


# -- "unchanged" is judged by more than size and modification time ----------------------------


def _same_size_and_time(path: Path, text: str) -> None:
    """Replace ``path``'s content as ``cp -p`` would: same size, same modification time."""
    before = os.stat(path)
    assert len(text.encode()) == before.st_size
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_source_edit_keeping_size_and_time_reaches_the_copies(cli: CliRunner, home: Path,
                                                                source: Path) -> None:
    skill = make_skill(source, "alpha", files={"ref.md": "AAAA\n"})
    write_config(home, "targets:\n  c:\n    path: ~/c\n    mode: copy\n")
    sync(cli)
    _same_size_and_time(skill / "ref.md", "BBBB\n")
    report = line(sync(cli), "c")
    assert report["updated"] == 1 and report["conflicts"] == []
    assert (home / "c/alpha/ref.md").read_text() == "BBBB\n"


def test_a_copy_edited_keeping_size_and_time_is_a_conflict(cli: CliRunner, home: Path,
                                                           source: Path) -> None:
    skill = make_skill(source, "alpha", files={"ref.md": "AAAA\n"})
    write_config(home, "targets:\n  c:\n    path: ~/c\n    mode: copy\n")
    sync(cli)
    _same_size_and_time(home / "c/alpha/ref.md", "MINE\n")
    report = line(sync(cli), "c")
    assert [c["name"] for c in report["conflicts"]] == ["alpha"]
    (skill / "ref.md").write_text("CCCC more\n")
    report = line(sync(cli), "c")
    assert [c["name"] for c in report["conflicts"]] == ["alpha"]
    assert (home / "c/alpha/ref.md").read_text() == "MINE\n"  # never overwritten


def test_a_signature_changes_with_the_inode_and_change_time(tmp_path: Path) -> None:
    from skillshared.engine import trees

    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "f").write_text("AAAA")
    first = trees.signature(str(folder))
    replacement = tmp_path / "g"
    replacement.write_text("BBBB")
    st = os.stat(folder / "f")
    os.utime(replacement, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(replacement, folder / "f")  # another inode, same size and mtime
    assert os.stat(folder / "f").st_size == st.st_size
    assert trees.signature(str(folder)) != first


# -- a config kept in a dotfiles repository -----------------------------------------------------


def test_saving_a_linked_config_writes_through_the_link(cli: CliRunner, home: Path,
                                                        source: Path) -> None:
    source.mkdir(parents=True)
    dotfiles = home / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "skillshare.yaml"
    real.write_text("targets:\n  claude:\n    path: ~/.claude/skills\n")
    real.chmod(0o600)
    link = home / ".config/skillshare/config.yaml"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(real)
    result = cli("target", "add", "mine", str(home / "mine"))
    assert result.code == 0, result.err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "mine:" in real.read_text()
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o600
    assert sorted(os.listdir(dotfiles)) == ["skillshare.yaml"]  # no temp file left
    assert cli("target", "remove", "mine").code == 0
    assert link.is_symlink() and "mine" not in real.read_text()


def test_a_linked_project_gitignore_stays_a_link(cli: CliRunner, work: Path, home: Path) -> None:
    assert cli("init", "-p", "--no-targets").code == 0
    linked = work / ".skillshare/.gitignore"
    kept = home / "kept-gitignore"
    kept.write_text(linked.read_text() + "my-line\n")
    linked.unlink()
    linked.symlink_to(kept)
    from skillshared.store import gitignore

    gitignore.ensure_gitignore(work / ".skillshare", ["skills/_team/"])
    assert linked.is_symlink()
    assert "skills/_team/" in kept.read_text() and "my-line" in kept.read_text()


# -- Ctrl-C during a sync of several targets ------------------------------------------------------


def test_ctrl_c_stops_a_parallel_sync_and_the_next_one_converges(home: Path,
                                                                 source: Path) -> None:
    names = [f"s{i:04d}" for i in range(1500)]
    for name in names:
        folder = source / name
        folder.mkdir(parents=True)
        (folder / "SKILL.md").write_text(f"---\nname: {name}\n---\n")
    targets = [home / f"t{i}" for i in range(4)]
    write_config(home, "targets:\n" + "".join(f"  t{i}:\n    path: ~/t{i}\n" for i in range(4)))
    proc = subprocess.Popen([sys.executable, "-m", "skillshare", "sync", "--no-daemon"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: sum(len(os.listdir(t)) for t in targets if t.is_dir()) > 50,
                 timeout=60, what="the sync to start making links")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    made = sum(len(os.listdir(t)) for t in targets if t.is_dir())
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err and "interrupted" in err
    assert made < len(names) * len(targets), "the workers went on to the end"
    log = (home / ".local/state/skillshare/logs/operations.log").read_text().splitlines()
    assert json.loads(log[-1])["status"] == "interrupted"
    snap = Snapshot.take()
    from skillshared import api
    from skillshared.core.paths import Paths

    report = api.run("sync", {}, Paths.from_env())
    assert report["summary"]["failed"] == 0
    assert all(sorted(os.listdir(t)) == names for t in targets)
    snap.check(report)


def test_removing_a_nested_target_writes_nothing_into_the_source(cli: CliRunner, home: Path,
                                                                 source: Path) -> None:
    for name in ("alpha", "beta"):
        make_skill(source, name)
    write_config(home, "targets:\n  t1:\n    path: ~/tools/x\n")
    sync(cli)
    write_config(home, "targets:\n  t1:\n    path: ~/tools/x\n"
                       "  t2:\n    path: ~/tools/x/alpha\n")
    before = tree(source)
    result = cli("target", "remove", "t2", "--json")
    assert result.code == 0, result.err
    removed = result.json()["removed"][0]
    assert removed["converted"] == 0 and "t1's entry alpha" in removed["left_as_is"]
    assert tree(source) == before
    assert os.path.islink(home / "tools/x/alpha")
    assert "t2" not in (home / ".config/skillshare/config.yaml").read_text()


@pytest.mark.parametrize("name", [".GIT", ".Git", ".git"])
def test_a_skill_folder_named_like_git_in_any_case_is_never_a_skill(cli: CliRunner, home: Path,
                                                                    source: Path,
                                                                    name: str) -> None:
    make_skill(source, "alpha")
    make_skill(source, name)
    make_skill(source, f"group/{name}")
    write_config(home, "targets:\n  m:\n    path: ~/m\n")
    report = sync(cli)
    assert sorted(os.listdir(home / "m")) == ["alpha"]
    if name != ".git":  # (discovery never enters a .git folder: nothing to report)
        assert {r["path"] for r in report["invalid"]} == {name, f"group/{name}"}


@pytest.mark.parametrize("bad", [".GIT", ".skillshare-tmp-x", "a/.Git/b"])
def test_a_recorded_install_reaching_git_or_our_entries_is_a_config_error(
        cli: CliRunner, work: Path, bad: str) -> None:
    assert cli("init", "-p", "--no-targets").code == 0
    config = work / ".skillshare/config.yaml"
    config.write_text(config.read_text() + f"skills:\n  - name: x\n    source: /x\n"
                                           f"    into: '{bad}'\n")
    before = config.read_text()
    result = cli("list", "-p")
    assert result.code == 1 and "skills[0].into" in result.err and "reserved" in result.err
    assert config.read_text() == before


def test_a_sync_that_holds_pruning_back_counts_what_it_kept(cli: CliRunner, home: Path,
                                                            source: Path) -> None:
    for i in range(10):
        make_skill(source, f"s{i}")
    write_config(home, "targets:\n  m:\n    path: ~/m\n")
    sync(cli)
    for i in range(8):
        (source / f"s{i}" / "SKILL.md").unlink()
    report = sync(cli)
    assert report["_code"] == 1 and report["summary"]["held"] == 1
    target = line(report, "m")
    assert target["held"] == 8 and target["pruned"] == 0 and target["guard"]
    log = (home / ".local/state/skillshare/logs/operations.log").read_text().splitlines()
    last = json.loads(log[-1])
    assert last["status"] == "partial" and "pruning held back" in last["msg"]


def test_a_daemon_jobs_summary_names_the_targets_held_back() -> None:
    from skillshared.daemon.jobs import _held_back

    assert _held_back({"held_back": ["claude", "cursor"]}) == (
        "; pruning held back on claude, cursor")
    assert _held_back({"held_back": []}) == "" and _held_back(None) == ""


@pytest.mark.parametrize("argv", [["--help"], ["--version"]])
def test_the_daemons_help_into_a_closed_pipe_ends_quietly(argv: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written
    try:
        proc = subprocess.run([sys.executable, "-m", "skillshared.daemon", *argv],
                              stdout=write, stderr=subprocess.PIPE, text=True, timeout=60,
                              check=False)
    finally:
        os.close(write)
    assert proc.returncode == 141, proc.stderr
    assert proc.stderr == ""


def test_sync_text_says_what_a_copy_left_out(cli: CliRunner, home: Path, source: Path) -> None:
    skill = make_skill(source, "alpha")
    os.mkfifo(skill / "pipe")
    write_config(home, "targets:\n  c:\n    path: ~/c\n    mode: copy\n")
    result = cli("sync")
    assert result.code == 0, result.err
    assert "alpha/pipe left out of the copy: a FIFO" in result.out


def test_sync_force_reads_what_it_replaces_even_when_it_looks_unchanged(
        cli: CliRunner, home: Path, source: Path, tmp_path: Path) -> None:
    """The backup before a forced replacement reads the entries it replaces: a record that a
    look at sizes, times and inodes cannot tell from the file (a same-tick edit on a
    coarse clock) never stands in for their content."""
    from skillshared.store.backup_format import list_backups
    from tests.store.test_backup_exact import forge_record, old_file, replace_same_size_and_time
    from tests.undo_world import backups_dir, stored

    write_config(home, f"source: {source}\ntargets:\n  claude:\n    path: ~/.claude/skills\n")
    make_skill(source, "x")
    make_skill(source, "other")
    target = home / ".claude/skills"
    old_file(target / "x/f", "AAAA")
    assert cli("backup").code == 0
    replace_same_size_and_time(target / "x/f", "BBBB", "utime", tmp_path / "spare")
    forge_record(list_backups(backups_dir(home))[0], "claude", "x/f", target / "x/f")
    report = sync(cli, "--force")
    assert [f["name"] for f in line(report, "claude")["forced"]] == ["x"]
    assert stored(list_backups(backups_dir(home))[0], "claude", "x/f").read_text() == "BBBB"


def test_a_backup_saves_a_skill_with_a_fifo_once(cli: CliRunner, home: Path, source: Path) -> None:
    """The version behind a link is saved without its special files, and its digest leaves
    them out as the saved copy does: the next backup finds it saved (it is not copied
    again whenever the skill's signature moves)."""
    from skillshared.store import backup_manifest, backup_snapshot

    skill = make_skill(source, "alpha", files={"notes.md": "x\n"})
    os.mkfifo(skill / "pipe")
    write_config(home, "targets:\n  m:\n    path: ~/m\n")
    sync(cli)
    assert cli("backup").code == 0
    backups = home / ".local/share/skillshare/backups"
    described = backup_snapshot.Contents().describe(str(skill), None)
    assert described is not None
    assert described["content"] in backup_manifest.stored_versions(backups)


def test_a_home_reached_through_a_link_is_still_the_home(cli: CliRunner, tmp_path: Path,
                                                         source: Path) -> None:
    """HOME may itself be a link (to /data/user, say): a target that lands at its real path
    is the home folder all the same."""
    real_home = Path(os.environ["HOME"])
    linked = tmp_path / "linked-home"
    linked.symlink_to(real_home)
    make_skill(source, "alpha")
    write_config(real_home, f"source: {source}\ntargets:\n  t:\n    path: ~/t\n")
    (real_home / "t").symlink_to(linked)  # a link to the home folder, through the other name
    env = {**os.environ, "HOME": str(linked)}
    result = run_cli_process("sync", "--json", env=env)
    target = json.loads(result.out)["results"][0]
    assert target["status"] == "error" and "home folder" in target["error"], target
