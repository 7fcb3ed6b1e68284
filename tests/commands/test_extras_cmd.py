"""``extras``: init, list (with each target's state), remove, source, the edits of one extra
(--mode, --flatten, --add-target, --remove-target --prune) and collect; bad input changes
nothing."""

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

BASE_CONFIG = "source: ~/.config/skillshare/skills\ntargets: {}\n"


@pytest.fixture
def cfg(home: Path) -> Path:
    path = write_config(home, BASE_CONFIG)
    (home / ".config/skillshare/skills").mkdir(parents=True)
    return path


def run(*what: str, **args: Any) -> dict[str, Any]:
    return api.run("extras", {"what": list(what), **args}, Paths.from_env())


def extras_doc(cfg: Path) -> Any:
    return yaml.safe_load(cfg.read_text()).get("extras")


def src(home: Path, name: str = "rules") -> Path:
    return home / ".config/skillshare/extras" / name


def put(root: Path, rel: str, text: str = "x") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def unchanged(cfg: Path, home: Path) -> Any:
    return cfg.read_bytes(), tree(home)


# -- init ---------------------------------------------------------------------------------------


def test_init_writes_the_extra_and_makes_its_source(cfg: Path, home: Path) -> None:
    result = run("init", "rules", target=["~/.claude/rules", "~/.cursor/rules"], mode="copy")
    assert result["source_created"] and not result["replaced"]
    assert src(home).is_dir()
    assert extras_doc(cfg) == [{"name": "rules", "targets": [
        {"path": "~/.claude/rules", "mode": "copy"}, {"path": "~/.cursor/rules",
                                                       "mode": "copy"}]}]
    listed = run("list")
    assert listed["extras_source"] == str(home / ".config/skillshare/extras")
    assert listed["extras_source_default"]
    [extra] = listed["extras"]
    assert (extra["name"], extra["source_type"], extra["files"]) == ("rules", "default", 0)
    assert [t["status"] for t in extra["targets"]] == ["not synced", "not synced"]


def test_init_command_presets_and_a_custom_source(cfg: Path, home: Path) -> None:
    run("init", "commands", target=["claude", "cursor", "codex"], flatten=True,
        source="~/shared/commands")
    [entry] = extras_doc(cfg)
    assert entry == {"name": "commands", "source": "~/shared/commands", "targets": [
        {"path": "~/.claude/commands", "flatten": True},
        {"path": "~/.cursor/commands", "flatten": True},
        {"path": "~/.codex/prompts", "flatten": True}]}
    assert (home / "shared/commands").is_dir()
    assert run("list")["extras"][0]["source_type"] == "per-extra"


def test_init_in_a_project(work: Path) -> None:
    (work / ".skillshare/skills").mkdir(parents=True)
    config = work / ".skillshare/config.yaml"
    config.write_text("targets: [claude]\n")
    run("init", "commands", target=["claude", "tools/prompts"], project=True)
    assert yaml.safe_load(config.read_text())["extras"] == [{"name": "commands", "targets": [
        {"path": ".claude/commands"}, {"path": "tools/prompts"}]}]
    assert (work / ".skillshare/extras/commands").is_dir()
    before = config.read_bytes()
    with pytest.raises(UsageError, match="no project folder"):
        run("init", "commands", target=["codex"], project=True, force=True)
    with pytest.raises(UsageError, match="not supported in project mode"):
        run("init", "other", target=["x"], source="/tmp/s", project=True)
    assert config.read_bytes() == before


@pytest.mark.parametrize(("what", "args", "error", "message"), [
    (("init", "../bad"), {"target": ["~/r"]}, UsageError, "invalid extra name"),
    (("init", "skills"), {"target": ["~/r"]}, UsageError, "reserved"),
    (("init", "rules"), {}, UsageError, "at least one --target"),
    (("init", "rules"), {"target": ["~/r"], "mode": "mirror"}, UsageError, "invalid mode"),
    (("init", "rules"), {"target": ["~/r"], "mode": "symlink", "flatten": True}, UsageError,
     "--flatten cannot"),
    (("init", "rules"), {"target": ["~/.config/skillshare/skills/r"]}, ConfigError,
     "invalid config"),
    (("init", "rules"), {"target": ["~"]}, ConfigError, "invalid config"),
    (("init", "rules"), {"target": ["~/.config/skillshare/config.yaml"]}, UsageError,
     "is a file"),
    (("init",), {"target": ["~/r"]}, UsageError, "usage"),
    (("rules",), {}, NotFoundError, "extra 'rules' not found"),
    (("remove", "rules"), {}, NotFoundError, "not found"),
    (("collect", "rules"), {}, NotFoundError, "not found"),
])
def test_bad_input_changes_nothing(cfg: Path, home: Path, what: tuple[str, ...],
                                   args: dict[str, Any], error: type[Exception],
                                   message: str) -> None:
    before = unchanged(cfg, home)
    with pytest.raises(error, match=message):
        run(*what, **args)
    assert unchanged(cfg, home) == before


def test_init_again_needs_force(cfg: Path, home: Path) -> None:
    run("init", "rules", target=["~/a"])
    before = unchanged(cfg, home)
    with pytest.raises(UsageError, match="already exists"):
        run("init", "rules", target=["~/b"])
    assert unchanged(cfg, home) == before
    assert run("init", "rules", target=["~/b"], force=True)["replaced"]
    assert extras_doc(cfg) == [{"name": "rules", "targets": [{"path": "~/b"}]}]


