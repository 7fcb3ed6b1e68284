"""What one unit a pass manages is: a skill (a folder), an agent or an extra's file (a
file), with the words the reports use for it."""

from __future__ import annotations

from typing import Literal, NamedTuple


class Unit(NamedTuple):
    """What one entry a pass manages is (a skill is a folder; an agent or an extra's file is
    a file), the words for it, and the command that syncs it (for hints)."""

    kind: Literal["skills", "agents", "extras"]
    files: bool
    noun: str
    plural: str
    a_noun: str  # the noun with its article
    backup_suffix: str = ""  # a target's folder of this kind is backed up as <target><suffix>

    @property
    def command(self) -> str:
        return "skillshare sync" + ("" if self.kind == "skills" else f" {self.kind}")


SKILL_UNIT = Unit("skills", False, "skill", "skills", "a skill")
AGENT_UNIT = Unit("agents", True, "agent", "agents", "an agent", "@agents")
EXTRA_UNIT = Unit("extras", True, "file", "files", "a file")
