"""The metadata trust check: who a SKILL.md says made it, against where it came from."""

from __future__ import annotations

import pytest

from skillshared.audit.trust import claims, repo_owner, trust_findings

ACME = "https://github.com/acme/tools.git"


def md(description: str, name: str = "tool") -> str:
    return f"---\nname: {name}\ndescription: {description}\n---\n# Body\n"


def rules(description: str, url: str | None = ACME, name: str = "tool") -> list[str]:
    return [f.rule for f in trust_findings(md(description, name), url)]


@pytest.mark.parametrize(("url", "owner"), [
    ("https://github.com/acme-corp/skills.git", "acme-corp"),
    ("https://gitlab.com/Team-X/monorepo.git", "team-x"),
    ("git@github.com:MyOrg/repo.git", "myorg"),
    ("ssh://git@github.com/MyOrg/repo.git", "myorg"),
    ("https://dev.azure.com/org/proj/_git/repo", "org"),
    ("github.com/acme/tools", "acme"),
    ("acme/tools", "acme"),
    ("file:///srv/git/skills.git", ""),
    ("/srv/git/skills", ""),
    ("", ""),
])
def test_the_owner_of_a_repository(url: str, owner: str) -> None:
    assert repo_owner(url) == owner


@pytest.mark.parametrize(("description", "url"), [
    ("Official formatter from Acme Corp", "https://github.com/random-user/skills.git"),
    ("A tool by @bigcorp", "https://github.com/evil-fork/skills.git"),
    ("made by Google", "git@github.com:evil-fork/repo.git"),
    ("Created by Widget Labs for teams", ACME),
    ("Maintained by Anthropic engineers", ACME),
    ("A skill from Acme", "https://github.com/someone-else/acme-skills"),
    ("Formatter for Go by Acme", ACME.replace("acme", "other")),
    ("The linter from Acme", ACME.replace("acme", "other")),
])
def test_a_claimed_publisher_that_is_not_the_owner(description: str, url: str) -> None:
    found = trust_findings(md(description), url)
    mismatch = [f for f in found if f.rule == "publisher-mismatch"]
    assert len(mismatch) == 1 and mismatch[0].severity == "HIGH"
    assert mismatch[0].family == "trust" and mismatch[0].path == "SKILL.md"
    assert mismatch[0].line == 3 and "installed from a repository of" in mismatch[0].message


@pytest.mark.parametrize(("description", "url"), [
    ("A formatter by Acme", ACME),  # the owner itself
    ("Formatter from Acme Corp", "https://github.com/acme-corp/skills.git"),
    ("Formatter made by Acme Corp", ACME),  # the owner inside the claim
    ("maintained by Anthropics team", "https://github.com/anthropics/skills.git"),
    ("A tool by @myorg", "https://github.com/myorg/skills.git"),
    ("Use this skill when a .docx comes as input from any document.", ACME),
    ("Create dashboards from CSV/tabular data in Excel format.", ACME),
    ("Resolve IDs from human-friendly names.", ACME),
    ("Imports files from Google Drive and posts to Slack", ACME),
    ("Manage Ruby Gems and Standby Servers", ACME),
    ("Rows sorted by Name; powered by OpenAI; step by Step", ACME),
    ("Inspired by Google's style guide", ACME),
    ("Mail john@example.com; runs @playwright/test; reads @mentions", ACME),
    ("Fetch the latest release from GitHub; load skills from GitHub repos", ACME),
    ("Install packages from PyPI; a handy tool from npm", ACME),
    ("Group issues by Label; sort files by Date; read by Claude Code", ACME),
    ("This skill was written by Claude", ACME),
    ("Formatter made by Acme Corp", None),  # a local skill: nothing to compare with
    ("made by Google", "file:///srv/git/skills.git"),  # no owner to compare with
])
def test_no_mismatch(description: str, url: str | None) -> None:
    assert "publisher-mismatch" not in rules(description, url)


def test_the_name_is_read_for_claims_too() -> None:
    assert claims("helper by Acme", "Helps.") == ["Acme"]
    assert rules("Helps.", "https://github.com/other/x", name="helper by Acme") == [
        "publisher-mismatch"]


@pytest.mark.parametrize("description", [
    "Official database connector", "Verified and trusted security scanner",
    "The officially certified linter", "An Endorsed, authorised tool",
])
def test_authority_language_from_an_unknown_owner(description: str) -> None:
    found = trust_findings(md(description), "https://github.com/new-account-2025/skills")
    assert [(f.rule, f.severity, f.family) for f in found] == [
        ("authority-language", "MEDIUM", "trust")]
    assert "not a well-known organisation's" in found[0].message


@pytest.mark.parametrize(("description", "url"), [
    ("Official Claude Code skill", "https://github.com/anthropics/skills.git"),
    ("Official Gemini helper", "https://github.com/google-gemini/x"),
    ("A simple utility for formatting", ACME),
    ("Official trusted tool", None),  # a local skill: the user controls it
    ("An unofficial client; handles untrusted input and unverified uploads", ACME),
    ("This is not an official tool, and not verified, non-official", ACME),
    ("", ACME),
])
def test_no_authority_language(description: str, url: str | None) -> None:
    assert "authority-language" not in rules(description, url)


def test_both_from_one_description() -> None:
    found = trust_findings(md("Official formatter from Acme Corp"),
                           "https://github.com/evil-fork/skills.git")
    assert sorted(f.rule for f in found) == ["authority-language", "publisher-mismatch"]
    mismatch = next(f for f in found if f.rule == "publisher-mismatch")
    assert "'Acme Corp'" in mismatch.message and "'evil-fork'" in mismatch.message


def test_a_folded_description_is_read_whole() -> None:
    text = ("---\nname: tool\ndescription: >\n  A formatter for code,\n  made by Acme Corp\n"
            "---\n")
    found = trust_findings(text, "https://github.com/evil-fork/x")
    assert [(f.rule, f.line) for f in found] == [("publisher-mismatch", 5)]


def test_a_frontmatter_yaml_cannot_read_still_shows_its_claims() -> None:
    text = "---\nname: tool\ndescription: Official: made by Acme Corp\n  bad: [\n---\n"
    found = trust_findings(text, "https://github.com/evil-fork/x")
    assert sorted(f.rule for f in found) == ["authority-language", "publisher-mismatch"]


def test_no_skill_file_or_no_frontmatter() -> None:
    assert trust_findings(None, ACME) == []
    assert trust_findings("# made by Google\n", "https://github.com/evil/x") == []
