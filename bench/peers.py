"""The tools this project is measured against, and their set-up step.

    python bench/peers.py        # installs what is missing, then says what it found

- GNU Stow (the Debian package ``stow``): ``stow -d <parent of source> -t <target> <source
  folder name>`` links each top-level entry of the source into a target: one link per skill
  for flat skills, like merge mode; a folder of skills becomes one link to the folder (it is
  not flattened), and it is one process per target.
- The ``skills`` CLI (``skills@1.6.0`` from npm, on Node 20), installed into
  ``bench/.peers/``: ``skills add <folder> -g -a <agent>… -s '*' -y`` copies each skill into
  one folder (``~/.agents/skills``) and links every agent's folder to that copy (with one
  agent, it copies straight into that agent's folder); ``--copy`` makes a real copy per agent.
  Skills are named by their frontmatter ``name``, so nested skills are not flattened either.
  Telemetry is turned off through the environment (``DISABLE_TELEMETRY``, ``DO_NOT_TRACK``).

Neither is needed by the tests; the benchmark leaves a peer out (and says so) when it is
missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PEERS = Path(__file__).resolve().parent / ".peers"
SKILLS_VERSION = "1.6.0"
QUIET = {"DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1"}

# Agents of the `skills` CLI that have a skills folder of their own (not the shared
# ~/.agents/skills), and that folder relative to HOME: the benchmark's targets.
AGENTS = [
    ("claude-code", ".claude/skills"), ("augment", ".augment/skills"),
    ("bob", ".bob/skills"), ("codebuddy", ".codebuddy/skills"),
    ("continue", ".continue/skills"), ("goose", ".config/goose/skills"),
    ("junie", ".junie/skills"), ("kiro-cli", ".kiro/skills"), ("kode", ".kode/skills"),
    ("qwen-code", ".qwen/skills"), ("roo", ".roo/skills"), ("trae", ".trae/skills"),
    ("windsurf", ".codeium/windsurf/skills"), ("openhands", ".openhands/skills"),
    ("crush", ".config/crush/skills"), ("devin", ".config/devin/skills"),
    ("forgecode", ".forge/skills"), ("grok", ".grok/skills"),
    ("hermes-agent", ".hermes/skills"), ("iflow-cli", ".iflow/skills"),
]


def stow() -> str | None:
    return shutil.which("stow")


def skills_cli() -> str | None:
    path = PEERS / "node_modules/.bin/skills"
    return str(path) if path.exists() else None


def setup() -> list[str]:
    """Install the peers that are missing; returns what happened, one line each."""
    notes = []
    if stow() is None:
        apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "apt-get"]
        for args in (["update", "-qq"], ["install", "-y", "-qq", "stow"]):
            done = subprocess.run([*apt, *args], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                notes.append(f"could not install stow: {done.stderr.strip()[-300:]}")
                break
    if skills_cli() is None and shutil.which("npm"):
        PEERS.mkdir(exist_ok=True)
        done = subprocess.run(["npm", "install", "--prefix", str(PEERS), "--no-audit",
                               "--no-fund", f"skills@{SKILLS_VERSION}"],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            notes.append(f"could not install skills@{SKILLS_VERSION}: "
                         f"{done.stderr.strip()[-300:]}")
    notes.append(f"stow: {stow() or 'missing'}")
    notes.append(f"skills: {skills_cli() or 'missing (needs npm)'}")
    return notes


if __name__ == "__main__":
    import argparse

    argparse.ArgumentParser(description="Install the benchmark's peers (GNU Stow, the "
                            "skills CLI) where they are missing.").parse_args()
    print("\n".join(setup()))
    sys.exit(0 if stow() and skills_cli() else 1)
