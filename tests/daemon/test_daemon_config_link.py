"""A config.yaml that is a symlink (into a dotfiles repository, say): the daemon watches the
real file and every link on the way to it, so an edit of the real file and a re-pointed link
both reload the config."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillshared.daemon.roots import CONFIG, Root, expand, link_hops
from tests.conftest import DaemonStarter, make_skill, wait_for


def config_text(source: Path, home: Path, *targets: str) -> str:
    lines = [f"source: {source}", "targets:"]
    lines += [f"  {name}: {{path: {home / ('.' + name) / 'skills'}}}" for name in targets]
    return "\n".join([*lines, "daemon:", "  debounce_ms: 20", ""])


def linked(home: Path, target: str, skill: str = "alpha") -> bool:
    return (home / f".{target}/skills/{skill}").is_symlink()


def repoint(link: Path, to: str) -> None:
    """What `ln -sfn` does: a new link beside it, renamed over the old one."""
    temp = link.with_name(link.name + ".new")
    os.symlink(to, temp)
    os.replace(temp, link)


@pytest.fixture
def dotfiles(home: Path, source: Path) -> dict[str, Path]:
    make_skill(source, "alpha")
    repo = home / "dotfiles"
    repo.mkdir()
    (repo / "skillshare.yaml").write_text(config_text(source, home, "claude"))
    config = home / ".config/skillshare/config.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    os.symlink("../../dotfiles/skillshare.yaml", config)  # relative, as dotfiles tools do
    return {"repo": repo, "config": config, "source": source}


def test_an_edit_of_the_linked_file_and_a_repointed_link_reload_the_config(
        home: Path, dotfiles: dict[str, Path], daemon: DaemonStarter) -> None:
    repo, source = dotfiles["repo"], dotfiles["source"]
    d = daemon()
    assert linked(home, "claude")
    watched = [w["path"] for w in d.status()["watch"]["watching"]]
    assert str(repo) in watched
    # edited in place, in the dotfiles folder
    (repo / "skillshare.yaml").write_text(config_text(source, home, "claude", "cursor"))
    wait_for(lambda: linked(home, "cursor"), what="the edit of the linked file")
    # replaced atomically there (an editor's or git's way)
    temp = repo / ".skillshare.yaml.tmp"
    temp.write_text(config_text(source, home, "claude", "cursor", "codex"))
    os.replace(temp, repo / "skillshare.yaml")
    wait_for(lambda: linked(home, "codex"), what="the replaced linked file")
    # the link re-pointed to another file, in another folder
    other = home / "dotfiles-work"
    other.mkdir()
    (other / "config.yaml").write_text(config_text(source, home, "gemini"))
    repoint(dotfiles["config"], str(other / "config.yaml"))
    wait_for(lambda: d.status()["config"]["loaded"] and linked(home, "gemini"),
             what="the re-pointed link")
    # and the new file is watched: an edit of it counts, an edit of the old one does not
    wait_for(lambda: str(other) in [w["path"] for w in d.status()["watch"]["watching"]],
             what="the new folder to be watched")
    (other / "config.yaml").write_text(config_text(source, home, "gemini", "windsurf"))
    wait_for(lambda: linked(home, "windsurf"), what="the edit of the newly linked file")
    before = d.reconciles()
    (repo / "skillshare.yaml").write_text(config_text(source, home, "claude", "opencode"))
    make_skill(source, "beta")  # something that does count, to know the daemon looked
    wait_for(lambda: linked(home, "windsurf", "beta"), what="the new skill")
    d.settle(after=before)
    assert not linked(home, "opencode")


def test_a_chain_of_links_is_followed_to_its_end(home: Path, dotfiles: dict[str, Path],
                                                 daemon: DaemonStarter) -> None:
    repo, source = dotfiles["repo"], dotfiles["source"]
    versions = repo / "versions"
    versions.mkdir()
    (versions / "v2.yaml").write_text(config_text(source, home, "cursor"))
    os.symlink("versions/v2.yaml", repo / "current.yaml")
    repoint(dotfiles["config"], str(repo / "current.yaml"))
    d = daemon()
    assert linked(home, "cursor")
    (versions / "v2.yaml").write_text(config_text(source, home, "cursor", "codex"))
    wait_for(lambda: linked(home, "codex"), what="the edit at the end of the chain")
    # the middle link re-pointed
    (versions / "v3.yaml").write_text(config_text(source, home, "gemini"))
    repoint(repo / "current.yaml", "versions/v3.yaml")
    wait_for(lambda: linked(home, "gemini"), what="the re-pointed middle link")
    wait_for(lambda: str(versions / "v3.yaml") in [
        root for w in d.status()["watch"]["watching"] for root in w["roots"]],
        what="the new end of the chain to be watched")
    (versions / "v3.yaml").write_text(config_text(source, home, "gemini", "windsurf"))
    wait_for(lambda: linked(home, "windsurf"), what="the edit of the new end of the chain")


def test_link_hops(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real/c.yaml").write_text("x")
    os.symlink("real", tmp_path / "alias")  # a folder on the way that is a link
    os.symlink("alias/c.yaml", tmp_path / "mid.yaml")
    (tmp_path / "cfg").mkdir()
    os.symlink("../mid.yaml", tmp_path / "cfg/config.yaml")
    root = Root(CONFIG, str(tmp_path / "cfg/config.yaml"), entry="config.yaml")
    assert [(r.path, r.entry) for r in link_hops(root)] == [
        (str(tmp_path / "mid.yaml"), "mid.yaml"),
        (str(tmp_path / "real/c.yaml"), "c.yaml"),
    ]
    assert expand([root]) == [root, *link_hops(root)]
    # a loop ends; a plain file has no hops; a target's link is not followed
    os.symlink("loop-b", tmp_path / "loop-a")
    os.symlink("loop-a", tmp_path / "loop-b")
    assert len(link_hops(Root(CONFIG, str(tmp_path / "loop-a"), entry="loop-a"))) <= 2
    assert link_hops(Root(CONFIG, str(tmp_path / "real/c.yaml"), entry="c.yaml")) == []
    target = Root("target", str(tmp_path / "mid.yaml"), entry="mid.yaml", target="t")
    assert expand([target]) == [target]
