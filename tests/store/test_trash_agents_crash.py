"""``uninstall agents`` and ``trash agents restore`` killed at every filesystem change they
make (like kill -9), or with each change failing for a full disk: the agent is in the agents
source or in the trash, never lost, never listed half there, and the next run converges."""

from __future__ import annotations

from pathlib import Path

from skillshared.store import trash
from skillshared.store.trash import AGENT
from tests.conftest import run_cli_process, tree
from tests.test_undo_crash import Scenario

State = dict[str, tuple[str, str]]
BODY = "---\nname: tutor\n---\nStep by step.\n"


def test_uninstall_and_restore_of_an_agent_killed_anywhere(home: Path, configured: Path,
                                                           tmp_path: Path) -> None:
    agents = home / ".config/skillshare/agents"
    (agents / "team").mkdir(parents=True)
    (agents / "team/tutor.md").write_text(BODY)
    trash_dir = home / ".local/share/skillshare/trash"

    def where() -> State:
        listed = trash.items(trash_dir, tidy=False, kind=AGENT)
        state: State = {f"trash:{i.name}": ("item", str(tree(trash_dir / "agents" / i.entry)))
                        for i in listed}
        return {**state, **{f"source:{k}": v for k, v in tree(agents).items()
                            if k.endswith(".md")}}

    gone = Scenario(home, tmp_path / "gone", ["uninstall", "agents", "team/tutor"], where)
    assert "source:team/tutor.md" in gone.old and "trash:team/tutor" in gone.new
    assert gone.every_point(lambda settled: None) >= 3
    gone.every_point(lambda settled: None, fail="ENOSPC")
    assert run_cli_process("uninstall", "agents", "team/tutor").code == 0
    back = Scenario(home, tmp_path / "back", ["trash", "agents", "restore", "team/tutor"],
                    where)
    assert back.new == {"source:team/tutor.md": ("file", BODY.encode().hex())}
    assert back.every_point(lambda settled: None) >= 2
    back.every_point(lambda settled: None, fail="ENOSPC")
