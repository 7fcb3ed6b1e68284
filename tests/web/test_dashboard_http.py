"""The dashboard over real HTTP, served by a real daemon: signing in, every route, every
rejection, the event stream (a file edited on disk arrives on it), actions with their
dry runs, and stopping with streams open."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

from skillshared.web.guard import CSRF_HEADER
from tests.conftest import DaemonStarter, make_skill, wait_for
from tests.web.dashboard import Stream, Web, serve, world

SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy",
                    "x-frame-options", "cache-control")


@pytest.fixture
def web(home: Path, source: Path, daemon: DaemonStarter) -> Web:
    world(home, source)
    return serve(daemon).sign_in()


def test_sign_in_once_then_every_route(web: Web) -> None:
    # the link worked once: again, it is refused (and gives no cookie)
    token = web.extra["login_url"].split("token=", 1)[1]
    again = web.get(f"/login?token={token}", cookie=False)
    assert again.status == 403 and "set-cookie" not in again.headers
    assert b"skillshare ui" in again.body
    page = web.get("/")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    for name in SECURITY_HEADERS:
        assert name in page.headers, name
    assert not any(k.startswith("access-control-") for k in page.headers)
    session = web.get("/api/session").json()
    assert session["port"] == web.port and session["csrf"] == web.csrf
    assert session["home"] == str(web.daemon.paths.home)
    status = web.get("/api/status").json()
    assert [t["name"] for t in status["targets"]] == ["claude", "cursor"]
    assert status["daemon"]["ui"]["port"] == web.port
    assert status["daemon"]["ui"]["sessions"] == 1
    catalog = web.get("/api/catalog").json()
    assert {t["tool"] for t in catalog["catalog"]} == {"claude", "cursor"}
    one = web.get("/api/catalog?tool=cursor").json()
    assert [t["tool"] for t in one["catalog"]] == ["cursor"]
    assert web.get("/api/catalog?tool=nope").status == 404
    backups = web.get("/api/backups").json()
    assert backups["action"] == "list" and backups["backups"] == []
    assert web.get("/nothing-here").status == 404
    assert web.get("/static/../guard.py").status == 404
    assert web.get("/static/%2e%2e/httpd.py").status == 404


@pytest.mark.parametrize("host", [None, "evil.example", "evil.example:{port}",
                                  "127.0.0.1", "127.0.0.1:1", "localhost.evil:{port}",
                                  "0.0.0.0:{port}"])
def test_a_foreign_host_is_refused_first(web: Web, host: str | None) -> None:
    """DNS rebinding: a page of another name that resolves to 127.0.0.1 sends its name."""
    sent = host.format(port=web.port) if host else None
    for path in ("/", "/api/status", f"/login?token={web.extra['login_url']}"):
        reply = web.get(path, host=sent)
        assert reply.status == 421, (path, reply)
        assert b"127.0.0.1" in reply.body
    assert web.action("sync", {"target": "claude", "dry_run": True}).status == 200
    assert web.request("POST", "/api/actions/sync", {
        "Content-Type": "application/json", CSRF_HEADER: web.csrf, "Origin": web.origin},
        b'{"target": "claude", "dry_run": false}', host=sent).status == 421


@pytest.mark.parametrize("host", ["localhost:{port}", "[::1]:{port}", "LOCALHOST:{port}"])
def test_the_loopback_names_are_accepted(web: Web, host: str) -> None:
    assert web.get("/api/session", host=host.format(port=web.port)).status == 200


def test_without_a_session_nothing_is_served(web: Web) -> None:
    for path in ("/", "/api/status", "/api/catalog", "/api/backups", "/api/session",
                 "/api/events", "/static/app.js"):
        reply = web.get(path, cookie=False)
        assert reply.status == 401, path
        assert b"skillshare ui" in reply.body
    forged = web.get("/api/status", cookie=False, headers={
        "Cookie": "skillshare_session=not-a-session"})
    assert forged.status == 401
    assert web.get("/login", cookie=False).status == 403  # no token
    assert web.get("/login?token=made-up", cookie=False).status == 403
    web.cookie = ""
    assert web.action("sync", {"target": "claude", "dry_run": False}).status == 401


def test_the_cookie_alone_reads_and_does_nothing(web: Web) -> None:
    """Browsers send a cookie to every port of its host: another server on 127.0.0.1 the
    user browses to gets it. Without the key, handed out once to the page that signed in,
    it reads nothing and does nothing."""
    for path in ("/api/status", "/api/catalog", "/api/backups", "/api/session",
                 "/api/events", "/api/events?csrf=", "/api/events?csrf=guess"):
        reply = web.get(path, key=False)
        assert reply.status == 403, path
        assert "key" in reply.json()["error"]["message"]
    assert web.get("/api/session", headers={"X-Skillshare-CSRF": "guess"}).status == 403
    assert web.action("sync", {"target": "claude", "dry_run": True},
                      headers={"X-Skillshare-CSRF": None}).status == 403  # type: ignore[dict-item]
    # the page (which has the key) reads on; its own files need only the cookie
    assert web.get("/api/session").json()["csrf"] == web.csrf
    assert web.get("/api/status").status == 200
    assert web.get("/", key=False).status == 200
    # a new sign-in is a new session, whose key goes once to the page that signs in
    again = serve_again(web)
    assert again.csrf != web.csrf
    assert again.get("/api/session", key=False).status == 403


def serve_again(web: Web) -> Web:
    reply = web.daemon.ask("ui", {"action": "start", "port": web.port})
    return Web(web.daemon, web.port, extra=reply).sign_in()


@pytest.mark.parametrize(("change", "status"), [
    ({CSRF_HEADER: None}, 403),
    ({CSRF_HEADER: "wrong"}, 403),
    ({"Origin": None}, 403),
    ({"Origin": "http://evil.example"}, 403),
    ({"Origin": "http://127.0.0.1:1"}, 403),
    ({"Origin": "null"}, 403),
    ({"Sec-Fetch-Site": "cross-site"}, 403),
    ({"Sec-Fetch-Site": "same-site"}, 403),
    ({"Content-Type": "text/plain"}, 415),
    ({"Content-Type": "application/x-www-form-urlencoded"}, 415),
    ({"Content-Type": None}, 415),
])
def test_an_action_without_every_proof_is_refused(web: Web, home: Path,
                                                  change: dict[str, str | None],
                                                  status: int) -> None:
    (home / ".claude/skills").mkdir(parents=True, exist_ok=True)
    before = sorted(p.name for p in (home / ".claude/skills").iterdir())
    reply = web.action("sync", {"target": "claude", "dry_run": False}, headers=change)  # type: ignore[arg-type]
    assert reply.status == status, reply
    assert reply.json()["ok"] is False
    assert sorted(p.name for p in (home / ".claude/skills").iterdir()) == before


def test_bad_bodies_and_methods_are_refused(web: Web) -> None:
    good = {"Content-Type": "application/json", CSRF_HEADER: web.csrf, "Origin": web.origin}
    post = web.request
    assert post("POST", "/api/actions/sync", good, b"{not json").status == 400
    assert post("POST", "/api/actions/sync", good, b"[1]").status == 400
    assert post("POST", "/api/actions/sync", good, b" " * (65 * 1024)).status == 413
    assert web.action("sync", {"target": "claude"}).status == 400  # no dry_run
    assert web.action("sync", {"target": "claude", "dry_run": "yes"}).status == 400
    assert web.action("sync", {"target": "claude", "dry_run": True, "force": True}
                      ).status == 400  # unknown field: release is its own action
    assert web.action("sync", {"target": "", "dry_run": True}).status == 400
    assert web.action("sync", {"target": "x\u0000", "dry_run": True}).status == 400
    assert web.action("launch", {"dry_run": True}).status == 404
    assert web.action("sync", {"target": "nope", "dry_run": True}).status == 404
    for method in ("PUT", "DELETE", "PATCH", "HEAD"):
        assert post(method, "/api/actions/sync", good, b"{}").status == 405, method
    assert post("POST", "/api/status", good, b"{}").status == 405
    # a CORS preflight (a browser sends no cookie with it) gets no CORS answer
    for cookie, status in ((False, 401), (True, 405)):
        preflight = web.request("OPTIONS", "/api/actions/sync", {
            "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
            cookie=cookie)
        assert preflight.status == status
        assert not any(k.startswith("access-control-") for k in preflight.headers)


def test_only_loopback_is_listened_on(web: Web) -> None:
    """The port is bound to 127.0.0.1 alone (the kernel's table of listening sockets)."""
    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp here (Linux's table of sockets)")
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    ours = [r.split()[1] for r in rows if r.split()[1].endswith(f":{web.port:04X}")
            and r.split()[3] == "0A"]
    assert ours == [f"0100007F:{web.port:04X}"]
    six = Path("/proc/net/tcp6")
    if six.exists():
        assert not any(r.split()[1].endswith(f":{web.port:04X}") and r.split()[3] == "0A"
                       for r in six.read_text().splitlines()[1:])


def test_a_skill_written_on_disk_arrives_on_the_stream(web: Web, source: Path,
                                                      home: Path) -> None:
    stream = Stream(web)
    try:
        assert " 200 " in stream.status
        hello = stream.until("hello")
        assert hello["generation"] >= 0
        make_skill(source, "gamma")
        done = stream.until("pass", lambda p: any(c["name"] == "gamma" for c in p["changes"]))
        assert {c["target"] for c in done["changes"] if c["name"] == "gamma"} == {
            "claude", "cursor"}
        assert (home / ".claude/skills/gamma").is_symlink()
        # an edit (nothing to link): the pass names the skill it looked at
        (source / "alpha/SKILL.md").write_text("---\nname: alpha\ndescription: edited\n---\n")
        stream.until("pass", lambda p: "alpha" in p["looked"])
        # a command run through the daemon (from the CLI or the page) is named
        assert web.action("sync", {"target": "claude", "dry_run": False}).status == 200
        assert stream.until("command")["cmd"] == "sync"
    finally:
        stream.close()


def test_actions_preview_then_apply_through_the_command_code(web: Web, home: Path,
                                                            source: Path) -> None:
    make_skill(source, "delta")
    web.daemon.settle()
    (home / ".claude/skills/delta").unlink()
    preview = web.action("sync", {"target": "claude", "dry_run": True})
    assert preview.status == 200
    body = preview.json()
    assert body["ok"] and body["dry_run"] is True and body["result"]["dry_run"] is True
    assert not (home / ".claude/skills/delta").exists()  # the preview changed nothing
    done = web.action("sync", {"target": "claude", "dry_run": False}).json()
    assert done["result"]["dry_run"] is False
    assert (home / ".claude/skills/delta").is_symlink()
    # the same operation as from a terminal: in the operation log as a sync
    log = web.daemon.ask("log", {"cmd": "sync"})
    assert any(e["cmd"] == "sync" for e in log["entries"])


def test_restore_from_a_backup_through_its_preview(web: Web, home: Path) -> None:
    web.daemon.ask("backup", {"targets": ["claude"]})
    listed = web.get("/api/backups").json()["backups"]
    assert [t["name"] for t in listed[0]["targets"]] == ["claude"]
    folder = home / ".claude/skills"
    before = sorted(p.name for p in folder.iterdir())
    missing = web.action("restore", {"target": "claude", "backup": "2001-01-01_00-00-00",
                                     "dry_run": True})
    assert missing.status == 404, missing.json()
    preview = web.action("restore", {"target": "claude", "backup": listed[0]["name"],
                                     "dry_run": True})
    assert preview.status == 200, preview.json()
    assert preview.json()["result"]["dry_run"] is True
    done = web.action("restore", {"target": "claude", "backup": listed[0]["name"],
                                  "dry_run": False})
    assert done.status == 200, done.json()
    assert sorted(p.name for p in folder.iterdir()) == before


def test_restore_over_a_folder_not_ours_needs_force(web: Web, home: Path) -> None:
    web.daemon.ask("backup", {"targets": ["claude"]})
    backup = web.get("/api/backups").json()["backups"][0]["name"]
    mine = home / ".claude/skills/alpha"
    mine.unlink()
    mine.mkdir()
    (mine / "notes.md").write_text("my own\n")
    body = {"target": "claude", "backup": backup}
    refused = web.action("restore", {**body, "dry_run": True})
    assert refused.status == 409
    assert "--force" in refused.json()["error"]["hint"]
    preview = web.action("restore", {**body, "force": True, "dry_run": True}).json()
    assert preview["result"]["replaced"] == ["alpha"]
    assert (mine / "notes.md").read_text() == "my own\n"  # a preview changes nothing
    assert web.action("restore", {**body, "force": "yes", "dry_run": False}).status == 400
    done = web.action("restore", {**body, "force": True, "dry_run": False}).json()
    assert done["ok"] and mine.is_symlink()
    saved = done["result"]["backup"]  # what was there went into a backup first
    assert saved["status"] == "created" and saved["bytes"] == len("my own\n")
    back = web.action("restore", {"target": "claude", "backup": Path(saved["path"]).parent.name,
                                  "force": True, "dry_run": False})
    assert back.status == 200 and (mine / "notes.md").read_text() == "my own\n"


def test_stopping_with_streams_open(web: Web) -> None:
    streams = [Stream(web) for _ in range(2)]
    for stream in streams:
        stream.until("hello")
    ended: list[str] = []

    def read(stream: Stream) -> None:
        stream.until("bye")
        assert stream.next() is None  # and the connection closes
        ended.append("yes")

    readers = [threading.Thread(target=read, args=(s,)) for s in streams]
    for reader in readers:
        reader.start()
    assert web.daemon.status()["ui"]["streams"] == 2
    stopped = web.daemon.ask("ui", {"action": "stop"})
    assert stopped == {"served": False, "was_served": True,
                       "url": f"http://127.0.0.1:{web.port}/"}
    for reader in readers:
        reader.join(10)
    assert ended == ["yes", "yes"]
    for stream in streams:
        stream.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", web.port), timeout=5).close()
    assert web.daemon.status()["ui"] is None
    assert web.daemon.ask("ui", {"action": "stop"})["was_served"] is False


def test_the_daemon_stops_with_a_stream_open(web: Web) -> None:
    stream = Stream(web)
    try:
        stream.until("hello")
        assert web.daemon.stop(timeout=20) == 0
        assert stream.until("bye") == {}
        assert stream.next() is None
    finally:
        stream.close()


def test_start_again_moves_or_keeps_the_port(home: Path, source: Path,
                                             daemon: DaemonStarter) -> None:
    world(home, source)
    web = serve(daemon)
    again = web.daemon.ask("ui", {"action": "start", "port": None})
    assert again["already"] is True and again["port"] == web.port
    assert again["login_url"] != web.extra["login_url"]  # a new one-time link
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        with pytest.raises(Exception, match=f"port {busy}") as caught:
            web.daemon.ask("ui", {"action": "start", "port": busy})
        assert "--port" in (getattr(caught.value, "hint", "") or "")
    assert web.daemon.status()["ui"]["port"] == web.port  # still served where it was
    for bad in (-1, 65536, "80", True):
        with pytest.raises(Exception, match="0 to 65535"):
            web.daemon.ask("ui", {"action": "start", "port": bad})
    with pytest.raises(Exception, match="unknown ui action"):
        web.daemon.ask("ui", {"action": "explode"})


def test_the_stream_and_connection_limits(web: Web) -> None:
    from skillshared.web.httpd import MAX_STREAMS

    streams = [Stream(web) for _ in range(MAX_STREAMS)]
    try:
        for stream in streams:
            stream.until("hello")
        extra = web.get("/api/events")
        assert extra.status == 503
        assert json.loads(extra.body)["error"]["code"] == "busy"
    finally:
        for stream in streams:
            stream.close()
    wait_for(lambda: web.daemon.status()["ui"]["streams"] == 0, what="the streams to end")
    assert web.get("/api/session").status == 200
