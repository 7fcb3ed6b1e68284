"""`skillshare ui [start|stop|status]`: the CLI asks the daemon (starting it for `start`) to
serve the dashboard, and prints or opens its one-time sign-in link."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from skillshared.core import client
from skillshared.core.paths import Paths
from tests.conftest import (
    CliRunner,
    DaemonStarter,
    Run,
    make_skill,
    run_cli_process,
    wait_for,
    write_config,
)


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    write_config(home, f"source: {source}\ntargets:\n  claude: {{path: {home}/.claude/skills}}\n"
                 "daemon:\n  debounce_ms: 20\n")
    make_skill(source, "alpha")
    return source


def cli(*argv: str, env: dict[str, str] | None = None) -> Run:
    return run_cli_process(*argv, env=env)


def no_daemon() -> bool:
    where = Paths.from_env().where
    return client.lock_holder(where) is None and client.ask_daemon("ping", {}, where) is None


def sign_in(port: int, login_url: str) -> http.client.HTTPResponse:
    """GET the sign-in link as a browser does (Host: 127.0.0.1:PORT), redirects not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", login_url.split(f":{port}", 1)[1])
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def refused(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_ui_starts_the_daemon_serves_and_stops(world: Path) -> None:
    assert no_daemon()
    started = cli("ui", "--port", "0", "--json")
    try:
        assert started.code == 0, started.err
        reply = started.json()
        assert reply["daemon_started"] is True and reply["served"] is True
        port = reply["port"]
        assert reply["url"] == f"http://127.0.0.1:{port}/"
        assert reply["login_url"].startswith(f"http://127.0.0.1:{port}/login?token=")
        response = sign_in(port, reply["login_url"])
        assert response.status == 303 and response.getheader("Location") == "/"
        cookie = response.getheader("Set-Cookie") or ""
        assert cookie.startswith("skillshare_session=") and "HttpOnly" in cookie
        assert "SameSite=Strict" in cookie
        assert sign_in(port, reply["login_url"]).status == 403  # once only
        status = cli("ui", "status")
        assert status.code == 0 and f"served at http://127.0.0.1:{port}/" in status.out
        assert "1 signed-in session" in status.out
        assert f"Dashboard:      http://127.0.0.1:{port}/" in cli("daemon", "status").out
        again = cli("ui")  # the same dashboard, a new link
        assert again.code == 0 and "dashboard already served at" in again.out
        assert "Sign in (valid once, within 5 minutes): http://127.0.0.1:" in again.out
        assert "skillshare ui stop" in again.out
        stopped = cli("ui", "stop")
        assert stopped.code == 0 and "dashboard stopped" in stopped.out
        wait_for(lambda: refused(port), what="the port to refuse")
        assert cli("ui", "status", "--json").json()["served"] is False
        assert cli("ui", "status").code == 1
    finally:
        cli("daemon", "stop")


def test_open_gives_the_browser_the_sign_in_link(world: Path, daemon: DaemonStarter,
                                                 tmp_path: Path) -> None:
    daemon()
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> {opened}\n')
    browser.chmod(0o755)
    env = {**os.environ, "BROWSER": str(browser)}
    result = cli("ui", "start", "--open", "--port", "0", "--json", env=env)
    assert result.code == 0, result.err
    reply = result.json()
    assert reply["opened"] is True and reply["daemon_started"] is False
    assert opened.read_text().splitlines() == [reply["login_url"]]
    text = cli("ui", "--app", "--host", "localhost", "-b", "/", "--clear-cache", "-g", env=env)
    assert text.code == 0, text.err
    assert "opened the sign-in link in the browser" in text.out
    assert "token=" not in text.out  # opened, not printed
    assert "nothing to clear" in text.out
    assert len(opened.read_text().splitlines()) == 2


@pytest.mark.parametrize("action", ["stop", "status"])
def test_stop_and_status_never_start_a_daemon(world: Path, cli: CliRunner, action: str) -> None:
    result = cli("ui", action)
    assert result.code == (0 if action == "stop" else 1)
    assert "no dashboard: the daemon is not running" in result.out
    assert "`skillshare ui`" in result.out and "skillshare daemon start" in result.out
    assert cli("ui", action, "--json").json()["daemon_running"] is False
    assert no_daemon()


@pytest.mark.parametrize(("argv", "said"), [
    (["--host", "0.0.0.0"], "served on loopback (127.0.0.1) only"),
    (["--host", "example.com", "--open"], "served on loopback (127.0.0.1) only"),
    (["-b", "/skillshare"], "no reverse-proxy path"),
    (["-p"], "shows the global setup"),
    (["--port", "70000"], "a port is 0-65535"),
    (["--port", "-1"], "a port is 0-65535"),
    (["--port", "abc"], "invalid int value"),
    (["--no-daemon"], "served by the daemon"),
    (["start", "--open", "--no-open"], "say the opposite"),
])
def test_every_refusal_says_why_and_starts_nothing(world: Path, cli: CliRunner,
                                                   argv: list[str], said: str) -> None:
    result = cli("ui", *argv)
    assert result.code == 2, result
    assert said in result.err
    assert no_daemon()


def test_a_port_in_use_is_the_daemons_error_with_its_hint(world: Path,
                                                          daemon: DaemonStarter) -> None:
    daemon()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("ui", "--port", str(port), "--json")
    assert result.code == 1
    error = result.json()["error"]
    assert error["code"] == "port_in_use"
    assert "skillshare ui --port" in error["hint"] and "any free port" in error["hint"]
    assert cli("ui", "status", "--json").json()["served"] is False


def test_ui_status_stays_light(world: Path, daemon: DaemonStarter, work: Path) -> None:
    daemon()
    script = ("import sys\nfrom skillshare.main import main\n"
              "main(['ui', 'status'])\nmain(['ui', 'stop'])\n"
              "heavy = [m for m in sys.modules if m.split('.')[0] in\n"
              "         ('watchdog', 'apscheduler', 'git', 'structlog', 'yaml', 'webbrowser')\n"
              "         or m.startswith(('skillshared.engine', 'skillshared.web'))\n"
              "         or m == 'skillshared.api']\n"
              "print('HEAVY', heavy, file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=work, check=False, timeout=60)
    assert "HEAVY []" in proc.stderr, proc.stderr
