"""protocol.py: request checking and socket addresses longer than sun_path allows."""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

import pytest

from skillshared.core import protocol


@pytest.mark.parametrize(("line", "problem"), [
    (b"not json", "not valid JSON"),
    (b"\xff\xfe", "not valid JSON"),
    (b"[1, 2]", "must be a JSON object"),
    (b'{"v": 1, "cmd": "status"}', "unsupported protocol version 1"),
    (b'{"v": 3, "cmd": "status"}', "unsupported protocol version 3"),
    (b'{"v": 2, "id": 5, "cmd": "status"}', "'id' must be text"),
    (b'{"v": 2, "id": "x", "cmd": ""}', "'cmd' must be a command name"),
    (b'{"v": 2, "id": "x", "cmd": "status", "args": []}', "'args' must be a JSON object"),
])
def test_bad_requests_say_what_is_wrong(line: bytes, problem: str) -> None:
    with pytest.raises(protocol.ProtocolError, match=problem):
        protocol.decode_request(line)


def test_a_request_round_trips() -> None:
    req = protocol.decode_request(protocol.request("r1", "sync", {"dry_run": True}).rstrip())
    assert (req.id, req.cmd, req.args) == ("r1", "sync", {"dry_run": True})
    reply = json.loads(protocol.ok("r1", {"n": 1}))
    assert reply == {"v": 2, "id": "r1", "ok": True, "result": {"n": 1}}


def test_a_short_path_is_its_own_address(tmp_path: Path) -> None:
    with protocol.short_address(tmp_path / "s.sock") as address:
        assert address == str(tmp_path / "s.sock")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc/self/fd")
def test_a_long_socket_path_is_reached_through_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / ("deep-" * 30)
    folder.mkdir()
    path = folder / "skillshared.sock"
    assert len(os.fsencode(str(path))) > protocol.MAX_ADDRESS_BYTES
    fds_before = len(os.listdir("/proc/self/fd"))
    with socket.socket(socket.AF_UNIX) as server:
        with protocol.short_address(path) as address:
            assert address.startswith("/proc/self/fd/")
            server.bind(address)
        server.listen(1)
        assert path.exists()  # the socket file is in the long-named folder itself
        with socket.socket(socket.AF_UNIX) as client, protocol.short_address(path) as address:
            client.connect(address)
            conn, _ = server.accept()
            with conn:
                client.sendall(b"hi")
                assert conn.recv(2) == b"hi"
    assert len(os.listdir("/proc/self/fd")) == fds_before  # the folder fds were closed


def test_a_name_that_is_not_utf8_crosses_the_socket_as_escapes() -> None:
    """A file name read from the disk as surrogate escapes (not valid UTF-8) makes the line
    ASCII JSON; it decodes to the same text."""
    import json

    from skillshared.core import protocol

    name = os.fsdecode(b"caf\xe9")
    line = protocol.encode({"v": 1, "id": "x", "ok": True, "result": {"name": name}})
    assert line.endswith(b"\n") and line.isascii()
    assert json.loads(line)["result"]["name"] == name
    plain = protocol.encode({"name": "café"})
    assert "café".encode() in plain  # valid text stays UTF-8
