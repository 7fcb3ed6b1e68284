"""Single agent files brought into the agents source (by ``collect agents``, ``install``
and ``update``): read whole within a size cap, written under a temp name at the top of the
agents source, checked, then renamed into place without replacing anything; a file being
replaced goes to the trash first."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from skillshared.core.config import Config
from skillshared.core.errors import SkillshareError
from skillshared.core.names import TEMP_PREFIX
from skillshared.engine import fsops
from skillshared.store import trash_agents

MAX_AGENT_BYTES = 4 << 20  # an agent is one markdown file: anything larger is refused


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def read_agent(path: str | Path) -> bytes:
    """The content of an agent file (not through a link), at most :data:`MAX_AGENT_BYTES`;
    an OSError when it cannot be read, a SkillshareError when it is larger."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(MAX_AGENT_BYTES + 1)
    if len(data) > MAX_AGENT_BYTES:
        raise SkillshareError(f"{path} is larger than {MAX_AGENT_BYTES >> 20} MiB, more than "
                              "an agent file holds")
    return data


def file_digest(path: str | Path) -> str | None:
    """The digest of a regular file at ``path`` (None when there is none, or it is a link
    or too large)."""
    try:
        return digest(read_agent(path))
    except (OSError, SkillshareError):
        return None


def trash_agent(config: Config, path: str, rel: str, reason: str) -> str:
    """Move the agent file at ``path`` (``rel`` in the agents source) to the trash; returns
    the trash item."""
    return trash_agents.put_agent(config.scope.trash_dir, path, rel, reason)


def put_agent(config: Config, data: bytes, dest: Path, replaces: str | None, rel: str,
              reason: str) -> str | None:
    """Write ``data`` as the agent file ``dest`` (``rel`` in the agents source): under a temp
    name, read back and compared, then renamed into place, never over a file it does not
    expect (``replaces``: the file that goes to the trash first). Returns that trash item."""
    agents = config.agents
    fsops.makedirs(agents)
    temp = agents / fsops.temp_name(fsops.TAG_NEW, dest.name)
    try:
        fsops.atomic_write(temp, data, mode=0o644)
        if file_digest(temp) != digest(data):
            raise SkillshareError(f"the copy of {rel} does not match what was read; nothing "
                                  "was changed")
        trashed = None
        if replaces is not None:
            trashed = trash_agent(config, replaces, rel, reason)
        fsops.makedirs(dest.parent)
        fsops.rename_no_replace(temp, dest)
        fsops.fsync_dir(dest.parent)
        return trashed
    finally:
        fsops.remove_quietly(temp)


def recover(folder: str) -> list[str]:
    """Put back the files a pass cut short left set aside in a target's agents folder (when
    their name is still free), before it is looked at; returns their names."""
    try:
        names = [n for n in os.listdir(folder) if n.startswith(TEMP_PREFIX)]
    except OSError:
        return []
    restored = []
    for entry in names:
        tag, original = fsops.parse_temp(entry)
        path = os.path.join(folder, original or "")
        if tag == fsops.TAG_ASIDE and original and not os.path.lexists(path):
            fsops.put_back(os.path.join(folder, entry), path)
            restored.append(original)
    return restored
