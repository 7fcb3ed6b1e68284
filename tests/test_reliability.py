"""Harm done to a world of skills and targets, each test ending with the invariant checker
(I1-I5, see tests/invariants.py): what is not ours never changes, what the source holds
arrives, nothing of ours is left behind, and a second pass changes nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skillshared import api
from skillshared.core.paths import Paths
from skillshared.engine import reconcile
from tests import crash_runner
from tests.conftest import CliRunner, DaemonStarter, make_skill, wait_for, write_config
from tests.invariants import Snapshot

CONFIG = """\
targets:
  claude:
    path: ~/.claude/skills
  cursor:
    path: ~/.cursor/skills
    mode: copy
  codex:
    path: ~/.codex/skills
    include: ['team-*', alpha]
"""


@pytest.fixture
def world(home: Path, source: Path) -> dict[str, Path]:
    """Skills (one nested, two for the filtered target), three targets (merge, copy, merge
    with a filter), each target holding a skill of the user's own."""
    write_config(home, CONFIG)
    for rel in ("alpha", "beta", "group/gamma", "team-one", "team-two"):
        make_skill(source, rel, files={"notes/ref.md": f"about {rel}\n"})
    targets = {name: home / f".{name}/skills" for name in ("claude", "cursor", "codex")}
    run_sync()
    for name, target in targets.items():
        make_skill(target, f"own-{name}", body="the user's own\n")
    return targets


def run_sync(**args: Any) -> dict[str, Any]:
    return api.run("sync", args, Paths.from_env())


def plant(folder: Path, kind: str, name: str, elsewhere: Path) -> None:
    entry = folder / name
    if os.path.lexists(entry):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if kind == "file":
        entry.write_text("a file of the user's")
    elif kind == "folder":
        make_skill(folder, name, body="a different real folder\n")
    elif kind == "foreign-link":
        elsewhere.mkdir(exist_ok=True)
        entry.symlink_to(elsewhere)
    elif kind == "broken-link":
        entry.symlink_to(elsewhere / "gone")
    else:  # a link loop
        entry.symlink_to(name)


KINDS = ["file", "folder", "foreign-link", "broken-link", "loop"]


@pytest.mark.parametrize("kind", KINDS)
def test_entries_of_the_users_at_skill_names(world: dict[str, Path], tmp_path: Path,
                                             kind: str) -> None:
    for target in world.values():
        plant(target, kind, "alpha", tmp_path / "elsewhere")
    snap = Snapshot.take()
    report = run_sync()
    for line in report["targets"]:
        assert "alpha" in [c["name"] for c in line["conflicts"]], line
    snap.check(report)


def test_the_user_deletes_one_of_our_links(world: dict[str, Path]) -> None:
    (world["claude"] / "beta").unlink()
    shutil.rmtree(world["cursor"] / "beta")
    snap = Snapshot.take()
    report = run_sync()
    assert os.path.islink(world["claude"] / "beta")
    snap.check(report)


def sync_harmed(monkeypatch: pytest.MonkeyPatch, harm: Callable[[], None]) -> dict[str, Any]:
    """A pass that meets ``harm`` after it has planned and before it changes anything."""
    real = reconcile._apply

    def apply(runs: Any, cache: Any) -> None:
        harm()
        real(runs, cache)

    with monkeypatch.context() as patch:
        patch.setattr(reconcile, "_apply", apply)
        return run_sync()


