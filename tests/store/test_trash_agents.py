"""Agents in the trash: ``<trash>/agents/<name>_<timestamp>/<file>.md`` with our note beside
it, listed apart from the skills, found by name, file or entry, restored byte for byte to
their place in the agents source (never over a file there), deleted and expired; the
original skillshare's agent items are agents too."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.store import trash
from skillshared.store.trash import AGENT
from skillshared.store.trash_agents import put_agent
from tests.conftest import make_skill, tree
from tests.original_world.trash import write_agent_trash_item

BODY = b"---\nname: tutor\n---\n# Tutor\r\nbytes \xe2\x9c\x93 kept\n"


@pytest.fixture
def agents(home: Path) -> Path:
    folder = home / ".config/skillshare/agents"
    (folder / "team").mkdir(parents=True)
    (folder / "tutor.md").write_bytes(BODY)
    (folder / "team/tutor.md").write_bytes(b"# team tutor\n")
    os.chmod(folder / "tutor.md", 0o640)
    return folder


def test_put_keeps_the_file_and_a_note_apart_from_the_skills(
        agents: Path, trash_dir: Path, source: Path) -> None:
    where = Path(put_agent(trash_dir, str(agents / "team/tutor.md"), "team/tutor.md",
                           "uninstall"))
    assert not (agents / "team/tutor.md").exists() and (agents / "tutor.md").exists()
    assert where.parent == trash_dir / "agents" and where.name.startswith("team__tutor_20")
    assert (where / "tutor.md").read_bytes() == b"# team tutor\n"
    note = json.loads(Path(f"{where}.json").read_text())
    assert (note["kind"], note["name"], note["file"]) == ("agent", "team/tutor", "team/tutor.md")
    assert note["origin"] == str(agents / "team/tutor.md")
    (listed,) = trash.items(trash_dir, kind=AGENT)
    assert (listed.kind, listed.name, listed.file) == ("agent", "team/tutor", "team/tutor.md")
    assert listed.to_dict()["kind"] == "agent" and not listed.original
    assert trash.items(trash_dir) == []  # not a skill
    make_skill(source, "s")
    trash.put(trash_dir, str(source / "s"), "s", "t")
    assert [i.to_dict()["kind"] for i in trash.items(trash_dir)] == ["skill"]


def test_round_trip_is_byte_for_byte(agents: Path, trash_dir: Path) -> None:
    before = tree(agents)
    mode = os.stat(agents / "tutor.md").st_mode
    put_agent(trash_dir, str(agents / "tutor.md"), "tutor.md", "uninstall")
    put_agent(trash_dir, str(agents / "team/tutor.md"), "team/tutor.md", "uninstall")
    for key in ("team/tutor.md", "tutor"):
        item = trash.find(trash_dir, key, AGENT)
        assert item.file is not None
        trash.restore(trash_dir, item, str(agents / item.file), str(agents))
    assert tree(agents) == before and os.stat(agents / "tutor.md").st_mode == mode
    assert trash.items(trash_dir, kind=AGENT) == []
    assert os.listdir(trash_dir / "agents") == []


def test_restore_never_overwrites_a_file_and_changes_nothing(agents: Path,
                                                             trash_dir: Path) -> None:
    put_agent(trash_dir, str(agents / "tutor.md"), "tutor.md", "uninstall")
    (agents / "tutor.md").write_text("a new tutor\n")
    before = tree(agents), tree(trash_dir)
    item = trash.find(trash_dir, "tutor", AGENT)
    with pytest.raises(SkillshareError, match="'tutor' already exists at"):
        trash.restore(trash_dir, item, str(agents / "tutor.md"), str(agents))
    assert (tree(agents), tree(trash_dir)) == before


def test_find_by_name_file_or_entry_and_refusals(agents: Path, trash_dir: Path) -> None:
    where = put_agent(trash_dir, str(agents / "team/tutor.md"), "team/tutor.md", "u")
    entry = os.path.basename(where)
    for key in ("team/tutor", "team/tutor.md", entry):
        assert trash.find(trash_dir, key, AGENT).entry == entry
    before = tree(trash_dir)
    with pytest.raises(NotFoundError, match="not found in the trash of agents"):
        trash.find(trash_dir, "nobody", AGENT)
    with pytest.raises(NotFoundError):
        trash.find(trash_dir, "team/tutor")  # not a skill
    with pytest.raises(UsageError):
        trash.find(trash_dir, "../x", AGENT)
    with pytest.raises(UsageError):
        put_agent(trash_dir, str(agents / "tutor.md"), "../tutor.md", "u")
    assert tree(trash_dir) == before and (agents / "tutor.md").exists()


def test_the_newest_of_a_name_wins(agents: Path, trash_dir: Path) -> None:
    now = time.time()
    put_agent(trash_dir, str(agents / "tutor.md"), "tutor.md", "u", now=now - 60)
    (agents / "tutor.md").write_text("second\n")
    put_agent(trash_dir, str(agents / "tutor.md"), "tutor.md", "u", now=now)
    assert len(trash.items(trash_dir, kind=AGENT)) == 2
    item = trash.find(trash_dir, "tutor", AGENT)
    trash.restore(trash_dir, item, str(agents / "tutor.md"), str(agents))
    assert (agents / "tutor.md").read_text() == "second\n"


def test_delete_and_expire(agents: Path, trash_dir: Path) -> None:
    now = time.time()
    put_agent(trash_dir, str(agents / "tutor.md"), "tutor.md", "u", now=now - 9 * 86400)
    put_agent(trash_dir, str(agents / "team/tutor.md"), "team/tutor.md", "u", now=now)
    assert trash.expire(trash_dir, 7) == []  # skills only, unless told
    (old,) = trash.expire(trash_dir, 7, kinds=(AGENT,))
    assert old.name == "tutor"
    (left,) = trash.items(trash_dir, kind=AGENT)
    trash.delete(trash_dir, left)
    assert os.listdir(trash_dir / "agents") == []


def test_the_originals_agent_items_are_agents(agents: Path, trash_dir: Path) -> None:
    when = datetime.now().astimezone() - timedelta(hours=1)
    write_agent_trash_item(trash_dir, "tutor", agents / "tutor.md", when)
    write_agent_trash_item(trash_dir, "team/tutor", agents / "team/tutor.md", when)
    (agents / "tutor.md").unlink()
    (agents / "team/tutor.md").unlink()
    listed = {i.name: i for i in trash.items(trash_dir, kind=AGENT)}
    assert set(listed) == {"tutor", "team/tutor"}
    assert all(i.original and i.kind == AGENT for i in listed.values())
    assert listed["team/tutor"].file == "team/tutor.md"
    assert trash.agent_items(trash_dir) == 2
    item = trash.find(trash_dir, "team/tutor", AGENT)
    trash.restore(trash_dir, item, str(agents / "team/tutor.md"), str(agents))
    assert (agents / "team/tutor.md").read_bytes() == b"# team tutor\n"
    assert not (trash_dir / "agents/team").exists()  # its emptied parent goes too


def test_a_nested_agent_by_its_file_name_alone(agents: Path, trash_dir: Path) -> None:
    put_agent(trash_dir, str(agents / "team/tutor.md"), "team/tutor.md", "u")
    assert trash.find(trash_dir, "tutor", AGENT).name == "team/tutor"
    assert trash.find(trash_dir, "tutor.md", AGENT).name == "team/tutor"
    (agents / "other").mkdir()
    (agents / "other/tutor.md").write_text("x\n")
    put_agent(trash_dir, str(agents / "other/tutor.md"), "other/tutor.md", "u")
    with pytest.raises(UsageError, match="'tutor' names 2 agents in the trash: other/tutor, "
                                         "team/tutor"):
        trash.find(trash_dir, "tutor", AGENT)
    assert trash.find(trash_dir, "other/tutor", AGENT).file == "other/tutor.md"
