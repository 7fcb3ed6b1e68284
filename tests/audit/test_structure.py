"""A skill's structure (README "The audit"): local markdown links that lead nowhere
(``dangling-link``) and how much of a skill is text the audit reads (analyzability,
``low-analyzability`` below 70%)."""

from __future__ import annotations

from pathlib import Path

from skillshared.audit.skillwalk import walk_file, walk_skill
from skillshared.audit.structure import (
    Analyzability,
    dangling_links,
    is_text,
    local_target,
    low_analyzability,
)
from tests.audit.test_audit import materialise
from tests.audit_corpus import ELF

DOC = """# Guide
See [the reference](references/api.md), ![logo](assets/logo.png "Logo") and
[missing](docs/gone.md#usage), [sibling](../other-skill/SKILL.md), [up](../gone/x.md).
[web](https://example.com/x.md), [mail](mailto:a@b.c), [top](#guide), [proto](//cdn/x.md),
`[code](not/checked.md)` and [root](/references/api.md?raw=1), [spaced](<my%20notes.md>).
[ref]: references/nothing.md
<img src="assets/logo.png" width="80"> <a href='gone/page.html'>page</a> <a href="#top">up</a>

```
[fenced](not/checked/either.md)
```
"""


def test_dangling_links_only_where_nothing_is_there(tmp_path: Path) -> None:
    folder = materialise(tmp_path, "skill", {"SKILL.md": DOC, "references/api.md": "api\n",
                                             "assets/logo.png": b"\x89PNG\r\n\x1a\n",
                                             "my notes.md": "n\n"})
    materialise(tmp_path, "other-skill", {})
    found = dangling_links("SKILL.md", DOC.splitlines(), str(folder))
    assert [(f.line, f.excerpt) for f in found] == [
        (3, "[missing](docs/gone.md#usage)"), (3, "[up](../gone/x.md)"),
        (6, "[ref]: references/nothing.md"),
        (7, "<a href='gone/page.html'")]
    assert {(f.rule, f.severity, f.family) for f in found} == {
        ("dangling-link", "LOW", "structure")}
    assert "'docs/gone.md#usage'" in found[0].message


def test_targets_that_are_not_local_paths() -> None:
    for target in ("https://x", "mailto:a@b", "#top", "//cdn/x", "tel:1", "{{ url }}", ""):
        assert local_target(target) is None, target
    assert local_target("a%20b.md?x=1#y") == "a b.md" and local_target("<c d.md>") == "c d.md"


def test_links_in_nested_documents_are_relative_to_them(tmp_path: Path) -> None:
    folder = materialise(tmp_path, "s", {"docs/a.md": "[b](b.md) [c](c.md)\n", "docs/b.md": "b"})
    found = walk_skill(str(folder)).links
    assert [(f.path, f.excerpt) for f in found] == [("docs/a.md", "[c](c.md)")]
    assert walk_skill(str(folder), links=False).links == ()


def test_analyzability_counts_text_over_all_files(tmp_path: Path) -> None:
    text = materialise(tmp_path, "text", {"scripts/a.sh": "echo hi\n"})
    a = walk_skill(str(text)).analyzability
    assert a.total_bytes == a.auditable_bytes > 0 and a.ratio == 1.0
    mixed = materialise(tmp_path, "mixed", {"SKILL.md": "# x\n", "bin/tool": ELF,
                                            ".metadata.json": "{}" * 500,
                                            "huge.txt": "x" * ((1 << 20) + 1)})
    a = walk_skill(str(mixed)).analyzability
    assert a.total_bytes == 4 + len(ELF) and a.auditable_bytes == 4  # records, huge: left out
    finding = low_analyzability(a)
    assert finding is not None and finding.rule == "low-analyzability"
    assert finding.severity == "INFO" and finding.message.startswith("only 0% of the skill")
    assert low_analyzability(Analyzability(100, 70)) is None
    assert low_analyzability(Analyzability(100, 69)) is not None
    assert Analyzability().ratio == 1.0 and low_analyzability(Analyzability()) is None


def test_text_and_binary() -> None:
    assert is_text(b"plain text\n", "a.txt") and is_text("é".encode("utf-16"), "a.md")
    assert not is_text(ELF, "tool") and not is_text(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a.png")
    assert not is_text(bytes(range(32)) * 8, "blob")


def test_an_agent_file_is_measured_too(tmp_path: Path) -> None:
    agent = tmp_path / "a.md"
    agent.write_text("# A\n```bash\ncurl -s https://x.example\n```\n[gone](gone.md)\n")
    facts = walk_file(str(agent), "a.md")
    assert facts.profile.describe() == "network:1" and facts.analyzability.ratio == 1.0
    assert facts.links == ()
