"""store/gitignore.py: the managed block of a ``.gitignore``: ours between the markers, every
other line the user's, kept as it is."""

from __future__ import annotations

from pathlib import Path

from skillshared.store.gitignore import (
    BEGIN,
    DEFAULT_ENTRIES,
    END,
    ensure_gitignore,
    render_gitignore,
)


def test_a_new_file_holds_just_the_block() -> None:
    assert render_gitignore("", ["a/", "b/"]) == f"{BEGIN}\na/\nb/\n{END}\n"


def test_user_lines_around_the_block_are_kept_in_place() -> None:
    existing = f"node_modules/\n\n\n{BEGIN}\nold/\n{END}\n*.log\n"
    assert render_gitignore(existing, ["new/"]) == (
        f"node_modules/\n\n{BEGIN}\nold/\nnew/\n{END}\n*.log\n")


def test_entries_are_added_once_and_x_and_x_slash_are_one_entry() -> None:
    once = render_gitignore("", ["a/", "a", "b"])
    assert once == f"{BEGIN}\na/\nb\n{END}\n"
    assert render_gitignore(once, ["a/", "b/"]) == once


def test_removing_takes_entries_out_of_the_block_only() -> None:
    existing = f"a/\n{BEGIN}\na/\nb/\n{END}\n"
    assert render_gitignore(existing, [], remove=["a"]) == f"a/\n\n{BEGIN}\nb/\n{END}\n"


def test_a_begin_marker_with_trailing_text_still_opens_the_block() -> None:
    existing = "# BEGIN SKILLSHARE MANAGED - edited by hand\nx/\n" + END + "\n"
    assert render_gitignore(existing, ["y/"]) == f"{BEGIN}\nx/\ny/\n{END}\n"


def test_ensure_writes_only_when_something_changes(tmp_path: Path) -> None:
    path = ensure_gitignore(tmp_path)
    assert path == tmp_path / ".gitignore"
    assert path.read_text() == "\n".join([BEGIN, *DEFAULT_ENTRIES, END]) + "\n"
    before = path.stat().st_mtime_ns, path.stat().st_ino
    ensure_gitignore(tmp_path)
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before
    ensure_gitignore(tmp_path, ["extra/"], remove=["trash/"])
    assert path.read_text().splitlines() == [BEGIN, "logs/", "backups/", "extra/", END]
