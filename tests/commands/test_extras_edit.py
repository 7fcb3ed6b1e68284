"""``extras <name> --mode | --flatten | --no-flatten | --add-target | --remove-target
[--prune]`` and ``extras collect``: config-only changes, pruning only what skillshare put
there, collecting only a target's own files; bad input changes nothing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from skillshared import api
from skillshared.core.errors import ConfigError, NotFoundError, UsageError
from skillshared.core.paths import Paths
from tests.conftest import tree, write_config

TWO_TARGETS = """\
source: ~/.config/skillshare/skills
targets: {}
extras:
  - name: rules
    targets:
      - path: ~/a
      - {path: ~/b, mode: copy}
"""


@pytest.fixture
def cfg(home: Path) -> Path:
    (home / ".config/skillshare/skills").mkdir(parents=True)
    return write_config(home, TWO_TARGETS)


@pytest.fixture
def source(home: Path) -> Path:
    folder = home / ".config/skillshare/extras/rules"
    folder.mkdir(parents=True)
    return folder


def run(*what: str, **args: Any) -> dict[str, Any]:
    return api.run("extras", {"what": list(what), **args}, Paths.from_env())


def targets(cfg: Path) -> Any:
    return yaml.safe_load(cfg.read_text())["extras"][0]["targets"]


def put(root: Path, rel: str, text: str = "x") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# -- edits --------------------------------------------------------------------------------------


def test_mode_needs_a_target_when_there_are_several(cfg: Path, home: Path) -> None:
    before = cfg.read_bytes()
    with pytest.raises(UsageError, match="has 2 targets"):
        run("rules", mode="symlink")
    with pytest.raises(NotFoundError, match="not a target"):
        run("rules", mode="symlink", target=["~/c"])
    assert cfg.read_bytes() == before
    result = run("rules", mode="symlink", target=["~/a"])
    assert result["changes"] == ["mode of ~/a: merge -> symlink"]
    assert targets(cfg) == [{"path": "~/a", "mode": "symlink"}, {"path": "~/b", "mode": "copy"}]
    assert run("rules", mode="merge", target=["~/a"])["changes"]
    assert targets(cfg)[0] == {"path": "~/a"}  # (merge is the default: the key goes)


def test_flatten_applies_to_every_target_unless_one_is_named(cfg: Path) -> None:
    run("rules", flatten=True)
    assert [t.get("flatten") for t in targets(cfg)] == [True, True]
    run("rules", no_flatten=True, target=["~/b"])
    assert [t.get("flatten") for t in targets(cfg)] == [True, None]
    assert run("rules", flatten=True, target=["~/a"])["changes"] == []


def test_add_and_remove_a_target(cfg: Path, home: Path) -> None:
    result = run("rules", add_target="~/c", mode="copy", flatten=True)
    assert result["changes"] == ["added target ~/c (copy, flatten)"]
    assert targets(cfg)[-1] == {"path": "~/c", "mode": "copy", "flatten": True}
    run("rules", remove_target=str(home / "c"))
    assert [t["path"] for t in targets(cfg)] == ["~/a", "~/b"]


@pytest.mark.parametrize(("args", "error", "message"), [
    ({"mode": "mirror", "target": ["~/a"]}, UsageError, "invalid mode"),
    ({"flatten": True, "no_flatten": True}, UsageError, "one change at a time"),
    ({"flatten": True, "mode": "copy"}, UsageError, "one at a time"),
    ({"add_target": "~/a"}, UsageError, "already a target"),
    ({"add_target": "~/c", "mode": "symlink", "flatten": True}, UsageError, "--flatten"),
    ({"add_target": "~/.config/skillshare/extras/rules/x"}, ConfigError, "invalid config"),
    ({"add_target": "/"}, ConfigError, "invalid config"),
    ({"remove_target": "~/zzz"}, NotFoundError, "not a target"),
    ({"prune": True}, UsageError, "--prune goes with --remove-target"),
    ({"add_target": "~/c", "remove_target": "~/a"}, UsageError, "one change at a time"),
])
def test_bad_edits_change_nothing(cfg: Path, home: Path, source: Path, args: dict[str, Any],
                                  error: type[Exception], message: str) -> None:
    before = tree(home)
    with pytest.raises(error, match=message):
        run("rules", **args)
    assert tree(home) == before


def test_symlink_and_flatten_exclude_each_other(cfg: Path, home: Path) -> None:
    run("rules", flatten=True, target=["~/a"])
    before = cfg.read_bytes()
    with pytest.raises(UsageError, match="flattened"):
        run("rules", mode="symlink", target=["~/a"])
    assert cfg.read_bytes() == before


def test_the_last_target_cannot_be_removed(home: Path) -> None:
    cfg = write_config(home, "targets: {}\nextras:\n  - name: r\n    targets: [{path: ~/a}]\n")
    before = cfg.read_bytes()
    with pytest.raises(UsageError, match="only target"):
        run("r", remove_target="~/a")
    assert cfg.read_bytes() == before


def test_a_dry_run_edit_changes_nothing(cfg: Path, home: Path, source: Path) -> None:
    put(source, "a.md")
    (home / "a").mkdir()
    os.symlink(source / "a.md", home / "a/a.md")
    before = tree(home)
    result = run("rules", remove_target="~/a", prune=True, dry_run=True)
    assert result["pruned"] == [str(home / "a/a.md")]
    assert tree(home) == before


# -- prune --------------------------------------------------------------------------------------


def test_prune_removes_only_what_skillshare_put_there(cfg: Path, home: Path,
                                                      source: Path) -> None:
    put(source, "a.md", "A")
    put(source, "team/b.md", "B")
    put(source, "c.md", "C")
    a, b = home / "a", home / "b"
    (a / "team").mkdir(parents=True)
    os.symlink(source / "a.md", a / "a.md")
    os.symlink(source / "team/b.md", a / "team/b.md")
    os.symlink(home / "elsewhere.md", a / "c.md")  # a link of the user's, same name
    put(a, "mine.md", "my own")
    put(b, "a.md", "A")  # a copy, unchanged
    put(b, "team/b.md", "edited")  # a copy the user changed
    put(b, "notes.md", "mine")
    result = run("rules", remove_target="~/a", prune=True)
    assert sorted(result["pruned"]) == [str(a / "a.md"), str(a / "team/b.md")]
    assert [k["path"] for k in result["kept"]] == [str(a / "c.md")]
    assert sorted(os.listdir(a)) == ["c.md", "mine.md"]  # (team/ emptied, so removed)
    write_config(home, TWO_TARGETS)
    result = run("rules", remove_target="~/b", prune=True)
    assert result["pruned"] == [str(b / "a.md")]
    assert sorted(os.listdir(b)) == ["notes.md", "team"]
    assert (b / "team/b.md").read_text() == "edited"
    assert tree(source) == {"a.md": ("file", b"A".hex()), "c.md": ("file", b"C".hex()),
                            "team": ("dir", ""), "team/b.md": ("file", b"B".hex())}


def test_prune_of_a_symlink_mode_target_removes_the_link_only(home: Path,
                                                              source: Path) -> None:
    write_config(home, "targets: {}\nextras:\n  - name: rules\n    targets:\n"
                 "      - {path: ~/a, mode: symlink}\n      - path: ~/b\n")
    put(source, "a.md")
    os.symlink(source, home / "a")
    result = run("rules", remove_target="~/a", prune=True)
    assert result["pruned"] == [str(home / "a")]
    assert not os.path.lexists(home / "a") and (source / "a.md").is_file()


# -- collect ------------------------------------------------------------------------------------


def test_collect_moves_a_targets_own_files_into_the_source(cfg: Path, home: Path,
                                                           source: Path) -> None:
    a = home / "a"
    put(source, "same.md", "S")
    put(source, "clash.md", "theirs")
    put(a, "new.md", "N")
    put(a, "deep/nested.md", "D")
    put(a, "same.md", "S")
    put(a, "clash.md", "mine")
    put(a, ".DS_Store", "finder")
    put(a, "__pycache__/x.pyc", "cache")
    os.symlink(source / "same.md", a / "linked.md")
    with pytest.raises(UsageError, match="has 2 targets"):
        run("collect", "rules")
    before = tree(home)
    dry = run("collect", "rules", **{"from": "~/a"}, dry_run=True)
    assert tree(home) == before
    result = run("collect", "rules", **{"from": "~/a"})
    assert [c["path"] for c in dry["collected"]] == [c["path"] for c in result["collected"]]
    assert sorted((c["path"], c["linked"]) for c in result["collected"]) == [
        (str(a / "deep/nested.md"), True), (str(a / "new.md"), True), (str(a / "same.md"), True)]
    assert [c["path"] for c in result["conflicts"]] == [str(a / "clash.md")]
    assert sorted(s["path"] for s in result["skipped"]) == [str(a / ".DS_Store"),
                                                           str(a / "__pycache__/x.pyc")]
    assert (source / "new.md").read_text() == "N"
    assert (source / "deep/nested.md").read_text() == "D"
    assert (source / "clash.md").read_text() == "theirs"
    assert (a / "clash.md").read_text() == "mine" and not (a / "clash.md").is_symlink()
    for rel in ("new.md", "deep/nested.md", "same.md"):
        assert os.path.realpath(a / rel) == str(source / rel)


def test_collect_from_a_copy_target_keeps_the_copies(cfg: Path, home: Path,
                                                     source: Path) -> None:
    put(home / "b", "team/new.md", "N")
    result = run("collect", "rules", **{"from": "~/b"})
    assert [(c["source"], c["linked"]) for c in result["collected"]] == [
        (str(source / "team/new.md"), False)]
    assert not (home / "b/team/new.md").is_symlink()
    assert (source / "team/new.md").read_text() == "N"


def test_collect_with_flatten_keeps_base_names(home: Path, source: Path) -> None:
    write_config(home, "targets: {}\nextras:\n  - name: rules\n    targets:\n"
                 "      - {path: ~/a, flatten: true}\n")
    put(home / "a", "x/deep.md", "D")
    run("collect", "rules")
    assert (source / "deep.md").read_text() == "D"
    assert os.path.realpath(home / "a/x/deep.md") == str(source / "deep.md")


def test_collect_refuses_a_symlink_mode_target(home: Path, source: Path) -> None:
    write_config(home, "targets: {}\nextras:\n  - name: rules\n    targets:\n"
                 "      - {path: ~/a, mode: symlink}\n")
    put(source, "a.md")
    os.symlink(source, home / "a")
    before = tree(home)
    with pytest.raises(UsageError, match="symlink mode"):
        run("collect", "rules")
    assert tree(home) == before


def test_collect_needs_the_target_folder(cfg: Path, home: Path) -> None:
    with pytest.raises(NotFoundError, match="does not exist"):
        run("collect", "rules", **{"from": "~/a"})
