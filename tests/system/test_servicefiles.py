"""Service files: rendering, `systemd-analyze verify`, install / uninstall / status.

No real service manager is ever started: the tests either use a PATH without one, a real
``systemctl`` that cannot reach a user manager (no bus in the isolated environment), or small
fake ``systemctl`` / ``launchctl`` scripts that record their arguments.
"""

from __future__ import annotations

import dataclasses
import os
import plistlib
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.core.paths import Paths
from skillshared.system import servicefiles as sf
from skillshared.system import servicemanager as sm

ENABLE = "systemctl --user enable --now skillshared.service"


def make_program(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "skillshared"
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    return program


def make_paths(path_var: str | None = None, platform: str | None = None,
               **extra: str) -> Paths:
    """The isolated environment, without a session bus, with ``PATH`` if given."""
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    if path_var is not None:
        env["PATH"] = path_var
    env.update(extra)
    paths = Paths.from_env(env)
    return dataclasses.replace(paths, platform=platform) if platform else paths


@pytest.fixture
def program(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installed ``skillshared`` beside a (pretend) interpreter, in a folder with a space."""
    program = make_program(isolated / "venv dir" / "bin")
    monkeypatch.setattr(sys, "executable", str(program.parent / "python"))
    return program


@pytest.fixture
def tools(isolated: Path) -> Path:
    """An empty folder to use as the whole PATH (no service manager on it)."""
    folder = isolated / "tools"
    folder.mkdir()
    return folder


def fake_systemctl(tools: Path, fail: dict[str, str] | None = None,
                   output: dict[str, str] | None = None) -> Path:
    """A ``systemctl`` that logs its arguments; ``fail`` maps arguments to a stderr line
    (exit 1), ``output`` maps arguments to a stdout line (exit 0)."""
    log = tools / "systemctl.log"
    cases = [f"  {shlex.quote(args)}) echo {shlex.quote(err)} >&2; exit 1 ;;"
             for args, err in (fail or {}).items()]
    cases += [f"  {shlex.quote(args)}) echo {shlex.quote(out)} ;;"
              for args, out in (output or {}).items()]
    script = tools / "systemctl"
    script.write_text("#!/bin/sh\n"
                      f"printf '%s\\n' \"$*\" >> {shlex.quote(str(log))}\n"
                      "case \"$*\" in\n" + "\n".join(cases) + "\nesac\nexit 0\n")
    script.chmod(0o755)
    return log


def fake_launchctl(tools: Path, fail_bootstrap: bool = False) -> Path:
    """A ``launchctl`` with a GUI session; bootstrap/bootout load/unload the agent."""
    log = tools / "launchctl.log"
    marker = shlex.quote(str(tools / "loaded"))
    target = f"gui/{os.getuid()}/{sf.LABEL}"
    remove = shlex.quote(shutil.which("rm") or "/bin/rm")  # PATH holds only the fakes
    bootstrap = "echo 'Bootstrap failed: 5: Input/output error' >&2; exit 5" if fail_bootstrap \
        else f": > {marker}"
    script = tools / "launchctl"
    script.write_text(
        "#!/bin/sh\n"
        f"printf '%s\\n' \"$*\" >> {shlex.quote(str(log))}\n"
        "case \"$1 $2\" in\n"
        f"  'print {target}') [ -e {marker} ] || exit 113; echo '	state = running' ;;\n"
        f"  'bootstrap gui/{os.getuid()}') {bootstrap} ;;\n"
        f"  'bootout {target}') {remove} -f {marker} ;;\n"
        "esac\nexit 0\n")
    script.chmod(0o755)
    return log


def bootstrap_command(plist: Path) -> str:
    return f"launchctl bootstrap gui/{os.getuid()} {shlex.quote(str(plist))}"


def logged(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


# -- rendering --------------------------------------------------------------------------------


def test_systemd_unit_quotes_the_program_and_doubles_percent() -> None:
    text = sf.render("systemd", Path("/opt/my tools/100%/skillshared"))
    assert 'ExecStart="/opt/my tools/100%%/skillshared"\n' in text
    for line in ("Restart=on-failure", "RestartSec=5", "Type=simple", "StandardError=journal",
                 "WantedBy=default.target"):
        assert f"\n{line}\n" in text
    assert "\nDescription=" in text
    assert "\nDocumentation=file:///" in text
    assert not re.search("@[A-Z_]+@", text)


@pytest.mark.parametrize("kind", sf.KINDS)
def test_placeholder_text_in_the_program_path_is_left_alone(kind: str) -> None:
    program = "/opt/@PROGRAM@ @LOG_FILE@ @DOCS@/skillshared"
    text = sf.render(kind, program)
    assert text.count("@PROGRAM@ @LOG_FILE@ @DOCS@") == 1


@pytest.mark.parametrize("refused", ['quo"te', "o'brien", "back\\slash"])
def test_systemd_refuses_a_program_path_it_cannot_run(refused: str) -> None:
    with pytest.raises(UsageError, match="systemd cannot run"):
        sf.render("systemd", f"/opt/{refused}/skillshared")


@pytest.mark.parametrize("kind", sf.KINDS)
@pytest.mark.parametrize("bad", ["skillshared", "bin/skillshared", "/opt/a\nb/skillshared",
                                 "/opt/a\rb/skillshared", "/opt/\udcff/skillshared"])
def test_render_refuses_a_relative_or_unsafe_program_path(kind: str, bad: str) -> None:
    with pytest.raises(UsageError) as info:
        sf.render(kind, bad)
    assert info.value.hint


def test_render_refuses_an_unknown_kind() -> None:
    with pytest.raises(UsageError, match="unknown service kind"):
        sf.render("upstart", "/usr/bin/skillshared")


def test_launchd_plist_parses_and_names_the_program() -> None:
    program = "/Users/me/odd & <dir> \"'/bin/skillshared"
    log_file = "/Users/me/Library/Application Support/skillshare/logs/daemon.log"
    data = plistlib.loads(sf.render("launchd", program, log_file=log_file).encode())
    assert data["Label"] == "dev.skillshare.skillshared"
    assert data["ProgramArguments"] == [program]
    assert data["RunAtLoad"] is True
    assert data["KeepAlive"] == {"SuccessfulExit": False}
    assert data["ProcessType"] == "Background"
    assert data["StandardOutPath"] == data["StandardErrorPath"] == log_file


def test_launchd_output_defaults_to_dev_null() -> None:
    data = plistlib.loads(sf.render("launchd", "/usr/local/bin/skillshared").encode())
    assert data["StandardErrorPath"] == os.devnull


def test_templates_are_packaged() -> None:
    from importlib import resources

    folder = resources.files("skillshared.service_files")
    assert (folder / "systemd" / "skillshared.service").is_file()
    assert (folder / "launchd" / "dev.skillshare.skillshared.plist").is_file()
    assert (folder / "README.md").is_file()


# -- systemd-analyze verify -------------------------------------------------------------------


def verify(unit: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed")
    runtime = tmp_path / "run"
    runtime.mkdir(exist_ok=True)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "SYSTEMD_LOG_COLOR": "0"}
    return subprocess.run([tool, "--user", "verify", str(unit)], capture_output=True,
                          text=True, env=env, timeout=60, check=False)


def complaints(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in (proc.stdout + proc.stderr).splitlines()
            if sf.UNIT_NAME in line]


@pytest.mark.parametrize("folder", ["bin", "my bin", "100% sure $HOME ~ (x)"])
def test_rendered_unit_passes_systemd_analyze_verify(tmp_path: Path, folder: str) -> None:
    program = make_program(tmp_path / folder)
    unit = tmp_path / "units" / sf.UNIT_NAME
    unit.parent.mkdir()
    unit.write_text(sf.render("systemd", program))
    proc = verify(unit, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not complaints(proc)


def test_verify_notices_a_missing_program(tmp_path: Path) -> None:
    """The check above means something: verify looks at the program itself."""
    unit = tmp_path / "units" / sf.UNIT_NAME
    unit.parent.mkdir()
    unit.write_text(sf.render("systemd", tmp_path / "my bin" / "skillshared"))
    proc = verify(unit, tmp_path)
    assert proc.returncode != 0
    assert "my bin/skillshared" in proc.stderr


def test_installed_unit_passes_verify(program: Path, tools: Path, isolated: Path) -> None:
    result = sm.install(make_paths(str(tools)), start=False)
    proc = verify(Path(result["path"]), isolated)
    assert proc.returncode == 0, proc.stderr
    assert not complaints(proc)


# -- where things go --------------------------------------------------------------------------


def test_unit_paths_per_platform(home: Path, isolated: Path) -> None:
    assert sf.unit_path(make_paths()) == home / ".config/systemd/user/skillshared.service"
    other = isolated / "conf"
    assert sf.unit_path(make_paths(XDG_CONFIG_HOME=str(other))) == \
        other / "systemd/user/skillshared.service"
    assert sf.unit_path(make_paths(XDG_CONFIG_HOME="relative")) == \
        home / ".config/systemd/user/skillshared.service"
    assert sf.unit_path(make_paths(platform="darwin")) == \
        home / "Library/LaunchAgents/dev.skillshare.skillshared.plist"


@pytest.mark.parametrize("platform", ["win32", "freebsd14", "cygwin"])
def test_unsupported_platform_is_refused(platform: str) -> None:
    paths = make_paths(platform=platform)
    for action in (sf.unit_path, sm.install, sm.uninstall, sm.status):
        with pytest.raises(SkillshareError, match="not supported on this platform") as info:
            action(paths)
        assert info.value.hint


def test_program_beside_the_interpreter_wins(program: Path, tools: Path) -> None:
    make_program(tools)
    assert sf.program_path(make_paths(str(tools))) == program


def test_program_found_on_path(isolated: Path, tools: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    beside = isolated / "python" / "bin"
    beside.mkdir(parents=True)
    (beside / "skillshared").write_text("not executable")
    monkeypatch.setattr(sys, "executable", str(beside / "python3"))
    on_path = make_program(tools)
    assert sf.program_path(make_paths(f"{isolated / 'empty'}:{tools}")) == on_path


def test_program_not_found(isolated: Path, tools: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", str(isolated / "nowhere" / "python3"))
    paths = make_paths(str(tools))
    with pytest.raises(NotFoundError, match="cannot find the installed `skillshared`") as info:
        sf.program_path(paths)
    assert info.value.hint
    with pytest.raises(NotFoundError):
        sm.install(paths, start=False)
    assert not sf.unit_path(paths).exists()
    assert sm.status(paths)["program_error"]


# -- install / uninstall / status without a service manager -----------------------------------


def test_install_writes_is_idempotent_and_replaces_a_stale_file(program: Path,
                                                                tools: Path) -> None:
    paths = make_paths(str(tools))
    first = sm.install(paths, start=False)
    unit = sf.unit_path(paths)
    assert first["file"] == "created"
    assert first["path"] == str(unit)
    assert first["program"] == str(program)
    assert (first["ok"], first["started"], first["manager"]) == (True, False, None)
    assert ENABLE in first["next_steps"]
    assert unit.read_text() == sf.render("systemd", program)
    assert stat.S_IMODE(unit.stat().st_mode) == 0o644
    assert sm.install(paths, start=False)["file"] == "unchanged"
    unit.write_text(unit.read_text().replace("RestartSec=5", "RestartSec=1"))
    replaced = sm.install(paths, start=False)
    assert replaced["file"] == "replaced"
    assert "replaced" in replaced["message"]
    assert unit.read_text() == sf.render("systemd", program)
    assert [p.name for p in unit.parent.iterdir()] == [sf.UNIT_NAME]


def test_install_dry_run_writes_nothing(program: Path, tools: Path) -> None:
    paths = make_paths(str(tools))
    result = sm.install(paths, dry_run=True)
    assert (result["file"], result["dry_run"], result["started"]) == ("created", True, False)
    assert not sf.unit_path(paths).exists()


def test_install_launchd_agent(program: Path, tools: Path, home: Path) -> None:
    paths = make_paths(str(tools), platform="darwin")
    result = sm.install(paths, start=False)
    plist = home / "Library/LaunchAgents/dev.skillshare.skillshared.plist"
    assert result["path"] == str(plist)
    assert result["log_file"] == str(paths.daemon_log)
    data = plistlib.loads(plist.read_bytes())
    assert data["ProgramArguments"] == [str(program)]
    assert data["Label"] == sf.LABEL
    assert data["StandardErrorPath"] == str(paths.daemon_log)
    assert stat.S_IMODE(paths.log_dir.stat().st_mode) == 0o700
    assert result["next_steps"] == [bootstrap_command(plist)]
    assert sm.install(paths, start=False)["file"] == "unchanged"
    assert sm.uninstall(paths)["removed"] is True
    assert not plist.exists()


def test_install_start_without_a_user_manager(program: Path) -> None:
    """The CI case: systemctl (if any) cannot reach a user manager; the file is written."""
    paths = make_paths()
    result = sm.install(paths, start=True)
    assert sf.unit_path(paths).read_text() == sf.render("systemd", program)
    assert (result["ok"], result["started"], result["file"]) == (True, False, "created")
    assert result["manager"] is not None
    assert result["manager"]["present"] is False
    assert result["manager"]["detail"]
    assert "not started" in result["message"]
    assert result["next_steps"] == ["systemctl --user daemon-reload", ENABLE]
    assert result["commands"] == []


def test_install_start_with_an_unreachable_fake_manager(program: Path, tools: Path) -> None:
    log = fake_systemctl(tools, fail={"--user show-environment": "Failed to connect to bus"})
    result = sm.install(make_paths(str(tools)), start=True)
    assert result["started"] is False
    assert result["manager"] is not None
    assert "Failed to connect to bus" in (result["manager"]["detail"] or "")
    assert logged(log) == ["--user show-environment"]


def test_install_launchd_without_launchctl(program: Path, tools: Path) -> None:
    result = sm.install(make_paths(str(tools), platform="darwin"), start=True)
    assert result["started"] is False
    assert result["manager"] == {"present": False, "detail": "launchctl is not on PATH"}
    assert result["next_steps"][0].startswith(f"launchctl bootstrap gui/{os.getuid()} ")


def test_uninstall_when_nothing_is_installed(tools: Path) -> None:
    result = sm.uninstall(make_paths(str(tools)))
    assert (result["ok"], result["installed"], result["removed"]) == (True, False, False)
    assert "not installed" in result["message"]


def test_uninstall_without_a_manager_removes_the_file_and_enable_link(program: Path,
                                                                      tools: Path) -> None:
    paths = make_paths(str(tools))
    sm.install(paths, start=False)
    unit = sf.unit_path(paths)
    wants = unit.parent / "default.target.wants"
    wants.mkdir()
    (wants / sf.UNIT_NAME).symlink_to(unit)
    (wants / "other.service").symlink_to(unit.parent / "other.service")
    assert sm.uninstall(paths, dry_run=True)["removed"] is True
    assert unit.exists()
    result = sm.uninstall(paths)
    assert (result["ok"], result["installed"], result["removed"]) == (True, True, True)
    assert "nothing was stopped" in result["message"]
    assert not unit.exists()
    assert sorted(p.name for p in wants.iterdir()) == ["other.service"]


def test_status_reports_the_file(program: Path, tools: Path) -> None:
    paths = make_paths(str(tools))
    before = sm.status(paths)
    assert (before["installed"], before["up_to_date"], before["active"]) == (False, None, None)
    assert before["manager"] is not None
    assert before["manager"]["present"] is False
    sm.install(paths, start=False)
    after = sm.status(paths)
    assert (after["installed"], after["up_to_date"]) == (True, True)
    assert after["program"] == str(program)
    unit = sf.unit_path(paths)
    unit.write_text(unit.read_text() + "# edited\n")
    stale = sm.status(paths)
    assert stale["up_to_date"] is False
    assert "out of date" in stale["message"]


# -- with a (fake) service manager ------------------------------------------------------------


def test_install_starts_and_uninstall_stops_with_systemd(program: Path, tools: Path) -> None:
    log = fake_systemctl(tools)
    paths = make_paths(str(tools))
    result = sm.install(paths)
    assert (result["ok"], result["started"], result["next_steps"]) == (True, True, [])
    assert result["commands"] == ["systemctl --user daemon-reload", ENABLE]
    assert logged(log) == ["--user show-environment", "--user daemon-reload",
                           "--user enable --now skillshared.service"]
    unit = sf.unit_path(paths)
    unit.write_text("stale\n")
    log.unlink()
    assert sm.install(paths)["commands"] == [
        "systemctl --user daemon-reload", "systemctl --user try-restart skillshared.service",
        ENABLE]
    log.unlink()
    removed = sm.uninstall(paths)
    assert (removed["ok"], removed["removed"]) == (True, True)
    assert logged(log) == ["--user show-environment",
                           "--user disable --now skillshared.service", "--user daemon-reload"]
    assert not unit.exists()


def test_a_failing_start_is_reported_and_the_file_kept(program: Path, tools: Path) -> None:
    fake_systemctl(tools, fail={"--user enable --now skillshared.service":
                                "Failed to enable unit: boom"})
    paths = make_paths(str(tools))
    result = sm.install(paths)
    assert (result["ok"], result["started"]) == (False, False)
    assert "Failed to enable unit: boom" in (result["error"] or "")
    assert ENABLE in (result["error"] or "")
    assert result["next_steps"] == ["systemctl --user daemon-reload", ENABLE]
    assert sf.unit_path(paths).read_text() == sf.render("systemd", program)


def test_a_failing_stop_keeps_the_file(program: Path, tools: Path) -> None:
    fake_systemctl(tools, fail={"--user disable --now skillshared.service": "Access denied"})
    paths = make_paths(str(tools))
    sm.install(paths, start=False)
    result = sm.uninstall(paths)
    assert (result["ok"], result["removed"]) == (False, False)
    assert "Access denied" in (result["error"] or "")
    assert sf.unit_path(paths).exists()
    assert "systemctl --user disable --now skillshared.service" in result["next_steps"]


def test_status_asks_systemd(program: Path, tools: Path) -> None:
    fake_systemctl(tools, output={"--user is-active skillshared.service": "active",
                                  "--user is-enabled skillshared.service": "enabled"})
    paths = make_paths(str(tools))
    sm.install(paths, start=False)
    result = sm.status(paths)
    assert result["manager"] == {"present": True, "detail": None}
    assert (result["active"], result["enabled"], result["up_to_date"]) == \
        ("active", "enabled", True)


def test_launchd_install_status_uninstall(program: Path, tools: Path) -> None:
    log = fake_launchctl(tools)
    paths = make_paths(str(tools), platform="darwin")
    target = f"gui/{os.getuid()}/{sf.LABEL}"
    plist = sf.unit_path(paths)
    result = sm.install(paths)
    assert (result["ok"], result["started"]) == (True, True)
    assert result["commands"] == [f"launchctl enable {target}", bootstrap_command(plist)]
    state = sm.status(paths)
    assert (state["active"], state["enabled"], state["up_to_date"]) == \
        ("running", "loaded", True)
    assert sm.install(paths)["commands"] == [f"launchctl kickstart {target}"]
    plist.write_text("stale")
    assert sm.install(paths)["commands"][0] == f"launchctl bootout {target}"
    log.unlink()
    removed = sm.uninstall(paths)
    assert removed["removed"] is True
    assert logged(log)[-1] == f"bootout {target}"
    assert not plist.exists()
    assert sm.status(paths)["active"] == "not loaded"


def test_launchd_bootstrap_failure(program: Path, tools: Path) -> None:
    log = fake_launchctl(tools, fail_bootstrap=True)
    paths = make_paths(str(tools), platform="darwin")
    result = sm.install(paths)
    assert result["ok"] is False
    assert "Input/output error" in (result["error"] or "")
    assert result["next_steps"] == [bootstrap_command(sf.unit_path(paths))]
    assert sf.unit_path(paths).exists()
    assert sum(line.startswith("bootstrap ") for line in logged(log)) == 1


def test_launchd_bootstrap_is_retried_once_after_a_bootout(program: Path, tools: Path) -> None:
    log = fake_launchctl(tools, fail_bootstrap=True)
    (tools / "loaded").touch()
    paths = make_paths(str(tools), platform="darwin")
    result = sm.install(paths)
    target = f"gui/{os.getuid()}/{sf.LABEL}"
    assert result["commands"] == [f"launchctl bootout {target}", f"launchctl enable {target}",
                                  bootstrap_command(sf.unit_path(paths))]
    assert result["ok"] is False
    assert sum(line.startswith("bootstrap ") for line in logged(log)) == 2