def test_dry_run_init_changes_nothing(cfg: Path, home: Path) -> None:
    before = unchanged(cfg, home)
    result = run("init", "rules", target=["~/a"], dry_run=True)
    assert result["dry_run"] and result["extra"]["name"] == "rules"
    assert unchanged(cfg, home) == before


# -- list ---------------------------------------------------------------------------------------


def test_list_reads_each_targets_state(cfg: Path, home: Path) -> None:
    write_config(home, BASE_CONFIG + """\
extras:
  - name: rules
    targets:
      - path: ~/merge-ok
      - path: ~/merge-drift
      - {path: ~/copy-ok, mode: copy}
      - {path: ~/copy-drift, mode: copy}
      - {path: ~/linked, mode: symlink}
      - {path: ~/flat, flatten: true}
      - path: ~/absent
      - {path: ~/gemini, extension: gemini-commands}
  - name: empty
    targets: [{path: ~/nowhere}]
""")
    source = src(home)
    put(source, "a.md", "A")
    put(source, "team/b.md", "B")
    for folder in ("merge-ok", "merge-drift"):
        (home / folder / "team").mkdir(parents=True)
        os.symlink(source / "a.md", home / folder / "a.md")
    os.symlink(source / "team/b.md", home / "merge-ok/team/b.md")
    put(home / "copy-ok", "a.md", "A")
    put(home / "copy-ok", "team/b.md", "B")
    put(home / "copy-drift", "a.md", "A")
    put(home / "copy-drift", "team/b.md", "edited")
    os.symlink(source, home / "linked")
    (home / "flat").mkdir()
    os.symlink(source / "a.md", home / "flat/a.md")
    os.symlink(source / "team/b.md", home / "flat/b.md")
    rules, empty = run("list")["extras"]
    assert rules["files"] == 2 and rules["source_exists"]
    assert [(t["path"].rsplit("/", 1)[-1], t["status"]) for t in rules["targets"]] == [
        ("merge-ok", "synced"), ("merge-drift", "drift"), ("copy-ok", "synced"),
        ("copy-drift", "drift"), ("linked", "synced"), ("flat", "synced"),
        ("absent", "not synced"), ("gemini", "left out")]
    assert rules["targets"][-1]["extension"] == "gemini-commands"
    assert empty["targets"][0]["status"] == "no source" and not empty["source_exists"]
    one = run("rules")
    assert [e["name"] for e in one["extras"]] == ["rules"]


# -- remove, source -----------------------------------------------------------------------------


def test_remove_drops_the_config_entry_only(cfg: Path, home: Path) -> None:
    run("init", "rules", target=["~/r"])
    put(src(home), "a.md")
    (home / "r").mkdir()
    os.symlink(src(home) / "a.md", home / "r/a.md")
    files = tree(home / "r"), tree(src(home))
    result = run("remove", "rules")
    assert result["source"] == str(src(home))
    assert extras_doc(cfg) is None
    assert (tree(home / "r"), tree(src(home))) == files


def test_source_shows_and_sets_the_extras_folder(cfg: Path, home: Path) -> None:
    run("init", "rules", target=["~/r"])
    shown = run("source")
    assert (shown["extras_source"], shown["default"]) == (
        str(home / ".config/skillshare/extras"), True)
    dry = run("source", "~/company/extras", dry_run=True)
    assert dry["changed"] and "extras_source" not in yaml.safe_load(cfg.read_text())
    run("source", "~/company/extras")
    assert yaml.safe_load(cfg.read_text())["extras_source"] == "~/company/extras"
    [extra] = run("list")["extras"]
    assert (extra["source"], extra["source_type"]) == (str(home / "company/extras/rules"),
                                                       "extras_source")
    before = unchanged(cfg, home)
    with pytest.raises(UsageError, match="overlaps"):
        run("source", "~/r/inner")
    assert unchanged(cfg, home) == before


def test_source_keeps_the_key_the_file_uses(cfg: Path, home: Path) -> None:
    write_config(home, BASE_CONFIG + "sources:\n  extras: ~/old\n")
    run("source", "~/new")
    doc = yaml.safe_load(cfg.read_text())
    assert doc["sources"] == {"extras": "~/new"} and "extras_source" not in doc


def test_source_is_global_only(work: Path) -> None:
    (work / ".skillshare").mkdir()
    (work / ".skillshare/config.yaml").write_text("targets: []\n")
    with pytest.raises(UsageError, match="not supported in project mode"):
        run("source", project=True)


def test_an_extra_in_the_originals_old_place_is_pointed_out(cfg: Path, home: Path) -> None:
    write_config(home, BASE_CONFIG + "extras:\n  - name: rules\n    targets: [{path: ~/r}]\n")
    put(home / ".config/skillshare/rules", "old.md")
    before = tree(home)
    [extra] = run("list")["extras"]
    assert extra["targets"][0]["status"] == "no source"
    assert extra["warnings"] == [
        f"the source {src(home)} does not exist, but {home / '.config/skillshare/rules'} does "
        f"(where older versions of the original kept this extra): move it to {src(home)} to "
        "sync its files"]
    assert tree(home) == before
