"""Output that cannot be written the usual way: into a pipe whose reader went away
(`skillshare list | head -1`), in an encoding without our symbols (PYTHONIOENCODING=ascii,
latin-1, the C locale), names that are not valid UTF-8, a full disk, a prompt whose answer
never comes. Each ends quietly or degrades: never a traceback."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from skillshared.store import trash
from tests.conftest import DaemonStarter, make_skill, run_cli_process, write_config

EXIT_PIPE = 141
CLI = [sys.executable, "-m", "skillshare"]
REPEAT = 20


def start(argv: list[str] | list[bytes], env: dict[str, str] | None = None,
          stdin: Any = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*CLI, *argv], stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, **(env or {})})


def into_closed_pipe(argv: list[str], first_line: bool) -> tuple[int, bytes, bytes]:
    """Run with stdout into a pipe whose reader closes it: at once, or after the first line
    (as `| head -1` does); returns the exit code, that line, and stderr."""
    proc = start(argv)
    assert proc.stdout is not None and proc.stderr is not None
    line = proc.stdout.readline() if first_line else b""
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    return proc.wait(60), line, err


@pytest.fixture
def small(home: Path, source: Path) -> Path:
    """A few skills in two targets (output far smaller than a pipe's buffer)."""
    write_config(home, f"source: {source}\ntargets:\n"
                 f"  claude: {{path: {home / '.claude/skills'}}}\n"
                 f"  cursor: {{path: {home / '.cursor/skills'}}}\n")
    for name in ("alpha", "beta", "gamma"):
        make_skill(source, name)
    assert run_cli_process("sync").code == 0
    make_skill(source, "delta")
    return source


@pytest.fixture
def big(home: Path, source: Path) -> Path:
    """1,500 skills not synced yet into two targets: every listing is bigger than a pipe's
    buffer, so the reader's close always meets a write still to come."""
    write_config(home, f"source: {source}\ntargets:\n"
                 f"  claude: {{path: {home / '.claude/skills'}}}\n"
                 f"  cursor: {{path: {home / '.cursor/skills'}}}\n")
    for i in range(1500):
        make_skill(source, f"a-skill-with-a-rather-long-name-{i:04d}",
                   frontmatter=f"name: skill-{i}\ndescription: {'words ' * 12}\n")
    return source


# -- a closed pipe --------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["list"], ["list", "--json"], ["diff"], ["sync", "-n"]],
                         ids=" ".join)
def test_a_big_output_into_head_ends_quietly(big: Path, argv: list[str]) -> None:
    for _ in range(3):
        code, line, err = into_closed_pipe(argv, first_line=True)
        assert line and err == b"", err.decode(errors="replace")
        assert code == EXIT_PIPE


@pytest.mark.parametrize("argv", [
    ["status"], ["status", "--json"], ["list"], ["diff"], ["sync", "-n"], ["doctor"], ["log"],
    ["target", "list"], ["--help"], ["sync", "--help"], ["--version"], ["daemon", "status"],
], ids=" ".join)
def test_output_into_a_closed_pipe_ends_quietly(small: Path, argv: list[str]) -> None:
    """The reader closes at once (the write always fails), then after the first line (the
    race `| head -1` runs: the output may fit in the pipe before the reader goes)."""
    code, _, err = into_closed_pipe(argv, first_line=False)
    assert (code, err) == (EXIT_PIPE, b"")
    for _ in range(REPEAT):
        code, line, err = into_closed_pipe(argv, first_line=True)
        assert line and err == b"", err.decode(errors="replace")
        assert code in (0, 1, EXIT_PIPE)  # 1: `daemon status` with no daemon running


def test_a_sync_into_a_closed_pipe_finishes_its_work(small: Path, home: Path) -> None:
    code, _, err = into_closed_pipe(["sync"], first_line=False)
    assert (code, err) == (EXIT_PIPE, b"")
    assert (home / ".claude/skills/delta").is_symlink()
    last = run_cli_process("log", "--json").out.splitlines()[-1]  # JSON lines
    assert json.loads(last)["status"] == "ok"


def test_an_error_into_a_closed_stderr_ends_quietly(home: Path) -> None:
    """No config: the error goes to stderr, whose reader went away (`2>&1 | head -0`)."""
    for argv in (["status"], ["nosuch"], ["status", "--json"]):
        proc = start(argv)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stderr.close()
        if "--json" in argv:
            proc.stdout.close()
            out = b""
        else:
            out = proc.stdout.read()
            proc.stdout.close()
        assert (proc.wait(60), out) == (EXIT_PIPE, b""), argv


def test_daemon_logs_follow_and_daemon_answers_into_a_closed_pipe(small: Path,
                                                                  daemon: DaemonStarter) -> None:
    d = daemon()
    d.settle()
    for argv in (["daemon", "logs", "-f", "--tail", "20"], ["status"], ["list", "--json"]):
        code, _, err = into_closed_pipe(argv, first_line=False)
        assert (code, err) == (EXIT_PIPE, b""), argv


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_output_to_a_full_disk_is_one_error_line(small: Path) -> None:
    for argv in (["list"], ["list", "--json"], ["--help"]):
        with open("/dev/full", "wb") as full:
            proc = subprocess.run([*CLI, *argv], stdout=full, stderr=subprocess.PIPE,
                                  check=False, timeout=60)
        assert proc.returncode == 1
        assert proc.stderr.decode() == (
            "error: cannot write the output: No space left on device (hint: what the command "
            "did is done; make room where its output goes, or send it elsewhere, to see it)\n")


