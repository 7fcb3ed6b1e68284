"""Config edits of a target's ``agents:`` entry and its ``skills.target_naming``."""

from __future__ import annotations

from typing import Any

import pytest

from skillshared.core.errors import NotFoundError
from skillshared.store import configedit


@pytest.mark.parametrize(("targets", "expected"), [
    ({"claude": None}, {"claude": {"skills": {"target_naming": "standard"}}}),
    ({"claude": {"path": "~/c", "mode": "copy"}},
     {"claude": {"path": "~/c", "mode": "copy", "skills": {"target_naming": "standard"}}}),
    ({"claude": {"skills": {"path": "~/c"}}},
     {"claude": {"skills": {"path": "~/c", "target_naming": "standard"}}}),
    (["claude"], [{"name": "claude", "skills": {"target_naming": "standard"}}]),
])
def test_set_target_naming_keeps_the_other_keys_where_they_are(targets: Any,
                                                               expected: Any) -> None:
    doc = {"targets": targets}
    assert configedit.set_target_naming(doc, "claude", "standard") == {"targets": expected}
    assert doc == {"targets": targets}  # (a new document; the one given is unchanged)


def test_update_target_agents_sets_mode_and_filters_and_drops_an_empty_entry() -> None:
    doc: dict[str, Any] = {"targets": {"claude": {"path": "~/c"}}}
    doc = configedit.update_target_agents(doc, "claude", "copy", add={"include": ["a*"]})
    assert doc["targets"]["claude"] == {"path": "~/c",
                                        "agents": {"mode": "copy", "include": ["a*"]}}
    doc = configedit.update_target_agents(doc, "claude", add={"include": ["a*", "b*"],
                                                              "exclude": ["x*"]})
    assert doc["targets"]["claude"]["agents"] == {"mode": "copy", "include": ["a*", "b*"],
                                                  "exclude": ["x*"]}
    doc = configedit.update_target_agents(doc, "claude", remove={"include": ["a*", "b*"]})
    assert doc["targets"]["claude"]["agents"] == {"mode": "copy", "exclude": ["x*"]}
    keeps_path = configedit.update_target_agents(
        {"targets": [{"name": "claude", "agents": {"path": "~/a", "include": ["a*"]}}]},
        "claude", remove={"include": ["a*"]})
    assert keeps_path == {"targets": [{"name": "claude", "agents": {"path": "~/a"}}]}
    emptied = configedit.update_target_agents(
        {"targets": {"claude": {"agents": {"exclude": ["x*"]}}}}, "claude",
        remove={"exclude": ["x*"]})
    assert emptied == {"targets": {"claude": {}}}


def test_agents_edit_of_an_unknown_target_is_refused() -> None:
    with pytest.raises(NotFoundError):
        configedit.update_target_agents({"targets": {"claude": None}}, "cursor", "copy")
    with pytest.raises(NotFoundError):
        configedit.set_target_naming({"targets": ["claude"]}, "cursor", "flat")
