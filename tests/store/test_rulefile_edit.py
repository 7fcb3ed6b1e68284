"""Edits of a user audit rule file that keep every other line: set keys, remove and append
entries, each checked by reading the result back; what cannot be edited so is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillshared.core.errors import ConfigError
from skillshared.store import rulefile_edit as edit

P = Path("audit-rules.yaml")
TEXT = """\
# top
rules:
  # first
  - id: one   # trailing
    severity: HIGH

  - {id: two, enabled: false}
# end
"""


def test_set_keys_in_place_and_as_new_lines() -> None:
    done = edit.set_keys(edit.parse(P, TEXT), 0, {"severity": "LOW", "enabled": False})
    assert done.text.startswith("# top\nrules:\n  # first\n  - id: one   # trailing\n")
    assert "    severity: LOW\n    enabled: false\n" in done.text
    assert done.entries() == [{"id": "one", "severity": "LOW", "enabled": False},
                              {"id": "two", "enabled": False}]
    assert done.text.endswith("# end\n")


def test_a_flow_entry_gets_a_value_it_has_but_no_new_key() -> None:
    rt = edit.parse(P, TEXT)
    assert edit.set_keys(rt, 1, {"enabled": True}).entries()[1] == {"id": "two",
                                                                   "enabled": True}
    with pytest.raises(ConfigError, match="flow style"):
        edit.set_keys(rt, 1, {"severity": "LOW"})


def test_remove_and_append_keep_the_comments() -> None:
    rt = edit.remove_entry(edit.parse(P, TEXT), 1)
    rt = edit.append_entry(rt, {"id": "three", "severity": "INFO"})
    assert rt.entries() == [{"id": "one", "severity": "HIGH"},
                            {"id": "three", "severity": "INFO"}]
    for kept in ("# top", "# first", "# trailing", "# end"):
        assert kept in rt.text


@pytest.mark.parametrize("text", ["", "# only a comment\n", "rules:\n", "rules: []\n",
                                  "rules: ~\n# examples\n#  - id: x\n", "version: 1\n"])
def test_append_to_a_file_without_entries(text: str) -> None:
    rt = edit.append_entry(edit.parse(P, text), {"id": "x", "enabled": False})
    assert rt.entries() == [{"id": "x", "enabled": False}]
    assert all(line in rt.text for line in text.splitlines() if line.startswith("#"))


@pytest.mark.parametrize("value", ["yes", "no", "null", "1.5", "a: b", "#x", "it's", "~",
                                   "tab\there", "ünï"])
def test_values_read_back_as_written(value: str) -> None:
    rt = edit.append_entry(edit.parse(P, TEXT), {"id": value, "message": value})
    assert rt.entries()[-1] == {"id": value, "message": value}


def test_what_cannot_be_edited_line_by_line_is_refused() -> None:
    with pytest.raises(ConfigError, match="block list"):
        edit.append_entry(edit.parse(P, "rules: [{id: a}]\n"), {"id": "b"})
    with pytest.raises(ConfigError, match="not a mapping"):
        edit.append_entry(edit.parse(P, "- a\n- b\n"), {"id": "b"})
    with pytest.raises(ConfigError, match="line 2"):
        edit.parse(P, "rules: [\n")


def test_read_a_missing_file_and_save_makes_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep/audit-rules.yaml"
    rt = edit.read(path, 1 << 20)
    assert rt.text == "" and rt.doc is None
    edit.save(edit.append_entry(rt, {"id": "x", "enabled": False}))
    assert edit.read(path, 1 << 20).entries() == [{"id": "x", "enabled": False}]
    path.write_bytes(b"\xff\xfe rules")
    with pytest.raises(ConfigError, match="UTF-8"):
        edit.read(path, 1 << 20)
