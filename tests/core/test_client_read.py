"""client.py reading the daemon's reply: lines split anywhere across the socket's reads, a
big reply (a `list` of tens of thousands of skills) read whole, events before it."""

from __future__ import annotations

from typing import Any

import pytest

from skillshared.core import client, protocol
from skillshared.core.errors import DaemonUnresponsiveError


class Pieces:
    """A socket whose reads hand out ``data`` ``size`` bytes at a time."""

    def __init__(self, data: bytes, size: int) -> None:
        self.data = data
        self.size = size
        self.reads = 0

    def recv(self, most: int) -> bytes:
        self.reads += 1
        piece, self.data = self.data[:min(most, self.size)], self.data[min(most, self.size):]
        return piece

    def settimeout(self, value: float) -> None:
        pass


def _read(sock: Pieces, frames: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    on_progress = None if frames is None else frames.append
    return client._read_reply(sock, on_progress)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_a_reply_split_anywhere_is_read_with_the_events_before_it(size: int) -> None:
    result = {"skills": [{"name": f"s{i}", "path": f"/x/s{i}"} for i in range(50)]}
    wire = (protocol.accepted("r1") + protocol.progress_line("r1", {"task": "t", "done": 1})
            + protocol.ok("r1", result))
    frames: list[dict[str, Any]] = []
    assert _read(Pieces(wire, size), frames) == result
    assert frames == [{"task": "t", "done": 1}]


def test_a_big_reply_is_read_whole_in_few_reads() -> None:
    result = {"skills": [{"name": f"skill-{i:06d}", "description": "d" * 200}
                         for i in range(40_000)]}  # about 10 MB on the wire
    wire = protocol.ok("r1", result)
    sock = Pieces(wire, 1 << 20)
    assert _read(sock) == result
    assert sock.reads <= len(wire) // client.READ_SIZE + 2


def test_a_connection_closed_mid_reply_says_so() -> None:
    wire = protocol.ok("r1", {"a": 1})
    with pytest.raises(DaemonUnresponsiveError, match="closed the connection"):
        _read(Pieces(wire[:-5], 3))
