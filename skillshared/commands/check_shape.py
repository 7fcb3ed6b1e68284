"""``check`` beside our own items: which names it checks (names, globs, group folders,
``-G``), and the original skillshare's ``tracked_repos`` and ``skills`` lists (its field
names and status words: ``up_to_date``, ``behind``, ``update_available``, ``stale``,
``local``, ``error``), so scripts written for it read ours."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from skillshared.catalog import skills
from skillshared.commands import namepick
from skillshared.core import timefmt
from skillshared.core.config import Config
from skillshared.core.config_records import SkillRecord
from skillshared.git import installs

_WORDS = {"up to date": "up_to_date", "update available": "update_available"}


def chosen(repos: dict[str, Path], copies: dict[str, SkillRecord], names: list[str],
           groups: list[str]) -> tuple[dict[str, Path], dict[str, SkillRecord]]:
    """The tracked repos and installed skills the names and groups mean (all of them when
    none is given); a name that means none is an error before anything is fetched."""
    if not (names or groups):
        return repos, copies
    keys = set(namepick.pick({**copies, **repos}, names, groups,
                             "tracked repo or installed skill"))
    return ({k: v for k, v in repos.items() if k in keys},
            {k: v for k, v in copies.items() if k in keys})


def original_lists(config: Config, items: Iterable[Mapping[str, Any]],
                   records: Mapping[str, SkillRecord], every: bool
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``tracked_repos`` and ``skills`` as the original's ``check --json`` has them;
    ``every``: local skills (no record) are listed too, as ``local``."""
    repos: list[dict[str, Any]] = []
    found: list[dict[str, Any]] = []
    stamps = installs.stamps(config)
    for item in items:
        status = _WORDS.get(item["status"], item["status"])
        if item.get("kind") == "repo":
            if item.get("dirty"):
                status = "dirty"
            repos.append({"name": item["name"], "status": status,
                          "behind": item.get("behind", 0),
                          "branch": (item.get("upstream") or "").split("/", 1)[-1]})
            continue
        stamp = stamps.get(item["name"], {})
        entry = {"name": item["name"], "source": item.get("source", ""),
                 "version": stamp.get("version", ""), "status": status,
                 "installed_at": _time(stamp.get("installed_at"))}
        if "error" in item:
            entry["message"] = item["error"]
        found.append(entry)
    if every:
        found += _local(config, records)
    return repos, found


def _time(stored: object) -> str:
    """A record's install time in the one form of a result ("" when it has none)."""
    return timefmt.iso_text(stored) if isinstance(stored, str) and stored else ""


def _local(config: Config, records: Mapping[str, SkillRecord]) -> list[dict[str, Any]]:
    """Skills of the source no install made (outside tracked repos): ``local``."""
    return [{"name": s.rel_path, "source": "", "version": "", "status": "local",
             "installed_at": ""}
            for s in skills.discover(config.source, frontmatter=False).skills
            if s.tracked_repo is None and not any(namepick.in_group(s.rel_path, rel)
                                                  for rel in records)]