# -- prompts --------------------------------------------------------------------------------


@pytest.fixture
def trashed(small: Path, home: Path) -> Path:
    trash_dir = home / ".local/share/skillshare/trash"
    trash.put(trash_dir, str(make_skill(home / "old", "old-skill")), "old-skill", "test")
    return trash_dir


def read_until(fd: int, marker: bytes, timeout: float = 30.0) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"timed out waiting for {marker!r}; got {seen!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 4096)
            assert chunk, f"end of output before {marker!r}; got {seen!r}"
            seen += chunk
    return seen


def test_a_prompt_into_a_closed_pipe_deletes_nothing(trashed: Path) -> None:
    master, slave = pty.openpty()
    try:
        proc = start(["trash", "empty"], stdin=slave)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        err = proc.stderr.read()
        proc.stderr.close()
        assert (proc.wait(60), err) == (EXIT_PIPE, b"")
    finally:
        os.close(slave)
        os.close(master)
    assert [i.name for i in trash.items(trashed)] == ["old-skill"]


def test_end_of_input_at_a_prompt_is_no(trashed: Path) -> None:
    master, slave = pty.openpty()
    try:
        proc = start(["trash", "empty"], stdin=slave)
        assert proc.stdout is not None and proc.stderr is not None
        shown = read_until(proc.stdout.fileno(), b"[y/N] ")
        os.write(master, b"\x04")  # Ctrl-D
        out = shown + proc.stdout.read()
        err = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
        assert proc.wait(60) == 0, err.decode()
    finally:
        os.close(slave)
        os.close(master)
    assert b"Cancelled; nothing was deleted" in out and err == b""
    assert [i.name for i in trash.items(trashed)] == ["old-skill"]


# -- encodings ------------------------------------------------------------------------------

ENCODINGS = {
    "ascii": {"PYTHONIOENCODING": "ascii"},
    "latin-1": {"PYTHONIOENCODING": "latin-1"},
    "C locale": {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
}
CODEC = {"ascii": "ascii", "latin-1": "latin-1", "C locale": "ascii"}


@pytest.fixture
def unicode_world(small: Path, home: Path) -> Path:
    """Non-ASCII in a skill's description and in a local entry's name."""
    make_skill(small, "epsilon", frontmatter="name: epsilon\ndescription: crème brûlée "
               "✓ 日本語\n")
    (home / ".claude/skills/café-notes").mkdir()
    return small


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("argv", [["status"], ["diff"], ["list"], ["sync", "-n"], ["doctor"]],
                         ids=" ".join)
def test_text_degrades_to_what_the_encoding_can_show(unicode_world: Path, encoding: str,
                                                     argv: list[str]) -> None:
    utf8 = run_cli_process(*argv, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    proc = start(argv, env=ENCODINGS[encoding])
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == utf8.code, err.decode(errors="replace")
    text, errors = out.decode(CODEC[encoding]), err.decode(CODEC[encoding])
    assert "Traceback" not in errors and "internal error" not in errors
    if "─" in utf8.out:
        assert "-" * 41 in text
    if "✓" in utf8.out or "⚠" in utf8.out:
        assert "ok " in text or "! " in text
    if "crème" in utf8.out:
        assert "cr\\xe8me" in text if encoding != "latin-1" else "crème" in text
    if "café-notes" in utf8.out:
        assert "caf" in text and "-notes" in text
    assert len(text.splitlines()) == len(utf8.out.splitlines())


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("argv", [["list", "--json"], ["diff", "--json"]], ids=" ".join)
def test_json_escapes_what_the_encoding_cannot_show(unicode_world: Path, encoding: str,
                                                    argv: list[str]) -> None:
    utf8 = run_cli_process(*argv, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    proc = start(argv, env=ENCODINGS[encoding])
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (0, b"")
    document = json.loads(out.decode(CODEC[encoding]))
    expected = utf8.json()
    if argv[0] == "diff":  # (a timing)
        document.pop("duration"), expected.pop("duration")
    if encoding != "C locale":  # (there, a non-ASCII file name is read as other characters)
        assert document == expected
    if argv[0] == "list":
        described = {s["name"]: s["description"] for s in document}
        assert described["epsilon"] == "crème brûlée ✓ 日本語"


def test_a_name_that_is_not_utf8_is_shown_escaped(small: Path, home: Path) -> None:
    """A local entry whose name is not valid UTF-8, on a UTF-8 terminal."""
    os.mkdir(os.fsencode(home / ".claude/skills") + b"/bad\xffname")
    env = {"LC_ALL": "C.UTF-8", "PYTHONUTF8": "0"}
    proc = start(["diff", "claude"], env=env)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (0, b"")
    assert "bad\\xffname" in out.decode("utf-8")
    proc = start(["diff", "claude", "--json"], env=env)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (0, b"")
    names = {i["name"] for i in json.loads(out)["targets"][0]["items"]}
    assert os.fsdecode(b"bad\xffname") in names


def test_a_path_that_is_not_utf8_reaches_the_operation_log(small: Path,
                                                           tmp_path: Path) -> None:
    path = os.fsencode(tmp_path) + b"/tool-\xff/skills"
    proc = start([b"target", b"add", b"odd", path])
    _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (0, b""), err.decode(errors="replace")
    entry = json.loads(run_cli_process("log", "--json").out.splitlines()[-1])
    assert (entry["cmd"], entry["status"]) == ("target", "ok")
    assert entry["args"]["path"] == os.fsdecode(path)
    assert "tool-\\xff" in run_cli_process("log").out
