"""paths.py: every path resolved once from the environment (README: "Configuration")."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillshared.core.locations import Locations
from skillshared.core.paths import Paths
from tests.conftest import tree


def _env(home: Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(home), **extra}


def test_defaults_follow_the_xdg_variables(isolated: Path, home: Path, work: Path) -> None:
    paths = Paths.from_env()
    assert paths.home == home
    assert paths.cwd == work
    assert paths.config_file == home / ".config/skillshare/config.yaml"
    assert paths.data_dir == home / ".local/share/skillshare"
    assert paths.state_dir == home / ".local/state/skillshare"
    assert paths.runtime_dir == isolated / "run/skillshare"
    assert paths.socket == isolated / "run/skillshare/skillshared.sock"
    assert paths.lock_dir == home / ".local/state/skillshare"
    assert paths.daemon_lock == paths.lock_dir / "daemon.lock"
    assert paths.ops_lock == paths.lock_dir / "ops.lock"
    assert paths.backups_dir == paths.data_dir / "backups"
    assert paths.trash_dir == paths.data_dir / "trash"
    assert paths.log_dir == paths.state_dir / "logs"
    assert paths.daemon_log == paths.state_dir / "logs/daemon.log"
    assert paths.under_service_manager is False


def test_custom_xdg_folders_are_honoured(isolated: Path, home: Path) -> None:
    env = _env(home, XDG_CONFIG_HOME=str(isolated / "cfg"), XDG_DATA_HOME=str(isolated / "d"),
               XDG_STATE_HOME=str(isolated / "s"), XDG_RUNTIME_DIR=str(isolated / "r"))
    paths = Paths.from_env(env, cwd=isolated)
    assert paths.config_file == isolated / "cfg/skillshare/config.yaml"
    assert paths.data_dir == isolated / "d/skillshare"
    assert paths.state_dir == isolated / "s/skillshare"
    assert paths.socket == isolated / "r/skillshare/skillshared.sock"


def test_only_the_given_mapping_is_read(home: Path, isolated: Path) -> None:
    """An explicit env (HOME only) ignores the XDG variables set in os.environ."""
    other_home = isolated / "other"
    paths = Paths.from_env(_env(other_home), cwd=isolated)
    assert paths.config_file == other_home / ".config/skillshare/config.yaml"
    assert paths.data_dir == other_home / ".local/share/skillshare"
    assert paths.state_dir == other_home / ".local/state/skillshare"
    assert paths.cwd == isolated


def test_without_runtime_dir_the_socket_lives_in_the_state_dir(home: Path) -> None:
    paths = Paths.from_env(_env(home), cwd=home)
    assert paths.socket == home / ".local/state/skillshare/skillshared.sock"
    assert paths.runtime_dir == paths.state_dir
    assert paths.ops_lock == paths.state_dir / "ops.lock"


@pytest.mark.parametrize("var", ["XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
                                 "XDG_RUNTIME_DIR"])
@pytest.mark.parametrize("value", ["nowhere/dir", ""])
def test_relative_or_empty_xdg_values_are_ignored(home: Path, var: str, value: str) -> None:
    """The XDG spec says relative values are invalid: the defaults apply."""
    expected = Paths.from_env(_env(home), cwd=home)
    paths = Paths.from_env(_env(home, **{var: value}), cwd=home)
    assert paths == expected
    assert "nowhere" not in str(paths.socket) + str(paths.config_file) + str(paths.data_dir)


def test_skillshare_config_overrides_the_config_file(isolated: Path, home: Path) -> None:
    custom = isolated / "elsewhere/my.yaml"
    paths = Paths.from_env(_env(home, SKILLSHARE_CONFIG=str(custom)), cwd=home)
    assert paths.config_file == custom
    assert paths.global_scope().default_source == isolated / "elsewhere/skills"


def test_relative_skillshare_config_is_resolved_against_cwd(isolated: Path, home: Path) -> None:
    paths = Paths.from_env(_env(home, SKILLSHARE_CONFIG="conf/c.yaml"), cwd=isolated)
    assert paths.config_file == isolated / "conf/c.yaml"


def test_empty_skillshare_config_means_the_default(home: Path) -> None:
    paths = Paths.from_env(_env(home, SKILLSHARE_CONFIG=""), cwd=home)
    assert paths.config_file == home / ".config/skillshare/config.yaml"


@pytest.mark.parametrize("given", ["absolute", "relative"])
def test_skillshare_socket_moves_the_socket_not_the_locks(isolated: Path, home: Path,
                                                          given: str) -> None:
    wanted = isolated / "sock/s.sock"
    value = str(wanted) if given == "absolute" else "sock/s.sock"
    paths = Paths.from_env(_env(home, SKILLSHARE_SOCKET=value), cwd=isolated)
    assert paths.socket == wanted
    assert paths.socket.is_absolute()
    assert paths.runtime_dir == isolated / "sock"
    assert paths.daemon_lock == home / ".local/state/skillshare/daemon.lock"
    assert paths.ops_lock == home / ".local/state/skillshare/ops.lock"


@pytest.mark.parametrize("extra", [
    {"XDG_RUNTIME_DIR": "/run/user/1000"},
    {"XDG_STATE_HOME": "/elsewhere/state"},
    {"SKILLSHARE_SOCKET": "/tmp/s.sock"},
    {"XDG_RUNTIME_DIR": "/r", "XDG_STATE_HOME": "/s", "XDG_CONFIG_HOME": "/c",
     "XDG_DATA_HOME": "/d", "SKILLSHARE_SOCKET": "/x/y.sock", "SKILLSHARE_CONFIG": "/c.yaml"},
])
def test_the_locks_are_one_place_per_home_whatever_the_other_variables(
        home: Path, extra: dict[str, str]) -> None:
    """Two shells of one user (one with XDG_RUNTIME_DIR, one without, as under su or cron)
    must share daemon.lock and ops.lock, or two daemons write the same targets."""
    plain = Paths.from_env(_env(home), cwd=home)
    other = Paths.from_env(_env(home, **extra), cwd=home)
    assert other.socket != plain.socket or "SKILLSHARE_SOCKET" not in extra
    assert (other.daemon_lock, other.ops_lock) == (plain.daemon_lock, plain.ops_lock)
    where = Locations.from_env(_env(home, **extra), cwd=str(home))
    assert where.daemon_lock == str(plain.daemon_lock)
    assert where.ops_lock == str(plain.ops_lock)


@pytest.mark.parametrize(("extra", "managed"), [
    ({}, False),
    ({"INVOCATION_ID": "abc"}, True),
    ({"JOURNAL_STREAM": "8:123"}, True),
    ({"INVOCATION_ID": ""}, False),
])
def test_service_manager_detection(home: Path, extra: dict[str, str], managed: bool) -> None:
    assert Paths.from_env(_env(home, **extra), cwd=home).under_service_manager is managed


def test_resolving_paths_creates_nothing(isolated: Path) -> None:
    before = tree(isolated)
    paths = Paths.from_env()
    paths.global_scope()
    paths.scope(None)
    assert tree(isolated) == before
    assert not paths.config_file.parent.exists()
    assert not paths.runtime_dir.exists()


def test_env_is_a_snapshot_and_child_env_adds_to_it(home: Path) -> None:
    env = _env(home, FOO="1")
    paths = Paths.from_env(env, cwd=home)
    env["FOO"] = "changed"
    child = paths.where.child_env(GIT_TERMINAL_PROMPT="0")
    assert child["FOO"] == "1"
    assert child["GIT_TERMINAL_PROMPT"] == "0"
    assert "GIT_TERMINAL_PROMPT" not in paths.env


@pytest.mark.parametrize("extra", [
    {},
    {"SKILLSHARE_CONFIG": "rel//conf.yaml", "SKILLSHARE_SOCKET": "./s/x.sock/"},
    {"XDG_RUNTIME_DIR": "/run/user//7/", "XDG_STATE_HOME": "/st/./a/"},
])
def test_locations_and_paths_name_the_same_places(home: Path, extra: dict[str, str]) -> None:
    where = Locations.from_env(_env(home, **extra), cwd=str(home / "w/"))
    paths = Paths.of(where)
    for name in ("home", "cwd", "config_file", "data_dir", "state_dir", "runtime_dir",
                 "socket", "lock_dir", "daemon_lock", "ops_lock", "daemon_log"):
        assert getattr(where, name) == str(getattr(paths, name)), name
    assert paths.where.socket == where.socket
    assert Paths.of(paths.where) == paths


@pytest.mark.parametrize(("value", "seconds"), [
    (None, 5.0), ("2.5", 2.5), ("0", 5.0), ("-1", 5.0), ("soon", 5.0)])
def test_daemon_timeout(home: Path, value: str | None, seconds: float) -> None:
    extra = {} if value is None else {"SKILLSHARE_DAEMON_TIMEOUT": value}
    assert Locations.from_env(_env(home, **extra), cwd=str(home)).daemon_timeout == seconds


# -- scopes ---------------------------------------------------------------------------------


def test_global_scope(home: Path) -> None:
    paths = Paths.from_env()
    scope = paths.global_scope()
    assert not scope.is_project
    assert scope.name == "global"
    assert scope.project_root is None
    assert scope.config_file == paths.config_file
    assert scope.default_source == home / ".config/skillshare/skills"
    assert scope.base_dir == home / ".config/skillshare"
    assert scope.backups_dir == paths.backups_dir
    assert scope.trash_dir == paths.trash_dir
    assert scope.oplog_file == paths.state_dir / "logs/operations.log"


def test_project_scope(work: Path) -> None:
    scope = Paths.from_env().project_scope()
    assert scope.is_project
    assert scope.name == "project"
    assert scope.project_root == work
    assert scope.base_dir == work
    assert scope.config_file == work / ".skillshare/config.yaml"
    assert scope.default_source == work / ".skillshare/skills"
    assert scope.trash_dir == work / ".skillshare/trash"
    assert scope.log_dir == work / ".skillshare/logs"
    assert scope.oplog_file == work / ".skillshare/logs/operations.log"


def test_project_scope_root_is_normalised(work: Path) -> None:
    scope = Paths.from_env().project_scope(work / "sub/../other/.")
    assert scope.project_root == work / "other"


def _make_project(root: Path) -> None:
    (root / ".skillshare").mkdir(parents=True)
    (root / ".skillshare/config.yaml").write_text("targets: [claude]\n")


def test_project_is_detected_in_cwd(work: Path) -> None:
    _make_project(work)
    scope = Paths.from_env().scope(None)
    assert scope.is_project
    assert scope.project_root == work


def test_project_is_not_detected_from_a_parent_folder(work: Path) -> None:
    _make_project(work)
    sub = work / "src/deep"
    sub.mkdir(parents=True)
    scope = Paths.from_env(cwd=sub).scope(None)
    assert not scope.is_project
    assert scope.config_file == Paths.from_env().config_file


@pytest.mark.parametrize("layout", ["empty_dir", "config_is_a_folder"])
def test_project_needs_a_config_file(work: Path, layout: str) -> None:
    (work / ".skillshare").mkdir()
    if layout == "config_is_a_folder":
        (work / ".skillshare/config.yaml").mkdir()
    assert not Paths.from_env().scope(None).is_project


def test_explicit_choice_beats_detection(work: Path) -> None:
    paths = Paths.from_env()
    assert paths.scope(True).project_root == work  # no project config needed
    _make_project(work)
    assert not paths.scope(False).is_project


@pytest.mark.parametrize(("raw", "expected"), [
    ("~", "{home}"),
    ("~/", "{home}"),
    ("~/a/b", "{home}/a/b"),
    ("/abs/x/../y", "/abs/y"),
    ("rel/dir", "{base}/rel/dir"),
    ("./rel/../x", "{base}/x"),
])
def test_expand(home: Path, work: Path, raw: str, expected: str) -> None:
    paths = Paths.from_env()
    for scope in (paths.global_scope(), paths.project_scope()):
        want = expected.format(home=home, base=scope.base_dir)
        assert scope.expand(raw) == Path(os.path.normpath(want)), scope.name


def test_expand_in_a_project_is_relative_to_the_project_root(work: Path) -> None:
    assert Paths.from_env().project_scope().expand(".claude/skills") == work / ".claude/skills"


@pytest.mark.parametrize(("shown", "expected"), [
    ("{home}", "~"),
    ("{home}/.claude/skills", "~/.claude/skills"),
    ("{home}2/x", "{home}2/x"),
    ("/opt/skills", "/opt/skills"),
])
def test_contract(home: Path, shown: str, expected: str) -> None:
    scope = Paths.from_env().global_scope()
    assert scope.contract(Path(shown.format(home=home))) == expected.format(home=home)