@pytest.mark.parametrize("kind", KINDS)
def test_an_entry_planted_between_planning_and_changing(
        world: dict[str, Path], source: Path, tmp_path: Path, kind: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    make_skill(source, "delta")
    taken: list[Snapshot] = []

    def harm() -> None:
        for target in world.values():
            plant(target, kind, "delta", tmp_path / "elsewhere")
        taken.append(Snapshot.take())

    report = sync_harmed(monkeypatch, harm)
    for line in report["targets"][:2]:  # (codex does not take delta)
        assert line["status"] in ("warning", "error"), line
    taken[0].check(run_sync())


def test_a_target_folder_swapped_for_a_link_to_a_decoy_mid_pass(
        world: dict[str, Path], source: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    for rel in ("delta", "epsilon"):
        make_skill(source, rel)
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    (decoy / "precious.txt").write_text("do not touch")
    claude = world["claude"]
    moved = claude.with_name("skills-moved")

    def harm() -> None:
        claude.rename(moved)
        claude.symlink_to(decoy)

    sync_harmed(monkeypatch, harm)
    assert sorted(os.listdir(decoy)) == ["precious.txt"], "something was written in the decoy"
    # the user puts the folder back; the next pass converges
    claude.unlink()
    moved.rename(claude)
    snap = Snapshot.take()
    snap.check(run_sync())


@pytest.mark.parametrize("harm", ["moved away", "emptied", "80% deleted"])
def test_the_mass_delete_guard(world: dict[str, Path], home: Path, source: Path,
                               harm: str) -> None:
    for i in range(20):
        make_skill(source, f"bulk-{i:02d}")
    run_sync()
    before = {name: sorted(os.listdir(t)) for name, t in world.items()}
    if harm == "moved away":
        source.rename(source.with_name("skills-elsewhere"))
    elif harm == "emptied":
        for entry in source.iterdir():
            shutil.rmtree(entry)
    else:
        for i in range(20):
            shutil.rmtree(source / f"bulk-{i:02d}")
    try:
        report = run_sync()
    except Exception as exc:  # a missing source is refused before anything is looked at
        assert harm == "moved away" and "source folder does not exist" in str(exc)
    else:
        assert any(t["guard"] for t in report["targets"]) or harm == "emptied", report
    after = {name: sorted(os.listdir(t)) for name, t in world.items()}
    assert after == before, "links were pruned"


@pytest.mark.parametrize("name", ["-rf", "x" * 200 + "/" + "y" * 100, "ünïcode",
                                  "with space", "a:b", "group/..hidden/-x"])
def test_odd_skill_names_are_reported_and_never_linked(world: dict[str, Path], source: Path,
                                                       name: str) -> None:
    folder = source / name
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text("---\nname: odd\n---\nbody\n")
    snap = Snapshot.take()
    report = run_sync()
    assert name in [i["path"] for i in report["invalid"]], report["invalid"]
    for target in world.values():
        assert not os.path.lexists(target / name.replace("/", "__")[:255])
    snap.check(report)


def test_a_skill_linking_to_secrets_is_not_linked(world: dict[str, Path], home: Path,
                                                  source: Path) -> None:
    ssh = home / ".ssh"
    ssh.mkdir()
    (ssh / "id_ed25519").write_text("PRIVATE KEY")
    sneaky = make_skill(source, "sneaky")
    (sneaky / "keys").symlink_to(ssh)
    report = run_sync()
    assert "sneaky" in [i["path"] for i in report["invalid"]]
    for target in world.values():
        assert not os.path.lexists(target / "sneaky")
    shutil.rmtree(sneaky)
    Snapshot.take().check()


BOMB = ("a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n")


@pytest.mark.parametrize("frontmatter", [
    BOMB,
    "name: evil\nx: !!python/object/apply:os.system ['touch PWNED']\n",
    "name: big\ndescription: " + "y" * 300_000 + "\n",
    "name: [unclosed\n",
])
def test_hostile_frontmatter_is_synced_and_reported(world: dict[str, Path], source: Path,
                                                    home: Path, frontmatter: str) -> None:
    make_skill(source, "hostile", frontmatter=frontmatter)
    snap = Snapshot.take()
    report = run_sync()
    reported = "hostile" in [p["path"] for p in report["frontmatter"]]
    assert reported or frontmatter == BOMB  # (the bomb is a valid, small, shared structure)
    assert os.path.islink(world["claude"] / "hostile")
    assert not list(home.rglob("PWNED")) and not Path("PWNED").exists()
    snap.check(report)


# -- faults injected at the file-system layer ----------------------------------------------

def harness(point: int, *argv: str, fail: str | None = None) -> subprocess.CompletedProcess[str]:
    return crash_runner.run(point, argv, dict(os.environ, **({"CRASH_RAISE": fail} if fail
                                                             else {})))


@pytest.mark.parametrize("fail", ["ENOSPC", "EACCES", "EROFS", "EIO", "EXDEV"])
def test_a_failing_change_is_a_plain_error_and_the_next_pass_converges(
        world: dict[str, Path], source: Path, fail: str) -> None:
    for i in range(6):
        make_skill(source, f"new-{i}")
    shutil.rmtree(source / "beta")  # some prunes too
    snap = Snapshot.take()
    for point in (1, 3, 9):
        done = harness(point, "sync", fail=fail)
        assert done.returncode == 1, done.stdout + done.stderr
        assert "internal error" not in done.stderr and "Traceback" not in done.stderr
        assert os.strerror(getattr(__import__("errno"), fail)) in done.stdout + done.stderr
    snap.check(run_sync())


def test_a_torn_config_write_is_a_clear_error_that_changes_nothing(
        world: dict[str, Path], home: Path, cli: CliRunner) -> None:
    from tests.conftest import tree

    config = home / ".config/skillshare/config.yaml"
    text = config.read_text()
    config.write_text(text[: text.index("alpha]")])  # cut inside a list
    before = {name: tree(t) for name, t in world.items()}
    result = cli("sync")
    assert result.code == 1 and "cannot parse config" in result.err, result.err
    assert {name: tree(t) for name, t in world.items()} == before
    config.write_text(text)
    Snapshot.take().check()


# -- the daemon --------------------------------------------------------------------------------


def test_fuzzed_socket_requests_never_kill_the_daemon(world: dict[str, Path],
                                                      daemon: DaemonStarter) -> None:
    import json

    from hypothesis import given, settings
    from hypothesis import strategies as st

    d = daemon()
    json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                               lambda inner: st.lists(inner, max_size=4)
                               | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                               max_leaves=12)
    commands = st.sampled_from(["status", "sync", "list", "diff", "log", "nope", "daemon",
                                "install", "trash", "target", ""])
    requests = st.one_of(
        st.binary(max_size=200).map(lambda b: b.replace(b"\n", b" ") + b"\n"),
        st.fixed_dictionaries({"v": st.sampled_from([1, 1, 2, "1"]), "id": st.text(max_size=5),
                               "cmd": commands,
                               "args": st.dictionaries(
                                   st.sampled_from(["dry_run", "targets", "action", "name",
                                                    "cwd", "project", "tail", "x"]),
                                   json_values, max_size=3)})
        .map(lambda r: (json.dumps(r) + "\n").encode()))

    @settings(max_examples=150, deadline=None)
    @given(requests)
    def one(payload: bytes) -> None:
        replies = d.exchange(payload)
        *events, final = replies
        assert all(r.get("event") for r in events), replies
        assert isinstance(final.get("ok"), bool), replies
        assert final["ok"] or isinstance(final["error"]["message"], str)

    one()
    assert d.ask("ping")["pid"] == d.proc.pid
    d.settle()
    Snapshot.take().check()


OTHER_UID = 65534  # nobody


def ask_as(uid: int, socket_path: Path) -> str:
    """What a process running as ``uid`` gets when it connects to the daemon: the lines it
    read, then the name of the error its connection ended with, if any. (A forked child: it
    enters the socket's folder as root, so only that folder's and the socket's modes stand in
    its way.)"""
    import errno
    import socket

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: only system calls, then out
        try:
            os.close(read)
            os.chdir(socket_path.parent)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(10)
                try:
                    sock.connect(socket_path.name)  # and no request: it is refused first
                    while chunk := sock.recv(65536):
                        os.write(write, chunk)
                except OSError as exc:
                    name = errno.errorcode.get(exc.errno or 0, str(exc))
                    os.write(write, f"\n{name}".encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        out = pipe.read().decode()
    os.waitpid(pid, 0)
    return out.strip()


@pytest.mark.skipif(not hasattr(os, "fork") or os.geteuid() != 0,
                    reason="switching to another uid needs root")
def test_a_peer_with_another_uid_is_refused(world: dict[str, Path], daemon: DaemonStarter) -> None:
    import json
    import stat

    d = daemon()
    sock = Path(d.paths.socket)
    snap = Snapshot.take()
    assert stat.S_IMODE(sock.stat().st_mode) == 0o600
    assert stat.S_IMODE(sock.parent.stat().st_mode) == 0o700
    assert ask_as(OTHER_UID, sock) == "EACCES"  # the modes alone keep others out
    sock.parent.chmod(0o755)  # as if a user opened them up: the uid check still refuses
    sock.chmod(0o666)
    try:
        lines = [line for line in ask_as(OTHER_UID, sock).splitlines() if line]
    finally:
        sock.parent.chmod(0o700)
        sock.chmod(0o600)
    assert len(lines) == 1, lines
    reply = json.loads(lines[0])
    assert reply["ok"] is False
    assert reply["error"]["code"] == "permission_denied"
    assert reply["error"]["message"] == "this daemon serves only its own user"
    assert d.ask("ping")["pid"] == d.proc.pid
    d.settle()
    snap.check()


def test_an_event_storm_ends_in_one_settled_state(world: dict[str, Path], source: Path,
                                                   daemon: DaemonStarter) -> None:
    """Thousands of changes in the source, as fast as they can be made, while the daemon
    reconciles: adds, edits, renames, deletes, and our links deleted in a target."""
    d = daemon()
    claude = world["claude"]
    snap = Snapshot.take()
    for round_ in range(10):
        for i in range(60):
            make_skill(source, f"storm/s-{round_}-{i:02d}", files={"a.md": "x\n"})
        for i in range(0, 60, 3):
            (source / f"storm/s-{round_}-{i:02d}/SKILL.md").write_text("---\nname: e\n---\n")
        for i in range(1, 60, 3):
            os.rename(source / f"storm/s-{round_}-{i:02d}", source / f"storm/r-{round_}-{i:02d}")
        for i in range(2, 60, 6):
            shutil.rmtree(source / f"storm/s-{round_}-{i:02d}")
        for name in os.listdir(claude)[:5]:
            if os.path.islink(claude / name) and name.startswith("storm__"):
                os.unlink(claude / name)
    # The kernel hands events over in order: once the last change has reached the target,
    # the daemon has seen every one before it (idle alone can be seen before the first).
    make_skill(source, "storm-end")
    wait_for(lambda: os.path.islink(claude / "storm-end"), 60, "the last change to arrive")
    d.settle(timeout=60)
    assert d.proc.poll() is None
    snap.check()


def test_a_git_checkout_that_changes_many_skills(world: dict[str, Path], source: Path,
                                                 daemon: DaemonStarter) -> None:
    from tests.team_repos import git

    git(source, "init", "-q", "-b", "main")
    git(source, "add", "-A")
    git(source, "commit", "-q", "-m", "base")
    git(source, "checkout", "-q", "-b", "more")
    for i in range(1000):  # 3,000 files and folders
        make_skill(source, f"many/skill-{i:03d}", files={"notes.md": f"skill {i}\n"})
    shutil.rmtree(source / "alpha")
    git(source, "add", "-A")
    git(source, "commit", "-q", "-m", "1,000 more, alpha gone")
    git(source, "checkout", "-q", "main")
    d = daemon()
    claude = world["claude"]
    snap = Snapshot.take()
    git(source, "checkout", "-q", "more")
    wait_for(lambda: len([n for n in os.listdir(claude) if n.startswith("many__")]) == 1000
             and not os.path.lexists(claude / "alpha"), 60, "the checkout to reach claude")
    d.settle()
    snap.check()
    # back: 1,000 of the 1,004 links would go at once, so the mass-delete guard holds them (the
    # daemon never forces); alpha comes back at once. A pass that runs while the checkout is
    # still deleting sees only some skills gone and may prune those (below the guard), so
    # what is held is "most", not all
    git(source, "checkout", "-q", "main")
    wait_for(lambda: os.path.islink(claude / "alpha"), 60, "alpha to come back")
    d.settle()
    assert len([n for n in os.listdir(claude) if n.startswith("many__")]) > 500
    snap.check(run_sync(force=True), second_pass=True)
    assert not [n for n in os.listdir(claude) if n.startswith("many__")]


@pytest.mark.parametrize("track", [False, True])
def test_an_install_killed_at_every_change_converges(world: dict[str, Path], source: Path,
                                                     tmp_path: Path, track: bool) -> None:
    from tests.conftest import tree
    from tests.team_repos import team_repo

    _, bare = team_repo(tmp_path)
    argv = ["install", f"file://{bare}", *(["--track"] if track else [])]
    landed = {"_team-skills"} if track else {"review", "react"}
    before = tree(source)
    point = 1
    while True:
        done = harness(point, *argv)
        if done.returncode == 0:
            break
        assert done.returncode == 77, done.stdout + done.stderr
        report = run_sync()  # the next pass cleans up after it
        names = set(os.listdir(source))
        assert not [n for n in names if n.startswith(".skillshare-tmp")], names
        for name in landed & names:  # what is there is whole
            assert (source / name / ("review/SKILL.md" if track else "SKILL.md")).is_file()
        Snapshot.take().check(report)
        for name in landed & names:
            shutil.rmtree(source / name)
        for extra in (".skillshare-installed.json", ".gitignore"):
            if (source / extra).exists():
                (source / extra).unlink()
        assert tree(source) == before
        point += 1
    assert point > 3, "the install made too few changes to be a test"


def test_sigterm_during_a_long_first_pass_then_a_restart_converges(
        world: dict[str, Path], source: Path, daemon: DaemonStarter) -> None:
    import signal

    for i in range(1500):
        make_skill(source, f"big/skill-{i:04d}")
    for target in world.values():
        shutil.rmtree(target)  # so the first pass has 4,500 entries to make

    d = daemon(wait=False)
    proc = d.proc
    wait_for(lambda: any(t.is_dir() and len(os.listdir(t)) > 20 for t in world.values()),
             60, "the first pass to be under way")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0  # it stops between changes, not after the whole pass
    d.start()
    Snapshot.take().check()


def test_the_cli_fallback_racing_the_daemon(world: dict[str, Path], source: Path,
                                           daemon: DaemonStarter) -> None:
    import threading

    d = daemon()
    errors: list[str] = []

    def cli_passes() -> None:
        for _ in range(5):
            done = subprocess.run([sys.executable, "-m", "skillshare", "sync", "--no-daemon"],
                                  capture_output=True, text=True, timeout=120, check=False)
            if done.returncode != 0:
                errors.append(done.stderr)

    racer = threading.Thread(target=cli_passes)
    racer.start()
    for i in range(30):  # the daemon reconciles these while the CLI syncs in turn
        make_skill(source, f"race-{i:02d}")
        if i % 3 == 0:
            shutil.rmtree(source / f"race-{i:02d}")
    racer.join(timeout=300)
    assert not errors, errors
    d.settle()
    Snapshot.take().check()


def test_an_inotify_queue_overflow_is_followed_by_a_full_pass(
        world: dict[str, Path], source: Path, daemon: DaemonStarter) -> None:
    from tests import conftest, write_guard

    knob = Path("/proc/sys/fs/inotify/max_queued_events")
    write_guard.allowed.append(str(knob))  # the one write outside the temp folder: restored below
    with conftest.inotify_knob(exclusive=True):  # no other test's daemon starts meanwhile
        try:
            old = knob.read_text()
            knob.write_text("16\n")
        except OSError:
            pytest.skip("cannot lower fs.inotify.max_queued_events here")
        try:
            d = daemon(knob=False)  # its inotify queue holds 16 events
        finally:
            knob.write_text(old)
    for i in range(600):
        make_skill(source, f"flood/skill-{i:03d}")
    claude = world["claude"]
    wait_for(lambda: len([n for n in os.listdir(claude) if n.startswith("flood__")]) == 600,
             60, "every skill of the flood")
    assert d.status()["watch"]["overflows"] >= 1, "the queue did not overflow"
    assert any(e.get("event") == "watch_events_lost" for e in d.log())
    d.settle()
    Snapshot.take().check()


def test_a_read_only_target_fails_alone_and_is_synced_later(world: dict[str, Path],
                                                            source: Path) -> None:
    make_skill(source, "delta")
    env = dict(os.environ, CRASH_RAISE="EROFS", CRASH_RAISE_UNDER=str(world["cursor"]))
    done = crash_runner.run(0, ["sync"], env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Read-only file system" in done.stdout + done.stderr
    assert os.path.islink(world["claude"] / "delta")  # the others are synced
    assert not os.path.exists(world["cursor"] / "delta")
    snap = Snapshot.take()  # the file system is writable again: the next pass catches up
    report = run_sync()
    assert (world["cursor"] / "delta/SKILL.md").is_file()
    snap.check(report)


def test_a_thousand_pulls_leave_files_threads_children_and_memory_flat(
        world: dict[str, Path], source: Path, tmp_path: Path) -> None:
    """What the daemon's pull job does every `daemon.pull_interval`, 1,000 times in one
    process, with the remote moving on now and then: nothing piles up."""
    import resource
    import threading

    from skillshared.core import config_file
    from skillshared.git import gitsync
    from tests.conftest import children
    from tests.team_repos import push_skill, shared_source

    other = shared_source(source, tmp_path)
    config = config_file.load(Paths.from_env().global_scope())

    def counts() -> tuple[int, int, set[int]]:
        return len(os.listdir("/proc/self/fd")), threading.active_count(), children()

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc to count open files")
    statuses: dict[str, int] = {}
    for i in range(1000):
        if i % 100 == 50:  # the team pushes a new skill now and then
            push_skill(other, f"pushed-{i:04d}")
        status = gitsync.pull_source(config, os.environ)["status"]
        statuses[status] = statuses.get(status, 0) + 1
        if i == 49:
            before = counts()
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert counts() == before
    assert before[2] == set()
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 16 * 1024  # KiB
    assert statuses == {"up to date": 990, "fast-forwarded": 10}
    assert (source / "pushed-0950/SKILL.md").is_file()



def test_a_thousand_scheduled_pulls_under_the_daemon(world: dict[str, Path], source: Path,
                                                     home: Path, tmp_path: Path,
                                                     daemon: DaemonStarter) -> None:
    """The daemon's own pull job, run by its scheduler every 20 ms, 1,000 times, with the team
    pushing now and then: its open files, threads, child processes and memory stay flat
    (each measured with the pulls switched off, so no pull is caught halfway)."""
    from tests.team_repos import push_skill, shared_source

    other = shared_source(source, tmp_path)
    d = daemon()

    def pulling(interval: str) -> None:
        write_config(home, CONFIG + f"daemon:\n  pull_interval: {interval}\n")
        d.ask("daemon", {"action": "reload"})

    def pulls() -> int:
        jobs = [j["runs"] for j in d.status()["jobs"] if j["name"] == "pull"]
        return int(jobs[0]) if jobs else 0

    def usage() -> tuple[int, int, int, int]:
        """Open files, threads, children and RSS (KiB) of the daemon, once it is idle: the
        least of 20 looks (the one that answered the last request may still be ending)."""
        d.settle()
        pid = d.proc.pid

        def look() -> tuple[int, int, int, int]:
            status = dict(line.split(":", 1) for line in
                          Path(f"/proc/{pid}/status").read_text().splitlines())
            kids = sum(1 for stat in Path("/proc").glob("[0-9]*/stat")
                       if _parent_of(stat) == pid)
            return (len(os.listdir(f"/proc/{pid}/fd")), int(status["Threads"]), kids,
                    int(status["VmRSS"].split()[0]))
        wait_for(lambda: look()[2] == 0, 30, "no git running")
        looks = [look() for _ in range(20)]
        return tuple(min(values) for values in zip(*looks, strict=True))

    pulling("0.02s")
    wait_for(lambda: pulls() >= 50, 120, "50 pulls")
    pulling("off")
    before = usage()
    pulling("0.02s")
    pushed = 0
    while (runs := pulls()) < 1000:
        if runs >= 100 * (pushed + 1) - 50:  # the team pushes a new skill every 100 pulls
            pushed += 1
            push_skill(other, f"pushed-{pushed:02d}")
        wait_for(lambda r=runs: pulls() > r, 30, "the next pull")  # type: ignore[misc]
    pulling("off")
    after = usage()
    assert after[:3] == before[:3], (before, after)  # open files, threads, children
    assert after[3] - before[3] < 16 * 1024, (before, after)  # RSS, KiB
    assert pushed == 10
    wait_for((world["claude"] / "pushed-10").is_symlink, 30, "the last pushed skill linked")
    assert d.proc.poll() is None
    Snapshot.take().check()


def _parent_of(stat_file: Path) -> int | None:
    try:
        return int(stat_file.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_torn_manifests_are_reported_and_change_nothing(world: dict[str, Path], home: Path,
                                                        cli: CliRunner) -> None:
    from tests.conftest import tree

    manifest = world["cursor"] / ".skillshare-manifest.json"
    text = manifest.read_text()
    manifest.write_text(text[: len(text) // 2])  # a write cut off half-way
    snap = Snapshot.take()  # the copies are not known to be ours any more: the user's
    report = run_sync()
    cursor = next(t for t in report["targets"] if t["name"] == "cursor")
    assert "damaged" in {c["name"]: c["reason"] for c in cursor["conflicts"]}[
        ".skillshare-manifest.json"]
    snap.check(report)
    # a backup's manifest cut off half-way: restore refuses, and the target stays as it is
    (world["claude"] / "beta").unlink()  # (a change, so that a new backup is made)
    assert cli("backup", "claude").code == 0
    backups = home / ".local/share/skillshare/backups"
    latest = sorted(p for p in backups.iterdir() if not p.name.startswith("."))[-1]
    backup_manifest = latest / "claude.json"
    data = backup_manifest.read_text()
    backup_manifest.write_text(data[: len(data) // 2])
    before = tree(world["claude"])
    restored = cli("restore", "claude")
    assert restored.code == 1 and "damaged" in restored.err, restored.err
    assert tree(world["claude"]) == before
